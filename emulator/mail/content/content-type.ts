/** Guesses an attachment's MIME type when the client gives none (Graph answers image/gif for the "smile" vector). */

const BY_EXTENSION: Record<string, string> = {
	txt: 'text/plain',
	log: 'text/plain',
	csv: 'text/csv',
	htm: 'text/html',
	html: 'text/html',
	json: 'application/json',
	xml: 'application/xml',
	pdf: 'application/pdf',
	png: 'image/png',
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	gif: 'image/gif',
	bmp: 'image/bmp',
	svg: 'image/svg+xml',
	zip: 'application/zip',
	gz: 'application/gzip',
	eml: 'message/rfc822',
	ics: 'text/calendar',
	doc: 'application/msword',
	docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
	xls: 'application/vnd.ms-excel',
	xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
	ppt: 'application/vnd.ms-powerpoint',
	pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
	mp4: 'video/mp4',
	mp3: 'audio/mpeg',
};

const MAGIC: Array<{ bytes: number[]; type: string }> = [
	{ bytes: [0x47, 0x49, 0x46, 0x38], type: 'image/gif' },
	{ bytes: [0x89, 0x50, 0x4e, 0x47], type: 'image/png' },
	{ bytes: [0xff, 0xd8, 0xff], type: 'image/jpeg' },
	{ bytes: [0x25, 0x50, 0x44, 0x46], type: 'application/pdf' },
	{ bytes: [0x50, 0x4b, 0x03, 0x04], type: 'application/zip' },
];

export function guessContentType(name: string, bytes: Buffer): string {
	const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase();
	if (ext && BY_EXTENSION[ext]) return BY_EXTENSION[ext];
	for (const magic of MAGIC) {
		if (bytes.length >= magic.bytes.length && magic.bytes.every((b, i) => bytes[i] === b))
			return magic.type;
	}
	return 'application/octet-stream';
}

/**
 * Whether `text` is padded standard base64 (length a multiple of 4, the standard alphabet, at most
 * two '=' at the end), checked in one pass. A regular expression over a multi-megabyte string can
 * exhaust V8's backtracking stack (it did, intermittently, on a 4 MiB attachment).
 */
export function isStrictBase64(text: string): boolean {
	if (text.length % 4 !== 0) return false;
	let padding = 0;
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code === 61 /* = */) {
			padding++;
			continue;
		}
		if (padding > 0) return false;
		const alphabet =
			(code >= 65 && code <= 90) ||
			(code >= 97 && code <= 122) ||
			(code >= 48 && code <= 57) ||
			code === 43 ||
			code === 47;
		if (!alphabet) return false;
	}
	return padding <= 2;
}

/**
 * A file name from a mail (an attachment's name is whatever the sender wrote) made safe for the
 * binary data n8n writes: one name, not a path. Pure: no I/O.
 */

/** Longest name kept, in UTF-16 units (file systems allow 255 bytes; room is left for suffixes). */
export const MAX_FILE_NAME_LENGTH = 200;

// C0 and C1 control characters, DEL, and the bidi / zero-width controls that disguise extensions.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
// Path separators and the characters Windows refuses in names.
const RESERVED = /[/\\:*?"<>|]/g;
// Windows device names, with or without an extension.
const DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/**
 * `name` with path separators, reserved and control characters replaced by `_`, no `..`, no leading
 * or trailing dots or spaces, no device name, at most MAX_FILE_NAME_LENGTH long (the extension kept),
 * or `fallback` when nothing usable is left.
 */
export function safeFileName(name: unknown, fallback = 'attachment'): string {
	let text = typeof name === 'string' ? name : '';
	text = text.normalize('NFC').replace(CONTROL, '').replace(RESERVED, '_');
	// No dot segment survives anywhere: "a..b" stays one name, but ".." alone or as a part does not.
	text = text.replace(/\.{2,}/g, '.');
	text = text.replace(/^[\s.]+|[\s.]+$/g, '');
	if (DEVICE.test(text)) text = `_${text}`;
	if (text.length > MAX_FILE_NAME_LENGTH) {
		const dot = text.lastIndexOf('.');
		const extension = dot > 0 && text.length - dot <= 16 ? text.slice(dot) : '';
		text = text.slice(0, MAX_FILE_NAME_LENGTH - extension.length).replace(/[\s.]+$/, '') + extension;
	}
	// Never split a surrogate pair at the cut.
	text = text.replace(/[\ud800-\udbff]$/, '').replace(/(^|[^\ud800-\udbff])[\udc00-\udfff]/g, '$1');
	return text === '' || /^_*$/.test(text) ? fallback : text;
}

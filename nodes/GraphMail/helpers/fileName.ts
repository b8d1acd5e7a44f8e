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
// Half of a UTF-16 surrogate pair without its other half (not a character).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// Windows device names, with or without an extension.
const DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/**
 * `name` as one safe file name: control and bidi characters removed, the parts of a path joined by
 * `_` (`.` and `..` parts dropped), reserved characters replaced by `_`, no `..`, no leading or
 * trailing dots or spaces, no device name, at most MAX_FILE_NAME_LENGTH long (the extension kept);
 * `fallback` when nothing usable is left.
 */
export function safeFileName(name: unknown, fallback = 'attachment'): string {
	let text = (typeof name === 'string' ? name : '')
		.replace(CONTROL, '')
		.replace(LONE_SURROGATE, '');
	// A path keeps its parts, never its directions: `../../etc/passwd` -> `etc_passwd`.
	text = text
		.split(/[/\\]/)
		.filter((part) => !/^[\s.]*$/.test(part))
		.join('_')
		.replace(RESERVED, '_')
		// No `..` anywhere: "a..b" becomes "a.b".
		.replace(/\.{2,}/g, '.');
	text = trimmed(text);
	if (DEVICE.test(text)) text = `_${text}`;
	if (text.length > MAX_FILE_NAME_LENGTH) {
		const dot = text.lastIndexOf('.');
		const extension = dot > 0 && text.length - dot <= 16 ? text.slice(dot) : '';
		// Never split a surrogate pair at the cut.
		const stem = text
			.slice(0, MAX_FILE_NAME_LENGTH - extension.length)
			.replace(/[\ud800-\udbff]$/, '');
		text = trimmed(`${trimmed(stem)}${extension}`);
	}
	return text === '' || /^_*$/.test(text) ? fallback : text;
}

/** Without leading or trailing dots and spaces. */
function trimmed(text: string): string {
	return text.replace(/^[\s.]+|[\s.]+$/g, '');
}

/**
 * An `.eml` name from a mail's subject: characters a file name cannot hold become spaces (a subject
 * reads better so than with `_`), then the rules of `safeFileName` apply.
 */
export function emlFileName(subject: unknown, fallback: string): string {
	const spaced = (typeof subject === 'string' ? subject : '')
		.replace(CONTROL, ' ')
		.replace(RESERVED, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	return `${safeFileName(spaced, fallback)}.eml`;
}

/**
 * Folder paths as users write them (`Inbox/Projects/2026`) and the folder names the node accepts.
 * `/` separates folders; `\/` is a `/` inside a name and `\\` a backslash. Pure: no I/O.
 */

/** Longest folder name the node accepts (Exchange keeps display names to 255 characters). */
export const MAX_FOLDER_NAME_LENGTH = 255;

/** Deepest path the node walks or creates (Outlook's folder trees stay far shallower). */
export const MAX_PATH_DEPTH = 32;

export type PathParse = { segments: string[] } | { problem: string };

/**
 * Splits a path at every `/` that is not written `\/`; each name is trimmed. Refuses an empty path,
 * empty segments (`a//b`, a leading or trailing `/`) and names `folderNameProblem` refuses.
 */
export function parseFolderPath(text: string): PathParse {
	const segments: string[] = [];
	let current = '';
	for (let i = 0; i < text.length; i++) {
		const char = text[i]!;
		const next = text[i + 1];
		if (char === '\\' && (next === '/' || next === '\\')) {
			current += next;
			i++;
		} else if (char === '/') {
			segments.push(current);
			current = '';
		} else {
			current += char;
		}
	}
	segments.push(current);
	const names = segments.map((segment) => segment.trim());
	if (names.length === 1 && names[0] === '') return { problem: 'is empty' };
	if (names.length > MAX_PATH_DEPTH)
		return { problem: `has ${names.length} levels; at most ${MAX_PATH_DEPTH} are supported` };
	const empty = names.findIndex((name) => name === '');
	if (empty !== -1) {
		return {
			problem: `has an empty folder name at level ${empty + 1} (a leading, trailing or doubled /)`,
		};
	}
	for (const name of names) {
		const problem = folderNameProblem(name);
		if (problem) return { problem: `has a folder name that ${problem}` };
	}
	return { segments: names };
}

/** Why Outlook would refuse `name` as a folder name, or undefined when it is fine. */
export function folderNameProblem(name: string): string | undefined {
	if (name.trim() === '') return 'is empty';
	if (name !== name.trim()) return 'starts or ends with a space';
	if (name.length > MAX_FOLDER_NAME_LENGTH)
		return `is ${name.length} characters long; at most ${MAX_FOLDER_NAME_LENGTH} are allowed`;
	if (hasControlCharacter(name)) return 'contains a control character (such as a line break)';
	if (name === '.' || name === '..') return `is "${name}", which Outlook does not accept`;
	if (!isWellFormed(name)) return 'contains text that is not valid Unicode';
	return undefined;
}

/** A name as one path segment: `/` and `\` escaped, so that the path parses back to the same names. */
export function escapeFolderName(name: string): string {
	return name.replace(/[\\/]/g, (char) => `\\${char}`);
}

/** Names joined into a path that `parseFolderPath` reads back. */
export function joinFolderPath(names: string[]): string {
	return names.map(escapeFolderName).join('/');
}

function hasControlCharacter(text: string): boolean {
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code < 0x20 || code === 0x7f) return true;
	}
	return false;
}

function isWellFormed(text: string): boolean {
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code >= 0xd800 && code <= 0xdbff) {
			const low = text.charCodeAt(i + 1);
			if (!(low >= 0xdc00 && low <= 0xdfff)) return false;
			i++;
		} else if (code >= 0xdc00 && code <= 0xdfff) {
			return false;
		}
	}
	return true;
}

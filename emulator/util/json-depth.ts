/** OData's reader stops at this nesting depth (MessageQuotas.MaxNestingDepth); so does the emulator, before its stack would. */
export const MAX_JSON_NESTING = 100;

/** Deepest `{`/`[` nesting of a JSON text, counted without recursion (strings skipped). */
export function jsonNestingDepth(text: string): number {
	let depth = 0;
	let deepest = 0;
	let inString = false;
	for (let i = 0; i < text.length; i++) {
		const ch = text[i];
		if (inString) {
			if (ch === '\\') i++;
			else if (ch === '"') inString = false;
		} else if (ch === '"') inString = true;
		else if (ch === '{' || ch === '[') deepest = Math.max(deepest, ++depth);
		else if (ch === '}' || ch === ']') depth--;
	}
	return deepest;
}

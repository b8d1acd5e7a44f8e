/**
 * KQL for Graph's `$search`. The whole query travels as one double-quoted value
 * (`$search="from:alex subject:report"`); inside it a backslash and a double quote are escaped,
 * and an escaped quote (`\"`) delimits a KQL phrase. Pure: no I/O.
 */

/** Escapes `\` and `"` for the inside of a double-quoted `$search` value. */
export function escapeKql(text: string): string {
	return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/** A KQL phrase that matches `text` literally: wrapped in double quotes, inner quotes and backslashes escaped. */
export function kqlPhrase(text: string): string {
	return `"${escapeKql(text)}"`;
}

/** The `$search` value for a user's KQL query: the query wrapped as one quoted value. */
export function searchParameter(query: string): string {
	return kqlPhrase(query.trim());
}

/**
 * What is wrong with a user's KQL query before it is sent, or undefined: empty, an unpaired
 * double quote (its phrase would swallow the rest), or unbalanced parentheses outside phrases.
 */
export function kqlProblem(query: string): string | undefined {
	const text = query.trim();
	if (text === '') return 'the search is empty';
	if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text))
		return 'it contains control characters';
	let inPhrase = false;
	let depth = 0;
	for (const ch of text) {
		if (ch === '"') inPhrase = !inPhrase;
		else if (!inPhrase && ch === '(') depth++;
		else if (!inPhrase && ch === ')') {
			depth--;
			if (depth < 0) return 'a closing parenthesis has no opening one';
		}
	}
	if (inPhrase) return 'a double quote is not paired (a phrase is written "like this")';
	if (depth !== 0) return 'an opening parenthesis is not closed';
	return undefined;
}

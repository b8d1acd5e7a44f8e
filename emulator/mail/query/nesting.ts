/**
 * How deep `$filter` and `$search` may nest (parentheses, not, lambda bodies). OData's own parser
 * stops at a recursion limit with this message; the emulator stops well before its stack would.
 */
export const MAX_QUERY_NESTING = 100;

export const RECURSION_LIMIT = `The recursion limit has been exceeded (at most ${MAX_QUERY_NESTING} levels of nesting).`;

/** Counts nesting levels while a recursive-descent parser runs. */
export class NestingDepth {
	private depth = 0;

	constructor(private readonly tooDeep: (message: string) => Error) {}

	/** Parses one level deeper, refusing more than MAX_QUERY_NESTING. */
	enter<R>(parse: () => R): R {
		if (++this.depth > MAX_QUERY_NESTING) throw this.tooDeep(RECURSION_LIMIT);
		const result = parse();
		this.depth--;
		return result;
	}
}

import fc from 'fast-check';

import { pathSegments } from '../../emulator/mail/routing/routes';
import { tokenize } from '../../emulator/mail/query/odata-filter';
import { unwrapSearch } from '../../emulator/mail/query/kql-search';
import { isValidAddress, parseAddresses } from '../../nodes/GraphMail/helpers/addresses';
import { escapeKql, kqlPhrase, searchParameter } from '../../nodes/GraphMail/helpers/kql';
import { buildListQuery, odataString } from '../../nodes/GraphMail/helpers/odata';
import { checkPathSegment, mailboxPath } from '../../nodes/GraphMail/helpers/pathSegment';

/**
 * Property-based checks of the pure mapping: no generated input escapes its path segment, its
 * OData string literal or its KQL phrase, and address parsing never lets through something that
 * is not an address (or a line break into a header).
 */

const RUNS = { numRuns: 2000 };

/** Characters that matter to URLs, OData, KQL and address syntax, plus any UTF-16 unit (lone surrogates too). */
const tricky = fc.oneof(
	{
		weight: 3,
		arbitrary: fc.constantFrom(
			'.',
			'%',
			'2',
			'e',
			'E',
			'/',
			'\\',
			'?',
			'#',
			'(',
			')',
			"'",
			'"',
			' ',
			'\t',
			'\n',
			'&',
			'=',
			'+',
			'@',
			'<',
			'>',
			',',
			';',
			':',
			'*',
		),
	},
	{
		weight: 1,
		arbitrary: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
	},
	{ weight: 1, arbitrary: fc.string({ maxLength: 3 }) },
);
const trickyText = fc.array(tricky, { maxLength: 24 }).map((parts) => parts.join(''));

/** `.` and `..`, with dots percent-encoded (once or twice, either case) and blanks around. */
const dotSegment = fc
	.tuple(
		fc.array(fc.constantFrom('.', '%2e', '%2E', '%252e', '%252E'), { minLength: 1, maxLength: 2 }),
		fc.constantFrom('', ' ', '\t'),
		fc.constantFrom('', ' ', '\n'),
	)
	.map(([dots, before, after]) => `${before}${dots.join('')}${after}`);

describe('path segments (property-based)', () => {
	it('every accepted value is exactly one segment that decodes back to itself', () => {
		fc.assert(
			fc.property(trickyText, (value) => {
				const checked = checkPathSegment(value);
				if ('problem' in checked) return;
				const { segment } = checked;
				expect(segment).not.toMatch(/[/?#()'\s]/);
				expect(decodeURIComponent(segment)).toBe(value);
				// As the URL parser the HTTP client uses sees it: no dot segment collapsed, nothing moved to the query.
				const url = new URL(`https://graph.example/v1.0/me/messages/${segment}/attachments`);
				expect(url.pathname).toBe(`/v1.0/me/messages/${segment}/attachments`);
				expect(url.search).toBe('');
				// As the emulator's Graph router reads it (percent-decoding, then OData `name(key)`).
				expect(pathSegments(url.pathname)).toEqual([
					'v1.0',
					'me',
					'messages',
					value,
					'attachments',
				]);
			}),
			RUNS,
		);
	});

	it('empty, blank, . and .. in any percent-encoded form are refused', () => {
		fc.assert(
			fc.property(dotSegment, (value) => {
				expect(checkPathSegment(value)).toHaveProperty('problem');
			}),
			RUNS,
		);
		fc.assert(
			fc.property(
				fc.array(fc.constantFrom(' ', '\t', '\n', '\r', '\u00a0'), { maxLength: 5 }),
				(blanks) => {
					expect(checkPathSegment(blanks.join(''))).toHaveProperty('problem');
				},
			),
		);
	});

	it('a mailbox path is /me or /users/ plus one segment', () => {
		fc.assert(
			fc.property(trickyText, (value) => {
				if ('problem' in checkPathSegment(value)) {
					if (value !== 'me') expect(() => mailboxPath(value)).toThrow(/Mailbox/);
					return;
				}
				const path = mailboxPath(value);
				if (value === 'me') return expect(path).toBe('/me');
				expect(pathSegments(`${path}/messages`)).toEqual(['users', value, 'messages']);
			}),
			RUNS,
		);
	});
});

describe('OData string literals (property-based)', () => {
	/** The tokens of `subject eq <literal> and isRead eq false`, the literal's value replaced by `value`. */
	const expectedTokens = (value: string) =>
		tokenize("subject eq 'x' and isRead eq false").map((token) =>
			token.kind === 'string' ? { ...token, value } : token,
		);

	it('any text stays one literal inside a $filter, and reads back as itself', () => {
		fc.assert(
			fc.property(trickyText, (value) => {
				const literal = odataString(value);
				expect(literal.startsWith("'") && literal.endsWith("'")).toBe(true);
				expect(tokenize(`subject eq ${literal} and isRead eq false`)).toEqual(
					expectedTokens(value),
				);
			}),
			RUNS,
		);
	});

	it("the node's own filters keep a sender or subject text inside its literal", () => {
		fc.assert(
			fc.property(trickyText, trickyText, (from, subject) => {
				fc.pre(from.trim() !== '' && subject !== '');
				const { $filter: filter } = buildListQuery({ from, subjectContains: subject });
				const strings = tokenize(filter ?? '').filter((token) => token.kind === 'string');
				expect(strings).toEqual([
					{ kind: 'string', value: from.trim() },
					{ kind: 'string', value: subject },
				]);
			}),
			RUNS,
		);
	});
});

/** Reads a double-quoted KQL value with backslash escapes from the start; returns its text and where it ended. */
function readQuoted(text: string): { value: string; end: number } {
	expect(text[0]).toBe('"');
	let value = '';
	for (let i = 1; i < text.length; i++) {
		if (text[i] === '\\') value += text[++i] ?? '';
		else if (text[i] === '"') return { value, end: i };
		else value += text[i];
	}
	throw new Error(`unterminated: ${text}`);
}

describe('KQL (property-based)', () => {
	it('a search value is one double-quoted value that reads back as the query', () => {
		fc.assert(
			fc.property(trickyText, (query) => {
				const wrapped = searchParameter(query);
				const { value, end } = readQuoted(wrapped);
				expect(end).toBe(wrapped.length - 1);
				expect(value).toBe(query.trim());
				// Graph's (the emulator's) reading of the outer quotes agrees.
				expect(unwrapSearch(wrapped)).toBe(escapeKql(query.trim()));
			}),
			RUNS,
		);
	});

	it('a phrase is closed exactly at its end', () => {
		fc.assert(
			fc.property(trickyText, (text) => {
				const phrase = kqlPhrase(text);
				expect(readQuoted(`${phrase} AND rest`)).toEqual({ value: text, end: phrase.length - 1 });
			}),
			RUNS,
		);
	});
});

describe('address parsing (property-based)', () => {
	it('whatever the input, every parsed address is valid and nothing carries a line break', () => {
		const anything = fc.oneof(
			trickyText,
			fc.array(fc.oneof(trickyText, fc.record({ address: trickyText, name: trickyText })), {
				maxLength: 4,
			}),
		);
		fc.assert(
			fc.property(anything, (input) => {
				const { addresses } = parseAddresses(input);
				for (const { address, name } of addresses) {
					expect(isValidAddress(address)).toBe(true);
					expect(address).not.toMatch(/[\r\n]/);
					if (name !== undefined) expect(name).not.toMatch(/[\r\n]/);
				}
			}),
			RUNS,
		);
	});

	it('a list of valid addresses with display names parses back to the same pairs', () => {
		const name = trickyText.map((text) => text.replace(/\s+/g, ' ').trim());
		fc.assert(
			fc.property(
				fc.array(fc.tuple(fc.emailAddress(), name), { minLength: 1, maxLength: 5 }),
				(entries) => {
					const usable = entries.filter(([address]) => isValidAddress(address));
					fc.pre(usable.length > 0);
					const text = usable
						.map(([address, display]) =>
							display ? `"${display.replace(/(["\\])/g, '\\$1')}" <${address}>` : address,
						)
						.join(', ');
					const parsed = parseAddresses(text);
					expect(parsed.problems).toEqual([]);
					expect(parsed.addresses).toEqual(
						usable.map(([address, display]) =>
							display ? { address, name: display } : { address },
						),
					);
				},
			),
			RUNS,
		);
	});
});

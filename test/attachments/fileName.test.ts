/**
 * The download's file name sanitiser, property-based: whatever a sender names an attachment, the
 * name n8n writes is one safe name -- no path separator, no control or bidi character, no `..`,
 * no leading dot, not empty, not a Windows device name, at most 200 characters, and unchanged when
 * it was already safe.
 */
import fc from 'fast-check';

import { MAX_FILE_NAME_LENGTH, safeFileName } from '../../nodes/GraphMail/helpers/fileName';

const RUNS = { numRuns: 3000 };

const tricky = fc.oneof(
	{
		weight: 3,
		arbitrary: fc.constantFrom(
			'.',
			'..',
			'/',
			'\\',
			':',
			'*',
			'?',
			'"',
			'<',
			'>',
			'|',
			' ',
			'\u0000',
			'\n',
			'\r',
			'\t',
			'\u001b',
			'\u007f',
			'\u0085',
			'\u202e',
			'\u200b',
			'\ufeff',
			'con',
			'NUL',
			'a',
			'é',
			'😀',
			'\ud800',
			'\udc00',
			'x.pdf',
		),
	},
	{ weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
);
const anyName = fc.array(tricky, { maxLength: 80 }).map((parts) => parts.join(''));

describe('safeFileName', () => {
	it('never lets a path, a control character or a dot segment through', () => {
		fc.assert(
			fc.property(anyName, (name) => {
				const safe = safeFileName(name);
				expect(safe.length).toBeGreaterThan(0);
				expect(safe.length).toBeLessThanOrEqual(MAX_FILE_NAME_LENGTH);
				expect(safe).not.toMatch(/[/\\:*?"<>|]/);
				expect(safe).not.toMatch(
					/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/,
				);
				expect(safe).not.toContain('..');
				expect(safe).not.toMatch(/^[.\s]|[.\s]$/);
				expect(safe).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i);
				// No lone surrogate at the cut.
				expect(safe).not.toMatch(
					/[\ud800-\udbff](?![\udc00-\udfff])|(^|[^\ud800-\udbff])[\udc00-\udfff]/,
				);
			}),
			RUNS,
		);
	});

	it('keeps names that are already safe', () => {
		const plain = fc
			.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 _-]{0,40}\.[a-z]{1,5}$/)
			.filter((name) => !/ \./.test(name));
		fc.assert(
			fc.property(plain, (name) => expect(safeFileName(name)).toBe(name)),
			RUNS,
		);
	});

	it('is idempotent', () => {
		fc.assert(
			fc.property(anyName, (name) =>
				expect(safeFileName(safeFileName(name))).toBe(safeFileName(name)),
			),
			RUNS,
		);
	});

	it.each([
		['../../etc/passwd', 'etc_passwd'],
		['..\\..\\Windows\\win.ini', 'Windows_win.ini'],
		['invoice\u202efdp.exe', 'invoicefdp.exe'],
		['a\u0000b\nc.txt', 'abc.txt'],
		['..', 'attachment'],
		['', 'attachment'],
		['CON.txt', '_CON.txt'],
		[`${'x'.repeat(300)}.pdf`, `${'x'.repeat(196)}.pdf`],
	])('%j -> %j', (input, expected) => {
		expect(safeFileName(input)).toBe(expected);
	});
});

import fc from 'fast-check';

import {
	folderNameProblem,
	joinFolderPath,
	parseFolderPath,
} from '../../nodes/GraphMail/helpers/folderPath';

/** Folder paths as users write them: `/` between names, `\/` and `\\` inside one. */
describe('folder paths', () => {
	it('splits at / and trims each name', () => {
		expect(parseFolderPath('Inbox / Projects/2026 ')).toEqual({
			segments: ['Inbox', 'Projects', '2026'],
		});
	});

	it('reads \\/ as a slash and \\\\ as a backslash inside a name; other backslashes stay', () => {
		expect(parseFolderPath('Reports\\/2026/a\\\\b/c\\d')).toEqual({
			segments: ['Reports/2026', 'a\\b', 'c\\d'],
		});
	});

	it.each([
		['', 'is empty'],
		['a//b', 'empty folder name at level 2'],
		['/a', 'empty folder name at level 1'],
		['a/ /b', 'empty folder name at level 2'],
		['a/..', '".."'],
		['a/b\u0007', 'control character'],
		['\ud800', 'not valid Unicode'],
		[Array(33).fill('x').join('/'), 'has 33 levels'],
	])('refuses %j', (text, problem) => {
		const parsed = parseFolderPath(text);
		expect('problem' in parsed && parsed.problem).toContain(problem);
	});

	it('a path joined from any valid names parses back to the same names', () => {
		const name = fc
			.string({ minLength: 1, maxLength: 20, unit: 'grapheme' })
			.map((text) => text.trim())
			.filter((text) => folderNameProblem(text) === undefined);
		fc.assert(
			fc.property(fc.array(name, { minLength: 1, maxLength: 6 }), (names) => {
				expect(parseFolderPath(joinFolderPath(names))).toEqual({ segments: names });
			}),
			{ numRuns: 2000 },
		);
	});
});

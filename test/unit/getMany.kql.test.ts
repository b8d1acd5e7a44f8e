import {
	escapeKql,
	kqlPhrase,
	kqlProblem,
	searchParameter,
} from '../../nodes/GraphMail/helpers/kql';

describe('KQL', () => {
	it('wraps the query in double quotes, escaping quotes and backslashes', () => {
		expect(searchParameter('pizza')).toBe('"pizza"');
		expect(searchParameter(' subject:"quarterly report" ')).toBe(
			'"subject:\\"quarterly report\\""',
		);
		expect(escapeKql('a\\b"c')).toBe('a\\\\b\\"c');
		expect(kqlPhrase('" OR from:x')).toBe('"\\" OR from:x"');
	});

	it('refuses an unpaired quote, unbalanced parentheses and empty queries', () => {
		expect(kqlProblem('pizza" OR from:evil@x.com')).toMatch(/double quote/);
		expect(kqlProblem('(a OR b')).toMatch(/parenthesis/);
		expect(kqlProblem('a) OR (b')).toMatch(/parenthesis/);
		expect(kqlProblem('   ')).toMatch(/empty/);
		expect(kqlProblem('from:alex "a (b" AND (c OR d)')).toBeUndefined();
	});
});

import {
	addressProblem,
	parseAddress,
	parseAddresses,
	splitAddressList,
} from '../../nodes/GraphMail/helpers/addresses';

describe('splitAddressList', () => {
	it('splits on commas, semicolons and line breaks outside quotes and angle brackets', () => {
		expect(splitAddressList('a@x.com, b@y.com; c@z.com\nd@w.com')).toEqual([
			'a@x.com',
			'b@y.com',
			'c@z.com',
			'd@w.com',
		]);
		expect(splitAddressList('"Doe, Jane" <jane@x.com>; Bob <bob@x.com>')).toEqual([
			'"Doe, Jane" <jane@x.com>',
			'Bob <bob@x.com>',
		]);
		expect(splitAddressList('"He said \\"hi, there\\"" <a@x.com>')).toEqual([
			'"He said \\"hi, there\\"" <a@x.com>',
		]);
		expect(splitAddressList(' , a@x.com ,, ')).toEqual(['a@x.com']);
	});
});

describe('parseAddress', () => {
	it.each([
		['a@x.com', { address: 'a@x.com' }],
		['  a@x.com  ', { address: 'a@x.com' }],
		['Jane Doe <jane@x.com>', { address: 'jane@x.com', name: 'Jane Doe' }],
		['"Doe, Jane" <jane@x.com>', { address: 'jane@x.com', name: 'Doe, Jane' }],
		['<jane@x.com>', { address: 'jane@x.com' }],
		['mailto:jane@x.com', { address: 'jane@x.com' }],
		['Jürgen <jürgen@bücher.de>', { address: 'jürgen@bücher.de', name: 'Jürgen' }],
		["o'brien+tag@sub.example.co.uk", { address: "o'brien+tag@sub.example.co.uk" }],
	])('%s', (input, expected) => {
		expect(parseAddress(input)).toEqual(expected);
	});

	it.each([
		'bob@',
		'@x.com',
		'bob',
		'bob@x',
		'bob@@x.com',
		'a b@x.com',
		'bob@x..com',
		'bob@-x.com',
		'.bob@x.com',
		'bob.@x.com',
		'Bob <bob@>',
		'Bob <>',
	])('%s is refused', (input) => {
		const parsed = parseAddress(input);
		expect(parsed).toHaveProperty('reason');
	});

	it('refuses addresses that are too long', () => {
		expect(addressProblem(`${'a'.repeat(65)}@x.com`)).toMatch(/too long/);
		expect(
			addressProblem(
				`a@${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.${'e'.repeat(60)}.${'f'.repeat(20)}.com`,
			),
		).toMatch(/longer than 254/);
	});
});

describe('parseAddresses', () => {
	it('takes strings, arrays (nested) and Graph recipient objects', () => {
		const parsed = parseAddresses([
			'a@x.com; Bob <b@x.com>',
			['c@x.com'],
			{ address: 'd@x.com', name: 'Dee' },
			{ emailAddress: { address: 'e@x.com', name: 'e@x.com' } },
		]);
		expect(parsed.problems).toEqual([]);
		expect(parsed.addresses).toEqual([
			{ address: 'a@x.com' },
			{ address: 'b@x.com', name: 'Bob' },
			{ address: 'c@x.com' },
			{ address: 'd@x.com', name: 'Dee' },
			{ address: 'e@x.com' },
		]);
	});

	it('reports every bad entry and keeps the good ones', () => {
		const parsed = parseAddresses('good@x.com, bob@, Smith, John <john@x.com>');
		expect(parsed.addresses).toEqual([
			{ address: 'good@x.com' },
			{ address: 'john@x.com', name: 'John' },
		]);
		expect(parsed.problems).toEqual([
			{ input: 'bob@', reason: 'is not an email address' },
			{ input: 'Smith', reason: 'is not an email address' },
		]);
	});

	it('treats empty values as no addresses and other types as problems', () => {
		expect(parseAddresses(undefined)).toEqual({ addresses: [], problems: [] });
		expect(parseAddresses('')).toEqual({ addresses: [], problems: [] });
		expect(parseAddresses([])).toEqual({ addresses: [], problems: [] });
		expect(parseAddresses(42).problems).toHaveLength(1);
		expect(parseAddresses([{ foo: 1 }]).problems[0]!.reason).toBe('is not an email address');
	});
});

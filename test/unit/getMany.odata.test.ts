import {
	buildListQuery,
	customFilterProblem,
	EARLIEST_RECEIVED,
	escapeODataString,
	hasFilters,
	odataDate,
	odataString,
} from '../../nodes/GraphMail/helpers/odata';

describe('OData literals', () => {
	it('doubles single quotes inside string literals', () => {
		expect(escapeODataString("O'Brien")).toBe("O''Brien");
		expect(odataString("' or 1 eq 1")).toBe("''' or 1 eq 1'");
		expect(odataString("''")).toBe("''''''");
		expect(odataString('plain')).toBe("'plain'");
	});

	it('writes dates in UTC, whole seconds, with Z', () => {
		expect(odataDate(new Date('2024-05-01T09:30:15.678+02:00'))).toBe('2024-05-01T07:30:15Z');
		expect(() => odataDate(new Date('nope'))).toThrow(RangeError);
	});
});

describe('buildListQuery', () => {
	const after = new Date('2024-01-01T00:00:00Z');
	const before = new Date('2024-02-01T00:00:00Z');

	it('sorts newest first by default with no filter', () => {
		expect(buildListQuery({}, 'newest')).toEqual({ $orderby: 'receivedDateTime desc' });
		expect(buildListQuery({}, 'oldest')).toEqual({ $orderby: 'receivedDateTime asc' });
		expect(buildListQuery({})).toEqual({});
	});

	it('puts receivedDateTime first when sorting with other filters (InefficientFilter rule)', () => {
		expect(buildListQuery({ readStatus: 'unread' }, 'newest')).toEqual({
			$filter: `receivedDateTime ge ${EARLIEST_RECEIVED} and isRead eq false`,
			$orderby: 'receivedDateTime desc',
		});
	});

	it('uses the real received bounds first instead of the placeholder bound', () => {
		const query = buildListQuery(
			{ receivedBefore: before, hasAttachments: true, receivedAfter: after },
			'oldest',
		);
		expect(query.$filter).toBe(
			'receivedDateTime ge 2024-01-01T00:00:00Z and receivedDateTime lt 2024-02-01T00:00:00Z and hasAttachments eq true',
		);
		expect(query.$orderby).toBe('receivedDateTime asc');
	});

	it('builds every filter, escaping text values', () => {
		const query = buildListQuery({
			readStatus: 'read',
			from: " x'@y.com ",
			hasAttachments: false,
			importance: 'high',
			subjectContains: "it's ' or 1 eq 1",
			custom: "categories/any(c:c eq 'Blue')",
		});
		expect(query.$filter).toBe(
			"isRead eq true and from/emailAddress/address eq 'x''@y.com' and hasAttachments eq false and importance eq 'high' and contains(subject,'it''s '' or 1 eq 1') and (categories/any(c:c eq 'Blue'))",
		);
		expect(query.$orderby).toBeUndefined();
	});

	it('ignores empty text filters', () => {
		expect(hasFilters({ from: '  ', subjectContains: '', custom: ' ' })).toBe(false);
		expect(hasFilters({ hasAttachments: false })).toBe(true);
	});
});

describe('customFilterProblem', () => {
	it.each(['isRead eq false', "subject eq 'a''b'", "(a eq 'x)') and (b eq 1)", ''])(
		'accepts %j',
		(filter) => {
			expect(customFilterProblem(filter)).toBeUndefined();
		},
	);

	it.each([
		["subject eq 'open", /not closed/],
		['isRead eq true) or (1 eq 1', /closing parenthesis/],
		['(isRead eq true', /opening parenthesis/],
		['isRead eq true\u0000', /control/],
	])('refuses %j', (filter, problem) => {
		expect(customFilterProblem(filter)).toMatch(problem);
	});
});

import { textOf } from '../../nodes/GraphMail/helpers/valueText';

describe('textOf: parameter values as text', () => {
	it('keeps text, writes numbers and booleans out, and makes nothing of null or undefined', () => {
		expect([
			textOf(' a '),
			textOf(42),
			textOf(false),
			textOf(10n),
			textOf(null),
			textOf(undefined),
		]).toEqual([' a ', '42', 'false', '10', '', '']);
	});

	it('writes objects and lists as JSON, never as [object Object]', () => {
		expect(textOf({ by: 'date' })).toBe('{"by":"date"}');
		expect(textOf(['a', 1])).toBe('["a",1]');
		const circular: Record<string, unknown> = {};
		circular.self = circular;
		expect(textOf(circular)).toBe('object');
	});
});

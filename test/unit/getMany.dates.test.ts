import { DateTime } from 'luxon';

import { parseDateInput } from '../../nodes/GraphMail/helpers/dates';

describe('parseDateInput', () => {
	it('reads wall time without offset in the workflow time zone', () => {
		expect(parseDateInput('2024-05-01T09:00:00', 'Europe/Berlin')?.toISOString()).toBe(
			'2024-05-01T07:00:00.000Z',
		);
		expect(parseDateInput('2024-01-15', 'America/New_York')?.toISOString()).toBe(
			'2024-01-15T05:00:00.000Z',
		);
	});

	it('keeps an explicit offset or Z', () => {
		expect(parseDateInput('2024-05-01T09:00:00+02:00', 'Asia/Tokyo')?.toISOString()).toBe(
			'2024-05-01T07:00:00.000Z',
		);
		expect(parseDateInput('2024-05-01T09:00:00Z', 'Asia/Tokyo')?.toISOString()).toBe(
			'2024-05-01T09:00:00.000Z',
		);
	});

	it('accepts Date, luxon DateTime and epoch ms; refuses garbage', () => {
		const date = new Date('2024-05-01T00:00:00Z');
		expect(parseDateInput(date, 'UTC')).toBe(date);
		expect(
			parseDateInput(DateTime.fromISO('2024-05-01T02:00:00+02:00'), 'UTC')?.toISOString(),
		).toBe('2024-05-01T00:00:00.000Z');
		expect(parseDateInput(date.getTime(), 'UTC')?.toISOString()).toBe('2024-05-01T00:00:00.000Z');
		expect(parseDateInput('yesterday-ish', 'UTC')).toBeUndefined();
		expect(parseDateInput('', 'UTC')).toBeUndefined();
		expect(parseDateInput('2024-05-01T00:00:00', 'Not/AZone')?.toISOString()).toBe(
			'2024-05-01T00:00:00.000Z',
		);
	});
});

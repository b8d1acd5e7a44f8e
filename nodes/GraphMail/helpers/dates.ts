import { DateTime } from 'luxon';

/**
 * An instant from what a dateTime field or an expression gives: an ISO string with or without
 * offset (without one it is wall time in `zone`, the workflow's time zone, as the date picker
 * means it), a date only (midnight in `zone`), a JS Date, a luxon DateTime, or epoch milliseconds.
 * Returns undefined when the value is not a date.
 */
export function parseDateInput(value: unknown, zone: string): Date | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
	if (DateTime.isDateTime(value)) return value.isValid ? value.toJSDate() : undefined;
	if (typeof value === 'number') return Number.isFinite(value) ? new Date(value) : undefined;
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	const safeZone = DateTime.local().setZone(zone).isValid ? zone : 'UTC';
	let parsed = DateTime.fromISO(text, { zone: safeZone, setZone: true });
	if (!parsed.isValid) parsed = DateTime.fromRFC2822(text, { zone: safeZone, setZone: true });
	if (!parsed.isValid) parsed = DateTime.fromSQL(text, { zone: safeZone, setZone: true });
	return parsed.isValid ? parsed.toJSDate() : undefined;
}

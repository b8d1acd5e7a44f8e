/**
 * Send and Wait: until when the execution waits (pure). Without a limit n8n's "wait indefinitely"
 * date; with one, after an interval or at a date, checked before the mail is sent.
 */
import { WAIT_INDEFINITELY } from 'n8n-workflow';

const UNIT_MS: Record<string, number> = {
	minutes: 60_000,
	hours: 3_600_000,
	days: 86_400_000,
};

export type WaitLimit = { until: Date; limited: boolean } | { problem: string };

export function waitLimitOf(value: unknown, now: Date): WaitLimit {
	const limit =
		value && typeof value === 'object'
			? ((value as { values?: Record<string, unknown> }).values ?? undefined)
			: undefined;
	if (!limit || !Object.keys(limit).length) return { until: WAIT_INDEFINITELY, limited: false };
	if (limit.limitType === 'atSpecifiedTime') {
		const raw = limit.maxDateAndTime;
		const given = typeof raw === 'string' || typeof raw === 'number' ? raw : '';
		const until = new Date(given === '' ? NaN : given);
		if (Number.isNaN(until.getTime())) return { problem: `"${given}" is not a date and time` };
		if (until.getTime() <= now.getTime())
			return { problem: `${until.toISOString()} has passed already` };
		return { until, limited: true };
	}
	const amount = Number(limit.resumeAmount ?? 1);
	const unit = UNIT_MS[typeof limit.resumeUnit === 'string' ? limit.resumeUnit : 'hours'];
	if (!Number.isFinite(amount) || amount <= 0 || unit === undefined)
		return { problem: 'the amount must be a number above 0' };
	return { until: new Date(now.getTime() + amount * unit), limited: true };
}

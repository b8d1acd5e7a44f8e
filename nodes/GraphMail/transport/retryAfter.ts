/**
 * How long to wait before retrying a throttled or unavailable request: Graph's `Retry-After`
 * (whole or fractional seconds, or an HTTP date) when present, otherwise exponential backoff
 * with full jitter. Pure, so it is tested without waiting.
 */
export interface BackoffPolicy {
	/** Attempts in all, the first included. */
	maxAttempts: number;
	/** Upper bound of all waits for one request, in ms. */
	maxTotalWaitMs: number;
	baseDelayMs: number;
	maxDelayMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
	maxAttempts: 6,
	maxTotalWaitMs: 120_000,
	baseDelayMs: 500,
	maxDelayMs: 30_000,
};

export const RETRYABLE_STATUSES = new Set([429, 503, 504]);

export function parseRetryAfterMs(value: unknown, nowMs: number): number | undefined {
	if (Array.isArray(value)) value = value[0];
	if (typeof value === 'number') return value >= 0 ? value * 1000 : undefined;
	if (typeof value !== 'string' || value.trim() === '') return undefined;
	const text = value.trim();
	if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
	// An HTTP date names its day and month; anything else ("-1", "soon") is ignored.
	if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) return undefined;
	const date = Date.parse(text);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - nowMs);
}

/** Delay before attempt `attempt + 1` (attempt counts from 1), or undefined when it is time to give up. */
export function nextDelayMs(
	policy: BackoffPolicy,
	attempt: number,
	waitedMs: number,
	retryAfterMs: number | undefined,
	random: () => number = Math.random,
): number | undefined {
	if (attempt >= policy.maxAttempts) return undefined;
	const delay =
		retryAfterMs !== undefined
			? retryAfterMs
			: Math.round(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)));
	if (waitedMs + delay > policy.maxTotalWaitMs) return undefined;
	return delay;
}

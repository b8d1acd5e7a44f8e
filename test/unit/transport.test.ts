import { NodeApiError, type INode } from 'n8n-workflow';

import { graphBaseUrlOf } from '../../nodes/GraphMail/transport/graphBaseUrl';
import { KeyedLimiter } from '../../nodes/GraphMail/helpers/concurrency';
import { DEFAULT_BACKOFF, nextDelayMs, parseRetryAfterMs } from '../../nodes/GraphMail/transport/retryAfter';
import {
	graphApiError,
	graphDetailsOf,
	graphErrorDetails,
	GraphRequestError,
	outcomeUncertain,
} from '../../nodes/GraphMail/transport/graphError';

describe('graphBaseUrlOf', () => {
	it.each([
		[{}, 'https://graph.microsoft.com'],
		[{ cloud: 'global' }, 'https://graph.microsoft.com'],
		[{ cloud: 'usGovHigh' }, 'https://graph.microsoft.us'],
		[{ cloud: 'usGovDod' }, 'https://dod-graph.microsoft.us'],
		[{ cloud: 'china' }, 'https://microsoftgraph.chinacloudapi.cn'],
		[{ cloud: 'custom', customGraphUrl: 'http://127.0.0.1:4010/' }, 'http://127.0.0.1:4010'],
		[{ cloud: 'custom', customGraphUrl: 'http://localhost:4010' }, 'http://localhost:4010'],
		[{ cloud: 'custom', customGraphUrl: 'https://graph.contoso.example/base/' }, 'https://graph.contoso.example/base'],
	])('%j -> %s', (credentials, expected) => {
		expect(graphBaseUrlOf(credentials as never)).toBe(expected);
	});

	it.each([
		{ cloud: 'custom', customGraphUrl: 'http://graph.example.com' },
		{ cloud: 'custom', customGraphUrl: 'http://192.168.1.1:4010' },
		{ cloud: 'custom', customGraphUrl: '' },
		{ cloud: 'custom', customGraphUrl: 'https://graph.example.com?x=1' },
		{ tenantId: 'bad tenant' },
		{ cloud: 'mars' },
	])('refuses %j with a reason', (credentials) => {
		expect(graphBaseUrlOf(credentials as never)).toEqual({ problem: expect.stringMatching(/not (valid|known)/) });
	});
});

describe('Retry-After and backoff', () => {
	const now = Date.parse('2026-11-26T12:00:00Z');
	it.each([
		['2', 2000],
		['2.128', 2128],
		['0', 0],
		[' 10 ', 10000],
		['Thu, 26 Nov 2026 12:00:05 GMT', 5000],
		['Thu, 26 Nov 2026 11:59:00 GMT', 0],
		[['3'], 3000],
	])('parses %j as %d ms', (value, expected) => {
		expect(parseRetryAfterMs(value, now)).toBe(expected);
	});

	it.each([undefined, '', 'soon', '-1'])('ignores %j', (value) => {
		expect(parseRetryAfterMs(value, now)).toBeUndefined();
	});

	it('honours Retry-After exactly, within the total bound', () => {
		expect(nextDelayMs(DEFAULT_BACKOFF, 1, 0, 2128)).toBe(2128);
		expect(nextDelayMs(DEFAULT_BACKOFF, 1, DEFAULT_BACKOFF.maxTotalWaitMs - 100, 2128)).toBeUndefined();
	});

	it('backs off exponentially with full jitter, capped, when Graph gives no Retry-After', () => {
		const policy = { ...DEFAULT_BACKOFF, maxAttempts: 20, maxTotalWaitMs: Number.MAX_SAFE_INTEGER };
		const ceilings = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((attempt) => nextDelayMs(policy, attempt, 0, undefined, () => 0.999999));
		expect(ceilings).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
		expect(nextDelayMs(policy, 3, 0, undefined, () => 0)).toBe(0);
	});

	it('gives up after maxAttempts', () => {
		expect(nextDelayMs(DEFAULT_BACKOFF, DEFAULT_BACKOFF.maxAttempts, 0, 100)).toBeUndefined();
		expect(nextDelayMs(DEFAULT_BACKOFF, DEFAULT_BACKOFF.maxAttempts - 1, 0, 100)).toBe(100);
	});
});

describe('KeyedLimiter', () => {
	it('keeps at most the limit in flight per key and lets other keys proceed', async () => {
		const limiter = new KeyedLimiter(4);
		const inFlight = new Map<string, number>();
		const peak = new Map<string, number>();
		const order: string[] = [];
		const task = (key: string, id: number) =>
			limiter.run(key, async () => {
				inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
				peak.set(key, Math.max(peak.get(key) ?? 0, inFlight.get(key)!));
				await new Promise((resolve) => setImmediate(resolve));
				await new Promise((resolve) => setImmediate(resolve));
				order.push(`${key}${id}`);
				inFlight.set(key, inFlight.get(key)! - 1);
				return id;
			});
		const results = await Promise.all([
			...Array.from({ length: 10 }, (_, i) => task('a', i)),
			...Array.from({ length: 3 }, (_, i) => task('b', i)),
		]);
		expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2]);
		expect(peak.get('a')).toBe(4);
		expect(peak.get('b')).toBe(3);
		expect(order.indexOf('b2')).toBeLessThan(order.indexOf('a9'));
	});

	it('releases the slot when a task throws', async () => {
		const limiter = new KeyedLimiter(1);
		await expect(limiter.run('a', async () => await Promise.reject(new Error('boom')))).rejects.toThrow('boom');
		await expect(limiter.run('a', async () => 'next')).resolves.toBe('next');
	});
});

describe('outcomeUncertain: the one rule for "may have been carried out"', () => {
	it.each([
		[{ networkCode: 'ECONNRESET' }, true],
		[{ networkCode: 'ETIMEDOUT' }, true],
		[{ networkCode: 'ENETWORK' }, true],
		[{ networkCode: 'ECONNREFUSED' }, false],
		[{ status: 500 }, true],
		[{ status: 502 }, true],
		[{ status: 504 }, true],
		[{ status: 503 }, false],
		[{ status: 429 }, false],
		[{ status: 403 }, false],
		[{ status: 202 }, false],
	])('%j -> %s', (failure, expected) => {
		expect(outcomeUncertain(failure)).toBe(expected);
	});

	it('a Graph request error carries it with the status, Graph code and message, and request id', () => {
		const node = { id: 'n', name: 'Graph Mail', type: 't', typeVersion: 1, position: [0, 0], parameters: {} } as INode;
		const details = graphErrorDetails({
			status: 504,
			headers: { 'request-id': 'r-1' },
			body: { error: { code: 'GatewayTimeout', message: 'The gateway timed out.' } },
		});
		const error = graphApiError(node, details, { itemIndex: 2 });
		expect(error).toBeInstanceOf(GraphRequestError);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.details).toEqual({ status: 504, code: 'GatewayTimeout', message: 'The gateway timed out.', requestId: 'r-1', uncertain: true });
		expect(error.uncertain).toBe(true);
		expect(graphDetailsOf(error)).toBe(error.details);
		expect(graphDetailsOf(new Error('plain'))).toBeUndefined();
		// An operation words its own message from the details; Graph's code stays on the error.
		const reworded = graphApiError(node, error.details, { message: 'To: Graph refused a recipient [item 2]' });
		expect(reworded.message).toBe('To: Graph refused a recipient [item 2]');
		expect(reworded.httpCode).toBe('504');
		expect(reworded.context.graphCode).toBe('GatewayTimeout');
	});
});

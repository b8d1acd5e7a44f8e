/**
 * transport/batch.ts with a scripted client: packing, input order, Retry-After per sub-request,
 * what counts as uncertain, idempotent retries, stop, the backoff bounds.
 */
import type { IDataObject } from 'n8n-workflow';

import { AdaptiveLimit } from '../../nodes/GraphMail/transport/adaptiveLimit';
import {
	executeBatch,
	MAX_BATCH_BYTES,
	packBatches,
	type BatchSubRequest,
} from '../../nodes/GraphMail/transport/batch';
import type {
	GraphClient,
	GraphOutcome,
	GraphRequest,
} from '../../nodes/GraphMail/transport/graphClient';
import { DEFAULT_BACKOFF, type BackoffPolicy } from '../../nodes/GraphMail/transport/retryAfter';

interface WireRequest {
	id: string;
	method: string;
	url: string;
	body?: IDataObject;
	headers?: Record<string, string>;
}

type Answer = { id: string; status: number; headers?: Record<string, string>; body?: unknown };
/** Answers one batch: the sub-responses, or a whole-batch outcome. */
type Script = (requests: WireRequest[], call: number) => Answer[] | GraphOutcome<IDataObject>;

function fakeClient(
	script: Script,
	options: { backoff?: BackoffPolicy; maxInFlight?: number } = {},
) {
	let now = 1_700_000_000_000;
	const calls: Array<{ request: GraphRequest; weight: number; requests: WireRequest[] }> = [];
	const waits: number[] = [];
	const client = {
		backoffPolicy: options.backoff ?? DEFAULT_BACKOFF,
		maxInFlightPerMailbox: options.maxInFlight ?? 4,
		async requestOutcome(
			request: GraphRequest,
			weight: number,
		): Promise<GraphOutcome<IDataObject>> {
			const requests = (request.body as { requests: WireRequest[] }).requests;
			calls.push({ request, weight, requests });
			const answer = script(requests, calls.length);
			if (!Array.isArray(answer)) return answer;
			// Graph answers in completion order: reversed here.
			return {
				response: {
					status: 200,
					headers: {},
					body: { responses: [...answer].reverse() } as unknown as IDataObject,
				},
			};
		},
		async wait(ms: number) {
			waits.push(ms);
			now += ms;
		},
		limits: new Map<string, AdaptiveLimit>(),
		inFlightLimit(mailbox: string) {
			if (!this.limits.has(mailbox))
				this.limits.set(
					mailbox,
					new AdaptiveLimit({ max: options.maxInFlight ?? 4, now: () => now }),
				);
			return this.limits.get(mailbox)!;
		},
	};
	return { client: client as unknown as GraphClient, calls, waits, now: () => now };
}

const send = (n: number): BatchSubRequest => ({
	method: 'POST',
	url: `/me/sendMail`,
	body: { message: { subject: `mail ${n}` } },
});
const accepted = (requests: WireRequest[]): Answer[] =>
	requests.map((r) => ({ id: r.id, status: 202 }));
const subjectOf = (request: WireRequest) => (request.body!.message as IDataObject).subject;

describe('packBatches', () => {
	it('splits at 20 requests and at the byte limit, keeping order', () => {
		const small = Array.from({ length: 45 }, (_, i) => ({ i, bytes: 100 }));
		expect(packBatches(small).map((batch) => batch.length)).toEqual([20, 20, 5]);
		expect(
			packBatches(small)
				.flat()
				.map((entry) => entry.i),
		).toEqual(small.map((entry) => entry.i));
		const large = Array.from({ length: 5 }, (_, i) => ({ i, bytes: 1.5 * 1024 * 1024 }));
		expect(packBatches(large).map((batch) => batch.length)).toEqual([2, 2, 1]);
		expect(packBatches(small, MAX_BATCH_BYTES, 3).map((batch) => batch.length)).toEqual([
			...Array(15).fill(3),
		]);
	});

	it('puts an entry above the limit in a batch of its own', () => {
		expect(
			packBatches([{ bytes: 10 }, { bytes: 5_000_000 }, { bytes: 10 }]).map((b) => b.length),
		).toEqual([1, 1, 1]);
	});
});

describe('executeBatch', () => {
	it('sends batches of up to 20 that take every in-flight slot, and returns results in input order', async () => {
		const { client, calls } = fakeClient((requests) =>
			requests.map((r) => ({ id: r.id, status: 202, body: { echo: subjectOf(r) } })),
		);
		const results = await executeBatch(
			client,
			'me',
			Array.from({ length: 45 }, (_, i) => send(i)),
		);
		expect(calls.map((call) => call.requests.length)).toEqual([20, 20, 5]);
		expect(
			calls.every(
				(call) =>
					call.weight === 4 && call.request.path === '/$batch' && call.request.idempotent === false,
			),
		).toBe(true);
		expect(calls[0]!.request.cost).toEqual({ requests: 20, uploadBytes: expect.any(Number) });
		expect(
			results.map((r) => (r.kind === 'response' ? (r.body as IDataObject).echo : r.kind)),
		).toEqual(Array.from({ length: 45 }, (_, i) => `mail ${i}`));
		// Every body has its Content-Type, as Graph requires.
		expect(calls[0]!.requests[0]).toEqual({
			id: '0',
			method: 'POST',
			url: '/me/sendMail',
			body: { message: { subject: 'mail 0' } },
			headers: { 'Content-Type': 'application/json' },
		});
	});

	it('makes smaller batches when asked (a lower in-flight cap)', async () => {
		const { client, calls } = fakeClient(accepted, { maxInFlight: 2 });
		await executeBatch(
			client,
			'me',
			Array.from({ length: 5 }, (_, i) => send(i)),
			{ maxRequestsPerBatch: 2 },
		);
		expect(calls.map((call) => [call.requests.length, call.weight])).toEqual([
			[2, 2],
			[2, 2],
			[1, 2],
		]);
	});

	it('retries a sub-request answered 429 after its own Retry-After, in a later batch', async () => {
		const { client, calls, waits, now } = fakeClient((requests, call) =>
			requests.map(
				(r): Answer =>
					call === 1 && r.id === '1'
						? {
								id: r.id,
								status: 429,
								headers: { 'Retry-After': '2.5' },
								body: { error: { code: 'TooManyRequests' } },
							}
						: call === 1 && r.id === '2'
							? {
									id: r.id,
									status: 503,
									headers: { 'retry-after': 'Tue, 14 Nov 2023 22:13:24 GMT' },
								}
							: { id: r.id, status: 202 },
			),
		);
		const results = await executeBatch(client, 'me', [send(0), send(1), send(2), send(3)], { now });
		expect(results.map((r) => r.kind === 'response' && r.status)).toEqual([202, 202, 202, 202]);
		expect(calls.map((call) => call.requests.map((r) => r.id))).toEqual([
			['0', '1', '2', '3'],
			['1'],
			['2'],
		]);
		// The HTTP date is 4 s after the fake clock; 2.5 s for the 429.
		expect(waits).toEqual([2500, 1500]);
		expect(results[1]).toMatchObject({ attempts: 2, waitedMs: 2500 });
	});

	it('gives up on a throttled sub-request within the backoff policy and says so', async () => {
		const backoff = { ...DEFAULT_BACKOFF, maxAttempts: 3 };
		const { client, calls, now } = fakeClient(
			(requests) =>
				requests.map((r) => ({ id: r.id, status: 429, headers: { 'retry-after': '1' } })),
			{
				backoff,
			},
		);
		const [result] = await executeBatch(client, 'me', [send(0)], { now });
		expect(calls).toHaveLength(3);
		expect(result).toMatchObject({
			kind: 'response',
			status: 429,
			attempts: 3,
			waitedMs: 2000,
			gaveUp: true,
		});
	});

	it('maps other answers to their own requests: 400, 403, 404 are final', async () => {
		const statuses = [202, 400, 202, 403, 404];
		const { client, calls } = fakeClient((requests) =>
			requests.map((r) => ({ id: r.id, status: statuses[Number(r.id)]! })),
		);
		const results = await executeBatch(
			client,
			'me',
			statuses.map((_, i) => send(i)),
		);
		expect(calls).toHaveLength(1);
		expect(results.map((r) => r.kind === 'response' && r.status)).toEqual(statuses);
		expect(results.every((r) => r.kind === 'response' && !r.gaveUp)).toBe(true);
	});

	it('a lost batch answer, a 504 or a missing sub-response: uncertain for writes, retried for reads', async () => {
		const read: BatchSubRequest = { method: 'GET', url: '/me/messages?$top=1', idempotent: true };
		let lost = true;
		const { client, calls, now } = fakeClient((requests, call) => {
			if (call === 1)
				return {
					failure: { headers: {}, body: undefined, networkCode: 'ECONNRESET' },
					attempts: 1,
					waitedMs: 0,
					gaveUp: false,
				};
			if (lost && requests.length === 1) {
				lost = false;
				return [];
			}
			return requests.map((r) => ({ id: r.id, status: r.method === 'GET' ? 200 : 504 }));
		});
		const results = await executeBatch(client, 'me', [send(0), read, send(2)], { now });
		expect(results[0]).toEqual({ kind: 'uncertain', reason: expect.stringMatching(/ECONNRESET/) });
		expect(results[2]).toEqual({ kind: 'uncertain', reason: expect.stringMatching(/ECONNRESET/) });
		expect(results[1]).toMatchObject({ kind: 'response', status: 200 });
		// The read went again (twice: once after the reset, once after the missing answer).
		expect(calls.map((call) => call.requests.map((r) => r.method))).toEqual([
			['POST', 'GET', 'POST'],
			['GET'],
			['GET'],
		]);

		const second = fakeClient((requests) => requests.map((r) => ({ id: r.id, status: 504 })));
		expect(await executeBatch(second.client, 'me', [send(0)])).toEqual([
			{ kind: 'uncertain', reason: expect.stringMatching(/^Graph answered 504/) },
		]);
		expect(second.calls).toHaveLength(1);
	});

	it("a refused batch (400, or 429 past the policy): the refusal is every sub-request's answer", async () => {
		const { client } = fakeClient(() => ({
			failure: {
				status: 429,
				headers: { 'retry-after': '1' },
				body: { error: { code: 'TooManyRequests', message: 'slow down' } },
			},
			attempts: 6,
			waitedMs: 5000,
			gaveUp: true,
		}));
		const results = await executeBatch(client, 'me', [send(0), send(1)]);
		expect(results).toEqual([
			expect.objectContaining({ kind: 'response', status: 429, attempts: 6, gaveUp: true }),
			expect.objectContaining({ kind: 'response', status: 429, attempts: 6, gaveUp: true }),
		]);
	});

	it('stop: the batches not yet sent (and pending retries) are notSent', async () => {
		let stopped = false;
		const { client, calls } = fakeClient((requests) => {
			stopped = true;
			return requests.map((r) => ({
				id: r.id,
				status: r.id === '0' ? 429 : 202,
				headers: { 'retry-after': '0' },
			}));
		});
		const results = await executeBatch(
			client,
			'me',
			Array.from({ length: 25 }, (_, i) => send(i)),
			{ stop: () => stopped },
		);
		expect(calls).toHaveLength(1);
		expect(results[0]).toEqual({ kind: 'notSent' });
		expect(results.slice(1, 20).every((r) => r.kind === 'response' && r.status === 202)).toBe(true);
		expect(results.slice(20).every((r) => r.kind === 'notSent')).toBe(true);
	});
});

describe('serial chains (sends and lookups)', () => {
	it('links each sub-request to the one before it, takes one slot per chain, and runs as many chains as the limit allows', async () => {
		const { client, calls } = fakeClient(accepted);
		const results = await executeBatch(
			client,
			'me',
			Array.from({ length: 45 }, (_, i) => send(i)),
			{ serial: true },
		);
		expect(results.every((result) => result.kind === 'response' && result.status === 202)).toBe(
			true,
		);
		expect(calls.map((call) => call.weight)).toEqual([1, 1, 1, 1]);
		for (const { requests } of calls) {
			expect(requests.map((request) => (request as { dependsOn?: string[] }).dependsOn)).toEqual([
				undefined,
				...requests.slice(0, -1).map((request) => [request.id]),
			]);
		}
	});

	it('a throttled sub-request breaks its chain: the rest (424, never ran) wait with it, spend no attempt, and the limit shrinks', async () => {
		const { client, calls, waits, now } = fakeClient(
			(requests, call) =>
				call === 1
					? requests.map(
							(r, i): Answer => ({
								id: r.id,
								status: i === 0 ? 429 : 424,
								headers: i === 0 ? { 'retry-after': '1' } : {},
							}),
						)
					: accepted(requests),
			{ maxInFlight: 1 },
		);
		const results = await executeBatch(client, 'me', [send(0), send(1), send(2)], {
			serial: true,
			now,
		});
		expect(calls).toHaveLength(2);
		// One wait (the Retry-After), not a quick round of 424 retries before it.
		expect(waits).toEqual([1000]);
		expect(
			results.map((result) => result.kind === 'response' && [result.status, result.attempts]),
		).toEqual([
			[202, 2],
			[202, 1],
			[202, 1],
		]);
		expect(client.inFlightLimit('me').reductions).toBe(1);
	});

	it('after a throttled sub-request no new chain starts before its Retry-After (each would only collect another 429 while another sender holds the mailbox)', async () => {
		const clock = { now: () => 0 };
		const startedAt: number[] = [];
		const { client, calls, now } = fakeClient(
			(requests, call) => {
				startedAt.push(clock.now());
				return call === 1
					? requests.map(
							(r, i): Answer => ({
								id: r.id,
								status: i === 0 ? 429 : 424,
								headers: i === 0 ? { 'retry-after': '2' } : {},
							}),
						)
					: accepted(requests);
			},
			{ maxInFlight: 1 },
		);
		clock.now = now;
		// One slot: three chains of 15, one after the other.
		const results = await executeBatch(
			client,
			'me',
			Array.from({ length: 45 }, (_, i) => send(i)),
			{ serial: true, now },
		);
		expect(results.every((result) => result.kind === 'response' && result.status === 202)).toBe(
			true,
		);
		// The second chain waits out the first one's Retry-After; then the other chains and the retry.
		expect(startedAt.map((t) => t - startedAt[0]!)).toEqual([0, 2000, 2000, 2000]);
		expect(calls.map((call) => call.requests.length)).toEqual([15, 15, 15, 15]);
	});
});

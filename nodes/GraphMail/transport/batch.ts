/**
 * JSON batching (`POST /$batch`) for ONE mailbox: up to 20 sub-requests per batch, each batch
 * kept under Graph's ~4 MB request limit, batches sent one at a time (Graph runs a batch's
 * sub-requests 4 at a time: the whole per-mailbox allowance, so a batch takes every in-flight
 * slot of the mailbox). A sub-request answered 429 or 503 is retried in a later batch after its
 * own Retry-After (or backoff), within the client's backoff policy. Results come back in input
 * order, whatever order the batch answered in.
 *
 * Whether an outcome is known matters for requests that must not run twice: when the batch's
 * answer is lost or a sub-request answers 5xx (but 503) -- `outcomeUncertain` -- the result is
 * `uncertain`, unless the sub-request is marked idempotent, in which case it is retried.
 * Knows nothing of mail: the caller decides what an uncertain send means.
 */
import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

import type { GraphClient } from './graphClient';
import {
	graphErrorDetails,
	lowerCaseHeaders,
	outcomeUncertain,
	type GraphErrorDetails,
} from './graphError';
import { nextDelayMs, parseRetryAfterMs } from './retryAfter';
import { runSerialChains, SHORT_CHAIN } from './serialChains';

/** One request inside a `$batch`; `url` is relative to /v1.0 (e.g. `/me/sendMail`), query included. */
export interface BatchSubRequest {
	method: IHttpRequestMethods;
	url: string;
	body?: IDataObject;
	headers?: Record<string, string>;
	/** Safe to run again when its outcome is unknown (reads). Default false. */
	idempotent?: boolean;
}

export type BatchSubResult =
	/** The sub-request's own answer (after retries of 429/503, when `attempts` > 1). */
	| {
			kind: 'response';
			status: number;
			headers: Record<string, string>;
			body: unknown;
			attempts: number;
			waitedMs: number;
			gaveUp: boolean;
	  }
	/** No definite answer: the sub-request may or may not have run. */
	| { kind: 'uncertain'; reason: string }
	/** No answer, but certainly not run (the connection was refused). */
	| { kind: 'failed'; details: GraphErrorDetails }
	/** Never sent: `stop()` said so before its batch went out. */
	| { kind: 'notSent' };

export const MAX_BATCH_REQUESTS = 20;
/** Graph refuses requests over 4 MiB; stay well under it with the batch envelope. */
export const MAX_BATCH_BYTES = 3.5 * 1024 * 1024;

export interface BatchOptions {
	/** Sub-requests per batch, 1 to 20 (default 20). Graph runs at most this many of one batch at once. */
	maxRequestsPerBatch?: number;
	maxBatchBytes?: number;
	/** Asked before each batch goes out; true leaves that batch and the rest unsent (`notSent`). */
	stop?: () => boolean;
	/** Called with each batch's size, before it is sent. */
	onBatch?: (size: number, bytes: number) => void;
	/** Called with each final result as soon as it is known (e.g. to stop at the first refusal). */
	onResult?: (index: number, result: BatchSubResult) => void;
	/** The clock (tests); default Date.now. `client.wait` is what waits. */
	now?: () => number;
	/**
	 * Each batch as one serial chain (`dependsOn`): Graph runs it one sub-request at a time, so it
	 * holds one in-flight slot, and as many batches run at once as the mailbox's adaptive limit
	 * says (see adaptiveLimit.ts). A sub-request after a failed one answers 424 (never ran) and
	 * goes again in the next batch. For requests that must not wait on each other's Retry-After.
	 */
	serial?: boolean;
	/**
	 * Throttles (429, 503) use up no attempts, only the policy's total wait: for reads that must
	 * wait their turn at a mailbox that other senders keep full.
	 */
	patient?: boolean;
}

interface Pending {
	index: number;
	request: BatchSubRequest;
	bytes: number;
	bodyBytes: number;
	/** Answers received (429/503 ones included). */
	attempts: number;
	waitedMs: number;
	readyAt: number;
}

/** Splits sub-requests into batches of at most `maxRequests` and at most `maxBytes`, keeping their order. */
export function packBatches<T extends { bytes: number }>(
	pending: T[],
	maxBytes = MAX_BATCH_BYTES,
	maxRequests = MAX_BATCH_REQUESTS,
): T[][] {
	const limit = Math.max(1, Math.min(MAX_BATCH_REQUESTS, maxRequests));
	const batches: T[][] = [];
	let current: T[] = [];
	let size = 0;
	for (const entry of pending) {
		if (current.length && (current.length === limit || size + entry.bytes > maxBytes)) {
			batches.push(current);
			current = [];
			size = 0;
		}
		current.push(entry);
		size += entry.bytes;
	}
	if (current.length) batches.push(current);
	return batches;
}

/** The id of the sub-request before position `i` in a serial chain (none for the first). */
function previousIndexOf(batch: Array<{ index: number }>, i: number): string | undefined {
	const previous = i > 0 ? batch[i - 1] : undefined;
	return previous ? String(previous.index) : undefined;
}

/** The JSON of one sub-request inside the batch body; `after`: the id it waits for (a serial chain). */
function wireRequest(id: string, request: BatchSubRequest, after?: string): IDataObject {
	const wire: IDataObject = { id, method: request.method, url: request.url };
	if (after !== undefined) wire.dependsOn = [after];
	if (request.body !== undefined) {
		wire.body = request.body;
		wire.headers = { 'Content-Type': 'application/json', ...request.headers };
	} else if (request.headers && Object.keys(request.headers).length) {
		wire.headers = { ...request.headers };
	}
	return wire;
}

/**
 * Runs sub-requests for ONE mailbox through `$batch` and returns one result per sub-request, in
 * input order.
 */
export async function executeBatch(
	client: GraphClient,
	mailbox: string,
	requests: BatchSubRequest[],
	options: BatchOptions = {},
): Promise<BatchSubResult[]> {
	const results = new Array<BatchSubResult>(requests.length);
	const record = (index: number, result: BatchSubResult) => {
		results[index] = result;
		options.onResult?.(index, result);
	};
	const maxBytes = options.maxBatchBytes ?? MAX_BATCH_BYTES;
	const policy = options.patient
		? { ...client.backoffPolicy, maxAttempts: Number.MAX_SAFE_INTEGER }
		: client.backoffPolicy;
	const clock = options.now ?? Date.now;
	let pending: Pending[] = requests.map((request, index) => {
		const bodyBytes =
			request.body === undefined ? 0 : Buffer.byteLength(JSON.stringify(request.body));
		return {
			index,
			request,
			bodyBytes,
			// The sub-request's JSON in the envelope: its body plus url, headers and punctuation.
			bytes: bodyBytes + Buffer.byteLength(request.url) + 200,
			attempts: 0,
			waitedMs: 0,
			readyAt: 0,
		};
	});

	/** Puts an entry back for a later batch after `delay`, or returns false when the policy says stop. */
	const retryLater = (
		entry: Pending,
		retryAfterMs: number | undefined,
		later: Pending[],
	): boolean => {
		const delay = nextDelayMs(policy, Math.max(1, entry.attempts), entry.waitedMs, retryAfterMs);
		if (delay === undefined) return false;
		entry.waitedMs += delay;
		entry.readyAt = clock() + delay;
		later.push(entry);
		return true;
	};

	const serial = options.serial === true;
	const limit = serial ? client.inFlightLimit(mailbox) : undefined;
	/**
	 * Serial chains: until when Graph asked the mailbox to wait (a throttled sub-request's
	 * Retry-After). No new chain starts before then: each would only collect another 429 while the
	 * mailbox is full (another worker's chains hold it).
	 */
	let pausedUntil = 0;

	/**
	 * Sends one batch and records (or puts back into `later`) each of its entries. Resolves true
	 * when Graph throttled it or it did not run (no slot of the mailbox to hand on).
	 */
	const sendBatch = async (batch: Pending[], later: Pending[]): Promise<boolean> => {
		const bytes = batch.reduce((sum, entry) => sum + entry.bytes, 0);
		options.onBatch?.(batch.length, bytes);
		const sentAt = clock();
		const outcome = await client.requestOutcome<{
			responses?: Array<{ id: string; status: number; headers?: unknown; body?: unknown }>;
		}>(
			{
				method: 'POST',
				path: '/$batch',
				mailbox,
				idempotent: false,
				body: {
					requests: batch.map((entry, i) =>
						wireRequest(
							String(entry.index),
							entry.request,
							serial ? previousIndexOf(batch, i) : undefined,
						),
					),
				},
				cost: {
					requests: batch.length,
					uploadBytes: batch.reduce((sum, entry) => sum + entry.bodyBytes, 0),
				},
			},
			serial ? 1 : client.maxInFlightPerMailbox,
		);

		if ('failure' in outcome) {
			const { failure } = outcome;
			const unknown = outcomeUncertain(failure);
			const details = graphErrorDetails(failure);
			const reason = `the $batch request failed: ${details.message}`;
			for (const entry of batch) {
				if (failure.status === undefined && !unknown) {
					record(entry.index, { kind: 'failed', details });
				} else if (unknown) {
					entry.attempts++;
					if (entry.request.idempotent && retryLater(entry, undefined, later)) continue;
					record(entry.index, { kind: 'uncertain', reason });
				} else {
					// The batch itself was refused (or throttled past the policy): none of it ran.
					record(entry.index, {
						kind: 'response',
						status: failure.status!,
						headers: failure.headers,
						body: failure.body,
						attempts: outcome.attempts,
						waitedMs: outcome.waitedMs,
						gaveUp: outcome.gaveUp,
					});
				}
			}
			// No lane to hand on: the batch did not run as a chain.
			return true;
		}

		const answers = outcome.response.body?.responses ?? [];
		const byId = new Map(answers.map((answer) => [String(answer.id), answer]));
		let throttledInBatch = false;
		/** When the sub-request that broke the chain goes again: the rest of the chain waits with it. */
		let heldUntil = 0;
		for (const entry of batch) {
			const answer = byId.get(String(entry.index));
			if (serial && answer?.status === 424) {
				// Never ran (an earlier one in the chain failed): next batch, no attempt spent.
				entry.readyAt = heldUntil;
				later.push(entry);
				continue;
			}
			entry.attempts++;
			if (!answer || typeof answer.status !== 'number') {
				if (entry.request.idempotent && retryLater(entry, undefined, later)) continue;
				record(entry.index, {
					kind: 'uncertain',
					reason: 'the $batch answer had no response for this request',
				});
				continue;
			}
			const headers = lowerCaseHeaders(answer.headers);
			const { status } = answer;
			const throttled = status === 429 || status === 503;
			if (throttled && limit) {
				limit.throttled(sentAt);
				throttledInBatch = true;
			}
			if (throttled || (outcomeUncertain({ status }) && entry.request.idempotent)) {
				if (retryLater(entry, parseRetryAfterMs(headers['retry-after'], clock()), later)) {
					heldUntil = Math.max(heldUntil, entry.readyAt);
					continue;
				}
			}
			if (outcomeUncertain({ status }) && !entry.request.idempotent) {
				record(entry.index, {
					kind: 'uncertain',
					reason: `Graph answered ${status} ${graphErrorDetails({ status, headers, body: answer.body }).message}`,
				});
				continue;
			}
			record(entry.index, {
				kind: 'response',
				status,
				headers,
				body: answer.body,
				attempts: entry.attempts,
				waitedMs: entry.waitedMs,
				gaveUp: throttled || outcomeUncertain({ status }),
			});
		}
		if (throttledInBatch) pausedUntil = Math.max(pausedUntil, heldUntil);
		if (limit && !throttledInBatch) limit.accepted();
		return throttledInBatch;
	};

	if (limit) {
		// Serial: a pool of chains within the adaptive limit (serialChains.ts).
		const unsent = await runSerialChains({
			entries: pending,
			lanes: () => limit.current,
			longest: () => (limit.current < limit.max ? SHORT_CHAIN : MAX_BATCH_REQUESTS),
			pausedUntil: () => pausedUntil,
			now: clock,
			wait: async (ms) => await client.wait(ms),
			stop: options.stop,
			cut: (ready, length) => packBatches(ready.slice(0, length), maxBytes)[0] ?? [],
			send: async (chain) => {
				const again: Pending[] = [];
				const throttled = await sendBatch(chain, again);
				return { again, throttled };
			},
		});
		for (const entry of unsent) record(entry.index, { kind: 'notSent' });
		return results;
	}

	// One batch at a time (each takes every slot of the mailbox); what goes again, in a later round.
	while (pending.length) {
		const now = clock();
		const ready = pending.filter((entry) => entry.readyAt <= now);
		if (!ready.length) {
			await client.wait(Math.min(...pending.map((entry) => entry.readyAt)) - now);
			continue;
		}
		const later = pending.filter((entry) => entry.readyAt > now);
		const batches = packBatches(ready, maxBytes, options.maxRequestsPerBatch);
		for (const [b, batch] of batches.entries()) {
			if (options.stop?.()) {
				for (const entry of [...batches.slice(b).flat(), ...later])
					record(entry.index, { kind: 'notSent' });
				return results;
			}
			await sendBatch(batch, later);
		}
		pending = later;
	}
	return results;
}

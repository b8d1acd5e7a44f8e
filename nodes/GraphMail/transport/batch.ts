import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

import type { GraphClient } from './graphClient';
import { graphErrorDetails } from './graphError';
import { nextDelayMs, parseRetryAfterMs, RETRYABLE_STATUSES } from './retryAfter';

/** One request inside a `$batch`; `url` is relative to /v1.0 (e.g. `/me/sendMail`). */
export interface BatchSubRequest {
	method: IHttpRequestMethods;
	url: string;
	body?: IDataObject;
	headers?: Record<string, string>;
}

export type BatchSubResult =
	| { kind: 'response'; status: number; headers: Record<string, string>; body: unknown }
	/** The batch's answer never arrived: the sub-request may or may not have run. */
	| { kind: 'uncertain'; reason: string };

export const MAX_BATCH_REQUESTS = 20;
/** Graph refuses requests over 4 MiB; stay well under it with the batch envelope. */
export const MAX_BATCH_BYTES = 3.5 * 1024 * 1024;

interface Pending {
	index: number;
	request: BatchSubRequest;
	bytes: number;
	attempts: number;
	waitedMs: number;
}

/** Splits pending sub-requests into batches of at most 20 and at most MAX_BATCH_BYTES. */
export function packBatches<T extends { bytes: number }>(pending: T[], maxBytes = MAX_BATCH_BYTES): T[][] {
	const batches: T[][] = [];
	let current: T[] = [];
	let size = 0;
	for (const entry of pending) {
		if (current.length && (current.length === MAX_BATCH_REQUESTS || size + entry.bytes > maxBytes)) {
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

function lowerCase(headers: unknown): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of Object.entries((headers ?? {}) as Record<string, unknown>)) out[name.toLowerCase()] = String(value);
	return out;
}

/**
 * Runs sub-requests for ONE mailbox through `$batch`: batches go one at a time (Graph runs a
 * batch's sub-requests 4 at a time, the whole per-mailbox allowance), a sub-request answered 429
 * or 503 is retried in a later batch after its own Retry-After, every other answer is returned
 * as is. Results come back in input order, whatever order the batch answered in.
 */
export async function executeBatch(
	client: GraphClient,
	mailbox: string,
	requests: BatchSubRequest[],
	onBatch?: (size: number) => void,
): Promise<BatchSubResult[]> {
	const results: BatchSubResult[] = new Array(requests.length);
	let pending: Pending[] = requests.map((request, index) => ({
		index,
		request,
		bytes: Buffer.byteLength(JSON.stringify(request)) + 64,
		attempts: 0,
		waitedMs: 0,
	}));
	while (pending.length) {
		const retry: Pending[] = [];
		let retryDelay = 0;
		for (const batch of packBatches(pending)) {
			onBatch?.(batch.length);
			const outcome = await client.attempt<{ responses?: Array<{ id: string; status: number; headers?: unknown; body?: unknown }> }>(
				{
					method: 'POST',
					path: '/$batch',
					mailbox,
					idempotent: false,
					body: {
						requests: batch.map((entry) => ({
							id: String(entry.index),
							method: entry.request.method,
							url: entry.request.url,
							...(entry.request.body !== undefined
								? { body: entry.request.body, headers: { 'Content-Type': 'application/json', ...entry.request.headers } }
								: entry.request.headers
									? { headers: entry.request.headers }
									: {}),
						})),
					},
				},
				client.maxInFlightPerMailbox,
			);
			if ('failure' in outcome) {
				const { failure } = outcome;
				for (const entry of batch) {
					results[entry.index] =
						failure.status === undefined || failure.status === 504
							? { kind: 'uncertain', reason: graphErrorDetails(failure).message }
							: { kind: 'response', status: failure.status, headers: failure.headers, body: failure.body };
				}
				continue;
			}
			const byId = new Map((outcome.response.body.responses ?? []).map((answer) => [answer.id, answer]));
			for (const entry of batch) {
				const answer = byId.get(String(entry.index));
				if (!answer) {
					results[entry.index] = { kind: 'uncertain', reason: 'The batch answer had no response for this request' };
					continue;
				}
				const headers = lowerCase(answer.headers);
				entry.attempts++;
				if (RETRYABLE_STATUSES.has(answer.status) && answer.status !== 504) {
					const delay = nextDelayMs(
						client.backoffPolicy,
						entry.attempts,
						entry.waitedMs,
						parseRetryAfterMs(headers['retry-after'], Date.now()),
					);
					if (delay !== undefined) {
						entry.waitedMs += delay;
						retryDelay = Math.max(retryDelay, delay);
						retry.push(entry);
						continue;
					}
				}
				results[entry.index] = { kind: 'response', status: answer.status, headers, body: answer.body };
			}
		}
		if (retry.length) await client.wait(retryDelay);
		pending = retry;
	}
	return results;
}

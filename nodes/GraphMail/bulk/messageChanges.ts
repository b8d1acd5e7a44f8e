import type { IDataObject } from 'n8n-workflow';

import type { BatchSubRequest, BatchSubResult } from '../transport/batch';
import { executeBatchPerMailbox } from '../transport/batchPerMailbox';
import type { GraphClient } from '../transport/graphClient';
import { graphErrorDetails, type GraphErrorDetails } from '../transport/graphError';

/**
 * Changes to many messages (move, copy, update, delete; the trigger's mark read or move) through
 * `$batch`: per mailbox, serial chains of 20 within the mailbox's adaptive limit, Retry-After per
 * sub-request (transport/batch.ts). What it adds is the rule for repeats:
 *
 * - A change marked `repeatable` (move, delete, mark read: the same request twice leaves the same
 *   mailbox) whose answer was lost is sent once more. If that repeat finds the message gone (404),
 *   the first attempt did the work (a permanent delete; a move of a message addressed by a REST id,
 *   which the move changed): `alreadyDone`. With immutable ids a repeated move simply answers 201
 *   again, the message being where the first one put it.
 * - A 404 on the first definite answer is `notFound`: the message did not exist, or was gone before
 *   this request; the caller names the id.
 * - A change that is not repeatable (copy: twice is two copies) stays `uncertain`; its caller checks.
 */
export interface MessageChange {
	/** The mailbox the request goes to (`me`, a user id or UPN): its own `$batch` chains and in-flight cap. */
	mailbox: string;
	request: BatchSubRequest;
	repeatable: boolean;
}

export type ChangeOutcome =
	/** 2xx; `body` is Graph's answer (the moved or updated message, the copy; empty for 204). */
	| { kind: 'done'; status: number; body: IDataObject; repeated: boolean }
	/** The first answer was lost and the repeat found the message gone: the first attempt did it. */
	| { kind: 'alreadyDone' }
	| { kind: 'notFound'; details: GraphErrorDetails }
	| {
			kind: 'failed';
			details: GraphErrorDetails;
			attempts: number;
			waitedMs: number;
			gaveUp: boolean;
	  }
	| { kind: 'uncertain'; reason: string }
	/** Not sent: an earlier failure stopped the run (without Continue On Fail). */
	| { kind: 'notSent' };

export interface ChangeRunOptions {
	/** Stop sending further batches after the first refusal but a 404 (without Continue On Fail). */
	stopOnFailure?: boolean;
}

const isSuccess = (status: number) => status >= 200 && status < 300;

function outcomeOf(result: BatchSubResult, repeated: boolean): ChangeOutcome {
	switch (result.kind) {
		case 'notSent':
			return { kind: 'notSent' };
		case 'uncertain':
			return { kind: 'uncertain', reason: result.reason };
		case 'failed':
			return { kind: 'failed', details: result.details, attempts: 1, waitedMs: 0, gaveUp: false };
		case 'response': {
			if (isSuccess(result.status)) {
				const body =
					result.body && typeof result.body === 'object' ? (result.body as IDataObject) : {};
				return { kind: 'done', status: result.status, body, repeated };
			}
			const details = graphErrorDetails({
				status: result.status,
				headers: result.headers,
				body: result.body,
			});
			if (result.status === 404)
				return repeated ? { kind: 'alreadyDone' } : { kind: 'notFound', details };
			return {
				kind: 'failed',
				details,
				attempts: result.attempts,
				waitedMs: result.waitedMs,
				gaveUp: result.gaveUp,
			};
		}
	}
}

/** Runs each mailbox's share through `$batch` (the mailboxes at once); results in input order. */
async function runOnce(
	client: GraphClient,
	changes: MessageChange[],
	options: ChangeRunOptions,
): Promise<BatchSubResult[]> {
	let stopped = false;
	return await executeBatchPerMailbox(client, changes, {
		stop: () => stopped,
		onResult: (_index, result) => {
			if (
				options.stopOnFailure &&
				// A 404 does not stop the rest: it may be a message this work already handled.
				((result.kind === 'response' && !isSuccess(result.status) && result.status !== 404) ||
					result.kind === 'failed')
			)
				stopped = true;
		},
	});
}

/** Every change, once (a repeatable one whose answer was lost: twice); outcomes in input order. */
export async function runChanges(
	client: GraphClient,
	changes: MessageChange[],
	options: ChangeRunOptions = {},
): Promise<ChangeOutcome[]> {
	const first = await runOnce(client, changes, options);
	const outcomes = first.map((result) => outcomeOf(result, false));
	const again = outcomes.flatMap((outcome, index) =>
		outcome.kind === 'uncertain' && changes[index]!.repeatable ? [index] : [],
	);
	if (again.length) {
		const repeats = await runOnce(
			client,
			again.map((index) => changes[index]!),
			options,
		);
		again.forEach((index, i) => {
			outcomes[index] = outcomeOf(repeats[i]!, true);
		});
	}
	return outcomes;
}

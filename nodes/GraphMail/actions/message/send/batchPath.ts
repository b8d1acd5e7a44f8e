/**
 * Send, step 2 for many items: every mailbox on its own, mailboxes in parallel.
 *  1. Exactly Once: before anything is sent, the run's internetMessageIds are looked up in each
 *     mailbox (what it got since the run began, or 14 ids per filter through `$batch`, see
 *     lookup.ts); items already sent within the deduplication window are not sent again.
 *  2. sendMail plans go through `$batch` (up to 20 per batch, under ~4 MB; one batch at a time per
 *     mailbox, which Graph runs 4 sub-requests at a time), a single one as a plain request;
 *     draft plans run through draftPath.ts, at most `maxInFlightPerMailbox` items at once (the
 *     client's limiter caps the requests themselves).
 *  3. A send without a definite answer (`outcomeUncertain`: lost answer, reset, 5xx but 503) is looked up again after a
 *     short wait: found -> sent; not found -> sent again; at most `recovery.rounds` times. Without
 *     Exactly Once (or without a Sent Items copy to find) it becomes the item's error, never a
 *     blind retry.
 * Without Continue On Fail the first definite error stops new work (batches and drafts not yet
 * started are not sent); the operation reports what was sent.
 */
import type {
	NodeApiError,
	NodeOperationError,
	IDataObject,
	IExecuteFunctions,
} from 'n8n-workflow';

import { mapLimited } from '../../../helpers/concurrency';
import { asNodeError, withSentence } from '../../../helpers/nodeError';
import { mailboxPath } from '../../../helpers/pathSegment';
import { executeBatch, type BatchSubRequest, type BatchSubResult } from '../../../transport/batch';
import type { GraphClient } from '../../../transport/graphClient';
import { graphApiError, graphErrorDetails } from '../../../transport/graphError';
import { sendWithDraft, type Recovery, type SendReport, type SentDetails } from './draftPath';
import { explainSendError, lookupError, lookupFailure, maybeSent, refusal } from './errors';
import { earlierSend, type FoundMessage } from './idempotencyKey';
import { sendMailRequestBody } from './inlineAttachments';
import {
	findByInternetMessageId,
	lookBeforeSending,
	waitBeforeLooking,
	type LookupBy,
} from './lookup';
import type { PreparedSend } from './prepare';

export type SendOutcome =
	| { kind: 'sent'; details: SentDetails; uploadedBytes: number }
	/** Sent before this run (Retry On Fail, a retried execution) within the deduplication window. */
	| { kind: 'alreadySent'; found: FoundMessage }
	| { kind: 'error'; error: NodeApiError | NodeOperationError }
	/** Not started because an earlier error stopped the node. */
	| { kind: 'notSent' };

export interface BulkOptions {
	continueOnFail: boolean;
	recovery: Recovery;
	/** Another operation sending through this path (Reply, Reply All, Forward); Send when absent. */
	route?: BulkRoute;
	/** When the run began (runIdentity.ts): none of its mails is older, so the first look can list. */
	runStartedAt?: number;
}

/** How another operation's plans go out and are found again (Send's sendMail, drafts and internetMessageIds by default). */
export interface BulkRoute {
	/** The one request (a `$batch` sub-request) for a plan of method `sendMail`. */
	request(prepared: PreparedSend): Promise<{ url: string; body: IDataObject }>;
	/** A plan of method `draft`. */
	draft(prepared: PreparedSend, recover: Recovery | undefined): Promise<SendReport>;
	/** How the items' keys are looked up. */
	lookup: LookupBy;
	/** The earlier message that counts as this item done (default: `earlierSend`, a sent one). */
	earlier?(prepared: PreparedSend, found: FoundMessage[], nowMs: number): FoundMessage | undefined;
}

/** The earlier message that makes this item done, if any. */
function earlierFor(
	options: BulkOptions,
	prepared: PreparedSend,
	found: FoundMessage[],
	nowMs: number,
): FoundMessage | undefined {
	return options.route?.earlier
		? options.route.earlier(prepared, found, nowMs)
		: earlierSend(prepared.sendKey!, found, nowMs);
}

/** The one request for a sendMail plan: `POST {mailbox}/sendMail`, or the route's. */
async function requestFor(
	ctx: IExecuteFunctions,
	options: BulkOptions,
	prepared: PreparedSend,
): Promise<{ url: string; body: IDataObject }> {
	if (options.route) return await options.route.request(prepared);
	return {
		url: `${mailboxPath(prepared.plan.mailbox)}/sendMail`,
		body: await sendMailRequestBody(ctx, prepared),
	};
}

/** sendMail bodies read into memory at once (per mailbox): bounds memory for mails with attachments. */
const READ_AHEAD_BYTES = 32 * 1024 * 1024;
const READ_AHEAD_ITEMS = 1000;

type SubmitResult = BatchSubResult | { kind: 'error'; error: NodeApiError | NodeOperationError };
type Submitted = { prepared: PreparedSend; result: SubmitResult };
/** One mailbox's items, in item order (never empty). */
type MailboxGroup = { mailbox: string; entries: [PreparedSend, ...PreparedSend[]] };

/** Items whose earlier send can be found in the mailbox: a key, and a copy kept in Sent Items. */
function findable(prepared: PreparedSend): boolean {
	return prepared.sendKey !== undefined && prepared.plan.saveToSentItems;
}

function idsOf(prepared: PreparedSend): string[] {
	const key = prepared.sendKey!;
	return [key.internetMessageId, key.previousInternetMessageId];
}

function foundFor(prepared: PreparedSend, found: Map<string, FoundMessage[]>): FoundMessage[] {
	return idsOf(prepared).flatMap((id) => found.get(id) ?? []);
}

/** Consecutive groups whose request bodies stay within READ_AHEAD_BYTES. */
function readAheadGroups(entries: PreparedSend[]): PreparedSend[][] {
	const out: PreparedSend[][] = [];
	let current: PreparedSend[] = [];
	let bytes = 0;
	for (const entry of entries) {
		if (
			current.length &&
			(current.length >= READ_AHEAD_ITEMS || bytes + entry.plan.requestBytes > READ_AHEAD_BYTES)
		) {
			out.push(current);
			current = [];
			bytes = 0;
		}
		current.push(entry);
		bytes += entry.plan.requestBytes;
	}
	if (current.length) out.push(current);
	return out;
}

class MailboxRun {
	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly client: GraphClient,
		private readonly mailbox: string,
		private readonly options: BulkOptions,
		private readonly outcomes: Map<number, SendOutcome>,
		private readonly state: { stopped: boolean },
	) {}

	private readonly stop = () => this.state.stopped;

	private fail(prepared: PreparedSend, error: unknown): void {
		this.outcomes.set(prepared.itemIndex, {
			kind: 'error',
			error: asNodeError(this.ctx.getNode(), error, prepared.itemIndex),
		});
		if (!this.options.continueOnFail) this.state.stopped = true;
	}

	private sent(prepared: PreparedSend, details: SentDetails = {}, uploadedBytes = 0): void {
		const internetMessageId = details.internetMessageId ?? prepared.plan.message.internetMessageId;
		this.outcomes.set(prepared.itemIndex, {
			kind: 'sent',
			details: { ...details, ...(internetMessageId ? { internetMessageId } : {}) },
			uploadedBytes,
		});
	}

	async run(entries: PreparedSend[]): Promise<void> {
		await Promise.all([
			this.sendMails(entries.filter((entry) => entry.plan.method === 'sendMail')),
			this.sendDrafts(entries.filter((entry) => entry.plan.method === 'draft')),
		]);
	}

	/** Draft plans (large attachments, Return Sent Message Details): a few items at once. */
	private async sendDrafts(entries: PreparedSend[]): Promise<void> {
		await mapLimited(entries, this.client.maxInFlightPerMailbox, async (prepared) => {
			if (this.stop()) {
				this.outcomes.set(prepared.itemIndex, { kind: 'notSent' });
				return;
			}
			try {
				const recover = prepared.sendKey ? this.options.recovery : undefined;
				const report = this.options.route
					? await this.options.route.draft(prepared, recover)
					: await sendWithDraft(this.ctx, this.client, prepared, recover ? { recover } : {});
				this.sent(prepared, report.details, report.uploadedBytes);
			} catch (error) {
				this.fail(prepared, error);
			}
		});
	}

	/** sendMail plans: sent, then the uncertain ones looked up and sent again where missing. */
	private async sendMails(entries: PreparedSend[]): Promise<void> {
		let toSend = entries;
		for (let round = 0; toSend.length; round++) {
			const results = await this.submit(toSend);
			const uncertain: PreparedSend[] = [];
			let reason = '';
			for (const { prepared, result } of results) {
				if (result.kind === 'notSent') {
					this.outcomes.set(prepared.itemIndex, { kind: 'notSent' });
				} else if (result.kind === 'error') {
					this.fail(prepared, result.error);
				} else if (result.kind === 'failed') {
					const error = graphApiError(this.ctx.getNode(), result.details, {
						itemIndex: prepared.itemIndex,
					});
					this.fail(prepared, explainSendError(this.ctx, error, prepared, 'sendMail'));
				} else if (result.kind === 'response') {
					if (result.status >= 200 && result.status < 300) this.sent(prepared);
					else this.fail(prepared, refusal(this.ctx, prepared, result));
				} else if (findable(prepared) && round < this.options.recovery.rounds) {
					uncertain.push(prepared);
					reason = result.reason;
				} else {
					this.fail(
						prepared,
						maybeSent(
							this.ctx,
							prepared,
							result.reason,
							prepared.sendKey && !prepared.plan.saveToSentItems
								? "With Save to Sent Items off there is no copy to look for, so Don't Resend on Retry cannot check it."
								: prepared.sendKey
									? `Don't Resend on Retry looked for it ${round} time(s) without finding it and stopped sending it again.`
									: undefined,
						),
					);
				}
			}
			if (!uncertain.length) return;

			// Look for the uncertain ones once the service has had time to file them.
			await waitBeforeLooking(Date.now(), this.options.recovery.settleMs);
			let found: Map<string, FoundMessage[]>;
			try {
				found = await findByInternetMessageId(
					this.client,
					this.mailbox,
					uncertain.flatMap(idsOf),
					this.options.route?.lookup,
				);
			} catch (error) {
				const looked = lookupError(this.ctx, this.mailbox, error);
				for (const prepared of uncertain)
					this.fail(prepared, maybeSent(this.ctx, prepared, reason, looked.message));
				return;
			}
			const now = Date.now();
			toSend = [];
			for (const prepared of uncertain) {
				if (earlierFor(this.options, prepared, foundFor(prepared, found), now)) this.sent(prepared);
				else if (this.stop()) this.outcomes.set(prepared.itemIndex, { kind: 'notSent' });
				else toSend.push(prepared);
			}
		}
	}

	/** One result per entry, in order: a plain request for a single mail, `$batch` otherwise. */
	private async submit(entries: PreparedSend[]): Promise<Submitted[]> {
		const [only, ...others] = entries;
		if (only && !others.length) return [{ prepared: only, result: await this.sendOne(only) }];
		const results: Submitted[] = [];
		for (const group of readAheadGroups(entries)) {
			if (this.stop()) {
				results.push(
					...group.map((prepared): Submitted => ({ prepared, result: { kind: 'notSent' } })),
				);
				continue;
			}
			const built: Array<{
				prepared: PreparedSend;
				request?: BatchSubRequest;
				error?: NodeApiError | NodeOperationError;
			}> = [];
			for (const prepared of group) {
				try {
					built.push({
						prepared,
						request: { method: 'POST', ...(await requestFor(this.ctx, this.options, prepared)) },
					});
				} catch (error) {
					built.push({
						prepared,
						error: asNodeError(this.ctx.getNode(), error, prepared.itemIndex),
					});
				}
			}
			const requests = built.filter((entry) => entry.request).map((entry) => entry.request!);
			const answers = requests.length
				? await executeBatch(this.client, this.mailbox, requests, {
						// Serial chains of 20, as many at once as the mailbox's adaptive limit (at most the cap).
						serial: true,
						stop: this.stop,
						// Without Continue On Fail, a refusal stops the batches not yet sent.
						onResult: (_index, result) => {
							if (
								result.kind === 'response' &&
								(result.status < 200 || result.status >= 300) &&
								!this.options.continueOnFail
							) {
								this.state.stopped = true;
							}
						},
					})
				: [];
			// executeBatch answers every request; were one missing, it would count as maybe sent.
			const unanswered: SubmitResult = {
				kind: 'uncertain',
				reason: 'the $batch run gave no result for this request',
			};
			let next = 0;
			for (const { prepared, error } of built) {
				results.push({
					prepared,
					result: error ? { kind: 'error', error } : (answers[next++] ?? unanswered),
				});
			}
		}
		return results;
	}

	private async sendOne(prepared: PreparedSend): Promise<SubmitResult> {
		if (this.stop()) return { kind: 'notSent' };
		let request: { url: string; body: IDataObject };
		try {
			request = await requestFor(this.ctx, this.options, prepared);
		} catch (error) {
			return { kind: 'error', error: asNodeError(this.ctx.getNode(), error, prepared.itemIndex) };
		}
		const outcome = await this.client.requestOutcome({
			method: 'POST',
			path: request.url,
			body: request.body,
			mailbox: prepared.plan.mailbox,
			idempotent: false,
			itemIndex: prepared.itemIndex,
		});
		if ('response' in outcome) {
			const { status, headers, body: answer } = outcome.response;
			return {
				kind: 'response',
				status,
				headers,
				body: answer,
				attempts: 1,
				waitedMs: 0,
				gaveUp: false,
			};
		}
		const { failure } = outcome;
		const details = graphErrorDetails(failure);
		if (details.uncertain) return { kind: 'uncertain', reason: details.message };
		if (failure.status === undefined) return { kind: 'failed', details };
		return {
			kind: 'response',
			status: failure.status,
			headers: failure.headers,
			body: failure.body,
			attempts: outcome.attempts,
			waitedMs: outcome.waitedMs,
			gaveUp: outcome.gaveUp,
		};
	}
}

/**
 * Sends every prepared item (dry runs and invalid items left out by the caller). Resolves to one
 * outcome per item index. Throws only when Exactly Once cannot look into a mailbox before
 * anything was sent and Continue On Fail is off.
 */
export async function sendAll(
	ctx: IExecuteFunctions,
	client: GraphClient,
	entries: PreparedSend[],
	options: BulkOptions,
): Promise<Map<number, SendOutcome>> {
	const outcomes = new Map<number, SendOutcome>();
	const byMailbox = new Map<string, MailboxGroup>();
	for (const entry of entries) {
		const key = entry.plan.mailbox.toLowerCase();
		const group = byMailbox.get(key);
		if (group) group.entries.push(entry);
		else byMailbox.set(key, { mailbox: entry.plan.mailbox, entries: [entry] });
	}
	const groups = [...byMailbox.values()];

	// 1. Exactly Once: look before anything goes out, in every mailbox.
	const looked = await Promise.all(
		groups.map(async (group): Promise<{ group: MailboxGroup; failed?: { reason: unknown } }> => {
			const keyed = group.entries.filter(findable);
			if (!keyed.length) return { group };
			try {
				const found = await lookBeforeSending(
					client,
					group.mailbox,
					keyed.flatMap(idsOf),
					options.runStartedAt,
					options.route?.lookup,
				);
				const now = Date.now();
				for (const prepared of keyed) {
					const earlier = earlierFor(options, prepared, foundFor(prepared, found), now);
					if (earlier) outcomes.set(prepared.itemIndex, { kind: 'alreadySent', found: earlier });
				}
				return { group };
			} catch (reason) {
				return { group, failed: { reason } };
			}
		}),
	);
	const blocked = new Set<MailboxGroup>();
	for (const { group, failed } of looked) {
		if (!failed) continue;
		const errorFor = (prepared: PreparedSend) => lookupFailure(ctx, prepared, failed.reason);
		if (!options.continueOnFail) {
			throw withSentence(errorFor(group.entries[0]), 'Nothing was sent.');
		}
		blocked.add(group);
		for (const prepared of group.entries)
			outcomes.set(prepared.itemIndex, { kind: 'error', error: errorFor(prepared) });
	}

	// 2. Send: mailboxes in parallel.
	const state = { stopped: false };
	await Promise.all(
		groups
			.filter((group) => !blocked.has(group))
			.map(async (group) => {
				const run = new MailboxRun(ctx, client, group.mailbox, options, outcomes, state);
				await run.run(group.entries.filter((entry) => !outcomes.has(entry.itemIndex)));
			}),
	);
	return outcomes;
}

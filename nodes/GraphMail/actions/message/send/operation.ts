/**
 * Message > Send. Every item is validated and planned first (addresses, headers, attachments and
 * their sizes); only then is anything sent. A bad item stops the node before any mail goes out,
 * or with Continue On Fail becomes an error item while the valid items are sent once each.
 *
 * Sending (batchPath.ts, draftPath.ts): per mailbox, sendMail plans through `$batch`, draft plans a few at a
 * time, mailboxes in parallel, at most 4 requests in flight per mailbox, Retry-After honoured,
 * budgets paced. Don't Resend on Retry (default on) stamps each item's key (this execution's
 * identity and the mail) as its internetMessageId and looks the keys up in the mailbox before
 * sending and after a lost answer, so that retries send nothing twice while a new execution always
 * sends. A mail found already sent is reported as skipped, with a notice in the editor. Results
 * come back in input order, paired with their items.
 */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { draftBody, fileAttachment, sendMailBody, type SendPlan } from './plan';
import type { GraphClient, GraphClientOptions } from '../../../transport/graphClient';
import { DEFAULT_BACKOFF } from '../../../transport/retryAfter';
import { capitalised, itemList } from '../../../helpers/itemText';
import { withSentence } from '../../../helpers/nodeError';
import { errorItemOrThrow } from '../../itemErrors';
import { sendAll, type SendOutcome } from './batchPath';
import type { SendReport } from './draftPath';
import { sendFields } from './fields';
import { prepareSend, type PreparedSend } from './prepare';
import { runIdentity } from './runIdentity';

/** Don't Resend on Retry: wait this long after a lost answer before looking for the mail, and look at most this often. */
export const RECOVERY = { settleMs: 2000, rounds: 3 };

export const properties: INodeProperties[] = sendFields;

/** The request a dry run would send, with base64 content replaced by its size. */
function dryRunPayload(plan: SendPlan): IDataObject {
	const placeholder = (size: number) => `<${size} bytes>`;
	if (plan.method === 'sendMail') {
		return sendMailBody(
			plan.message,
			plan.saveToSentItems,
			plan.attachments.map((spec) => fileAttachment(spec, placeholder(spec.size))),
		) as unknown as IDataObject;
	}
	return {
		draft: draftBody(
			plan.message,
			plan.saveToSentItems,
			plan.attachments
				.filter((spec) => spec.via === 'inline')
				.map((spec) => fileAttachment(spec, placeholder(spec.size))),
		) as unknown as IDataObject,
		addedAttachments: plan.attachments
			.filter((spec) => spec.via === 'attachment')
			.map((spec) => spec.name),
		uploadSessions: plan.attachments
			.filter((spec) => spec.via === 'uploadSession')
			.map((spec) => spec.name),
	};
}

/** The output's list of a plan's attachments: name, size, type, inline, and how each went up. */
export function attachmentsOutput(plan: SendPlan): IDataObject[] {
	return plan.attachments.map((spec) => ({
		name: spec.name,
		size: spec.size,
		contentType: spec.contentType,
		isInline: spec.isInline,
		uploadedVia: spec.via,
	}));
}

function summary(
	prepared: PreparedSend,
	report?: SendReport,
	extra: IDataObject = {},
): IDataObject {
	const { plan } = prepared;
	return {
		status: report ? 'sent' : 'dryRun',
		mailbox: plan.mailbox,
		method: plan.method,
		recipients: { ...plan.recipients },
		attachments: attachmentsOutput(plan),
		requestBytes: plan.requestBytes,
		...(report ? { ...report.details } : { payload: dryRunPayload(plan) }),
		...extra,
	};
}

function numberOption(
	options: IDataObject,
	name: string,
	fallback: number,
	min: number,
	max: number,
): number {
	const raw = options[name];
	const value = raw === undefined || raw === null || raw === '' ? NaN : Number(raw);
	return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

/**
 * The client for a Send run, configured from the first item's Delivery Settings (the concurrency
 * and retry settings hold for the node, not per item).
 */
export function clientOptions(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): GraphClientOptions {
	let options: IDataObject = {};
	try {
		if (items.length) options = (this.getNodeParameter('delivery', 0, {}) as IDataObject) ?? {};
	} catch {
		// A broken expression is reported per item by prepareSend; the client takes the defaults.
	}
	return {
		maxInFlightPerMailbox: numberOption(options, 'maxInFlightPerMailbox', 4, 1, 4),
		backoff: {
			...DEFAULT_BACKOFF,
			maxAttempts: Math.round(
				numberOption(options, 'maxAttempts', DEFAULT_BACKOFF.maxAttempts, 1, 20),
			),
			maxTotalWaitMs: Math.round(
				numberOption(options, 'maxRetryWait', DEFAULT_BACKOFF.maxTotalWaitMs / 1000, 0, 3600) *
					1000,
			),
		},
	};
}

/** The item's output for what happened to its mail (errors are handled by the caller). */
function outputFor(
	prepared: PreparedSend,
	outcome: SendOutcome | undefined,
): IDataObject | undefined {
	const exactlyOnce = prepared.sendKey !== undefined;
	if (outcome?.kind === 'sent') {
		return summary(prepared, outcome, exactlyOnce ? { alreadySent: false } : {});
	}
	if (outcome?.kind === 'alreadySent') {
		const { found } = outcome;
		return {
			...summary(
				prepared,
				{ details: { internetMessageId: found.internetMessageId }, uploadedBytes: 0 },
				{
					alreadySent: true,
					messageId: found.id,
					...(found.sentDateTime ? { sentDateTime: found.sentDateTime } : {}),
				},
			),
			status: 'skipped',
			skippedBecause: `This execution already sent this mail${found.sentDateTime ? ` at ${found.sentDateTime}` : ''}, before a retry; it was not sent again`,
		};
	}
	return undefined;
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	client: GraphClient,
): Promise<INodeExecutionData[]> {
	const continueOnFail = this.continueOnFail();
	// 1. Validate and plan every item; nothing is sent yet.
	const run = runIdentity(this);
	const prepared: Array<PreparedSend | NodeOperationError> = [];
	for (const [itemIndex, item] of items.entries()) {
		prepared.push(await prepareSend(this, item, itemIndex, run));
	}
	const invalid = prepared
		.map((entry, itemIndex) => (entry instanceof NodeOperationError ? itemIndex : -1))
		.filter((itemIndex) => itemIndex >= 0);
	const first = prepared.find(
		(entry): entry is NodeOperationError => entry instanceof NodeOperationError,
	);
	if (first && !continueOnFail) {
		const others =
			invalid.length > 1
				? ` ${capitalised(itemList(invalid.slice(1)))} ${invalid.length > 2 ? 'have' : 'has'} problems too.`
				: '';
		withSentence(first, `Nothing was sent.${others}`);
		throw first;
	}

	// 2. Send the valid items (batched, in parallel per mailbox, each once).
	const toSend = prepared.filter(
		(entry): entry is PreparedSend => !(entry instanceof NodeOperationError) && !entry.dryRun,
	);
	const outcomes = toSend.length
		? await sendAll(this, client, toSend, {
				continueOnFail,
				recovery: RECOVERY,
				...(run.startedAt !== undefined ? { runStartedAt: run.startedAt } : {}),
			})
		: new Map<number, SendOutcome>();

	// 3. Results in input order.
	const output: INodeExecutionData[] = [];
	const sent: number[] = [];
	const skipped: number[] = [];
	const failed: number[] = [];
	let firstError: Extract<SendOutcome, { kind: 'error' }>['error'] | undefined;
	for (const [itemIndex, entry] of prepared.entries()) {
		if (entry instanceof NodeOperationError) {
			output.push(errorItemOrThrow(this, entry, itemIndex));
			continue;
		}
		if (entry.dryRun) {
			output.push({ json: summary(entry), pairedItem: { item: itemIndex } });
			continue;
		}
		const outcome = outcomes.get(itemIndex);
		const json = outputFor(entry, outcome);
		if (json) {
			if (outcome?.kind === 'sent') sent.push(itemIndex);
			if (outcome?.kind === 'alreadySent') skipped.push(itemIndex);
			output.push({ json, pairedItem: { item: itemIndex } });
		} else if (outcome?.kind === 'error') {
			failed.push(itemIndex);
			firstError ??= outcome.error;
			if (continueOnFail) output.push(errorItemOrThrow(this, outcome.error, itemIndex));
		}
	}
	if (!continueOnFail && firstError) {
		const error = firstError;
		const lines: string[] = [];
		if (sent.length) {
			const exactlyOnce = sent.every(
				(itemIndex) => (prepared[itemIndex] as PreparedSend).sendKey !== undefined,
			);
			lines.push(
				`${capitalised(itemList(sent))} ${sent.length > 1 ? 'were' : 'was'} sent before this error; ${
					exactlyOnce
						? `retrying this execution does not send ${sent.length > 1 ? 'them' : 'it'} again`
						: `retrying sends ${sent.length > 1 ? 'them' : 'it'} again (Don't Resend on Retry is off)`
				}.`,
			);
		}
		if (failed.length > 1) lines.push(`${capitalised(itemList(failed.slice(1)))} failed too.`);
		const notSent = [...outcomes]
			.filter(([, value]) => value.kind === 'notSent')
			.map(([itemIndex]) => itemIndex)
			.sort((a, b) => a - b);
		if (notSent.length)
			lines.push(
				`${capitalised(itemList(notSent))} ${notSent.length > 1 ? 'were' : 'was'} not sent: the node stopped at this error.`,
			);
		if (lines.length) withSentence(error, lines.join(' '));
		throw error;
	}
	noticeSkipped(this, skipped);
	if (run.unknownRetry && sent.length) {
		this.addExecutionHints({
			type: 'warning',
			location: 'outputPane',
			message:
				"This Retry could not tell which mails the failed execution had sent (it ran with an older version of the node, or its custom data was full), so they were sent again. See Don't Resend on Retry in the README.",
		});
	}
	return output;
}

/** The notice the editor shows for a run in which mails were skipped because they already went out. */
function noticeSkipped(ctx: IExecuteFunctions, skipped: number[]): void {
	if (!skipped.length) return;
	const times = skipped.length;
	ctx.addExecutionHints({
		type: 'warning',
		location: 'outputPane',
		message: `${times} ${times === 1 ? 'mail was' : 'mails were'} not sent again (${itemList(skipped)}): this execution had already sent ${
			times === 1 ? 'it' : 'them'
		} before the retry. Their items have status "skipped".`,
	});
}

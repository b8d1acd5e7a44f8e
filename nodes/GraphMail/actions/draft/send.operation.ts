/**
 * Draft > Send, exactly once. Every item is checked first: the draft must exist and still be a
 * draft; a draft that this piece of work already sent (Retry On Fail, a lost answer, n8n's Retry
 * of the execution: see message/send/runIdentity.ts) is reported as skipped, any other sent or
 * received message is an item error, all before anything is sent. Then each draft gets its send
 * key as a named extended property (with the new recipients, if any) and is sent; a lost answer is
 * resolved by reading the draft again: sent (no longer a draft, carrying the key) -> done, still a
 * draft -> sent again, which cannot send twice (Graph sends a draft once).
 * Requests go per mailbox through `$batch` (serial chains within the mailbox's limit).
 */
import { createHash } from 'node:crypto';

import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { capitalised, itemList, itemMessage } from '../../helpers/itemText';
import { withSentence } from '../../helpers/nodeError';
import { mailboxFields } from '../../read/fields';
import { mailboxOf } from '../../read/mailbox';
import { messageOf } from '../../read/messageLocator';
import { IMMUTABLE_ID_HEADERS, type GraphClient } from '../../transport/graphClient';
import { batchPerMailbox, failureOf, itemFailure, statusOf, succeeded } from '../batchPerMailbox';
import { errorItemOrThrow } from '../itemErrors';
import { buildMessage } from '../message/send/payload';
import { problemsError } from '../message/send/prepare';
import { canonicalJson } from '../message/send/idempotencyKey';
import { waitBeforeLooking } from '../message/send/lookup';
import { runIdentity } from '../message/send/runIdentity';
import { RECOVERY } from '../message/send/operation';
import { draftReadRequest, findByMark, markBody, recordOf, type DraftRecord } from './draftState';
import { notADraft, readDrafts, type DraftTarget } from './requireDrafts';
import { draftLocator, sendDraftFields } from './fields';

/** After a lost answer: wait this long before reading the draft again, at most this often. */

export const properties: INodeProperties[] = [
	...mailboxFields,
	draftLocator(
		'The draft to send: pick a recent one, enter its ID (e.g. {{ $json.id }} after Create), or paste its Outlook on the web link',
	),
	...sendDraftFields,
];

interface Planned extends DraftTarget {
	key: string;
	/** New To / CC / BCC, when Replace Recipients is on. */
	recipients?: IDataObject;
}

type Outcome =
	| { kind: 'sent'; record?: DraftRecord }
	| { kind: 'skipped'; record: DraftRecord }
	| { kind: 'error'; error: Error };

function workflowScope(ctx: IExecuteFunctions): { workflow: string; node: string } {
	const workflow = ctx.getWorkflow();
	const node = ctx.getNode();
	return {
		workflow: String(workflow.id ?? workflow.name ?? ''),
		node: String(node.id || node.name),
	};
}

function plan(
	ctx: IExecuteFunctions,
	itemIndex: number,
	run: string,
): Planned | NodeOperationError {
	try {
		const ref = mailboxOf(ctx, itemIndex);
		const target = messageOf(ctx, itemIndex, 'draftId', 'draft');
		let recipients: IDataObject | undefined;
		if (ctx.getNodeParameter('replaceRecipients', itemIndex, false) === true) {
			const built = buildMessage({
				to: ctx.getNodeParameter('toRecipients', itemIndex, ''),
				cc: ctx.getNodeParameter('ccRecipients', itemIndex, ''),
				bcc: ctx.getNodeParameter('bccRecipients', itemIndex, ''),
			});
			if (!built.ok) return problemsError(ctx, itemIndex, built.problems);
			const { message } = built.value;
			recipients = {
				toRecipients: message.toRecipients,
				ccRecipients: message.ccRecipients ?? [],
				bccRecipients: message.bccRecipients ?? [],
			};
		}
		const key = createHash('sha256')
			.update(
				canonicalJson({
					run,
					...workflowScope(ctx),
					itemIndex,
					mailbox: ref.mailbox.toLowerCase(),
					draft: target.id,
				}),
			)
			.digest('hex')
			.slice(0, 32);
		return {
			itemIndex,
			ref,
			draftId: target.id,
			messagePath: `${ref.base}/messages/${target.segment}`,
			key,
			...(recipients ? { recipients } : {}),
		};
	} catch (error) {
		if (error instanceof NodeOperationError) return error;
		const message = error instanceof Error ? error.message : String(error);
		return new NodeOperationError(ctx.getNode(), itemMessage(message, itemIndex), { itemIndex });
	}
}

const ALREADY_SENT =
	'It was not sent again. A draft can be sent once; a Retry of the execution that sent it reports it as skipped instead.';
const NOT_FOUND =
	'It was deleted, or sent by another workflow or by hand (a sent draft moves to Sent Items; IDs from Draft > Create and the list stay valid there). Nothing was sent.';

/** Step 1: is each draft still a draft, or already sent by this piece of work? */
async function check(
	ctx: IExecuteFunctions,
	client: GraphClient,
	plans: Planned[],
	outcomes: Map<number, Outcome>,
): Promise<Planned[]> {
	const reads = await readDrafts(client, plans);
	const toSend: Planned[] = [];
	for (const planned of plans) {
		const { record, answer } = reads.get(planned.itemIndex)!;
		let outcome: Outcome | undefined;
		if (record?.isDraft) toSend.push(planned);
		else if (record)
			outcome =
				record.mark === planned.key
					? { kind: 'skipped', record }
					: { kind: 'error', error: notADraft(ctx, planned, record, ALREADY_SENT) };
		else {
			// An id that is not immutable changes when the draft moves to Sent Items: look for the mark.
			const found =
				statusOf(answer) === 404
					? await findByMark(client, planned.ref, planned.key, planned.itemIndex).catch(
							() => undefined,
						)
					: undefined;
			outcome = found
				? { kind: 'skipped', record: found }
				: {
						kind: 'error',
						error: failureOf(
							ctx,
							answer,
							planned.itemIndex,
							`Draft '${planned.draftId}' was not found`,
							NOT_FOUND,
						),
					};
		}
		if (outcome) outcomes.set(planned.itemIndex, outcome);
	}
	return toSend;
}

/** After a lost answer to the send: read the draft; send again while it is still a draft. */
async function recover(client: GraphClient, planned: Planned): Promise<Outcome | undefined> {
	let failedAt = Date.now();
	for (let round = 0; round < RECOVERY.rounds; round++) {
		await waitBeforeLooking(failedAt, RECOVERY.settleMs);
		const read = await client.requestOutcome<IDataObject>({
			method: 'GET',
			path: draftReadRequest(planned.messagePath).url,
			headers: IMMUTABLE_ID_HEADERS,
			mailbox: planned.ref.mailbox,
			itemIndex: planned.itemIndex,
		});
		const record = 'response' in read ? recordOf(read.response.body) : undefined;
		if (record && !record.isDraft) return { kind: 'sent', record };
		if (!record) {
			const found = await findByMark(client, planned.ref, planned.key, planned.itemIndex).catch(
				() => undefined,
			);
			if (found) return { kind: 'sent', record: found };
			failedAt = Date.now();
			continue;
		}
		const again = await client.requestOutcome({
			method: 'POST',
			path: `${planned.messagePath}/send`,
			headers: IMMUTABLE_ID_HEADERS,
			mailbox: planned.ref.mailbox,
			idempotent: false,
			itemIndex: planned.itemIndex,
		});
		if ('response' in again) return { kind: 'sent' };
		failedAt = Date.now();
	}
	return undefined;
}

/** Steps 2 and 3: stamp the send key (and recipients), then send. */
async function stampAndSend(
	ctx: IExecuteFunctions,
	client: GraphClient,
	plans: Planned[],
	outcomes: Map<number, Outcome>,
): Promise<void> {
	const stamped = await batchPerMailbox(
		client,
		plans.map((planned) => ({
			itemIndex: planned.itemIndex,
			mailbox: planned.ref.mailbox,
			request: {
				method: 'PATCH',
				url: planned.messagePath,
				body: markBody(planned.key, planned.recipients),
				headers: { ...IMMUTABLE_ID_HEADERS },
				idempotent: true,
			},
		})),
	);
	const ready = plans.filter((planned) => {
		const answer = stamped.get(planned.itemIndex);
		if (succeeded(answer)) return true;
		outcomes.set(planned.itemIndex, {
			kind: 'error',
			error: withSentence(itemFailure(ctx, answer, planned.itemIndex), 'The draft was not sent.'),
		});
		return false;
	});
	const sent = await batchPerMailbox(
		client,
		ready.map((planned) => ({
			itemIndex: planned.itemIndex,
			mailbox: planned.ref.mailbox,
			request: {
				method: 'POST',
				url: `${planned.messagePath}/send`,
				body: {},
				headers: { ...IMMUTABLE_ID_HEADERS },
				idempotent: false,
			},
		})),
	);
	const uncertain: typeof ready = [];
	for (const planned of ready) {
		const answer = sent.get(planned.itemIndex);
		if (succeeded(answer)) outcomes.set(planned.itemIndex, { kind: 'sent' });
		else if (answer?.kind === 'uncertain' || (statusOf(answer) ?? 0) >= 500)
			uncertain.push(planned);
		else
			outcomes.set(planned.itemIndex, {
				kind: 'error',
				error: itemFailure(ctx, answer, planned.itemIndex),
			});
	}
	// Lost answers are looked up together (each waits for the service to settle), not one after the other.
	await Promise.all(
		uncertain.map(async (planned) => {
			const recovered = await recover(client, planned);
			outcomes.set(
				planned.itemIndex,
				recovered ?? {
					kind: 'error',
					error: withSentence(
						itemFailure(
							ctx,
							sent.get(planned.itemIndex),
							planned.itemIndex,
							'No definite answer to sending the draft',
						),
						'It may have been sent: running the node again in this execution finds out and does not send it twice.',
					),
				},
			);
		}),
	);
}

function outputOf(planned: Planned, outcome: Outcome): IDataObject {
	const record = outcome.kind === 'error' ? undefined : outcome.record;
	const base: IDataObject = {
		draftId: planned.draftId,
		mailbox: planned.ref.mailbox,
		...(record?.id && record.id !== planned.draftId ? { messageId: record.id } : {}),
		...(record?.internetMessageId ? { internetMessageId: record.internetMessageId } : {}),
		...(planned.recipients ? { recipients: planned.recipients } : {}),
	};
	if (outcome.kind === 'skipped')
		return {
			status: 'skipped',
			alreadySent: true,
			...base,
			...(outcome.record.sentDateTime ? { sentDateTime: outcome.record.sentDateTime } : {}),
			skippedBecause:
				'This execution already sent this draft, before a retry; it was not sent again',
		};
	return { status: 'sent', alreadySent: false, ...base };
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	client: GraphClient,
): Promise<INodeExecutionData[]> {
	const continueOnFail = this.continueOnFail();
	const run = runIdentity(this).run;
	const planned = items.map((_item, itemIndex) => plan(this, itemIndex, run));
	const firstInvalid = planned.find(
		(entry): entry is NodeOperationError => entry instanceof NodeOperationError,
	);
	if (firstInvalid && !continueOnFail) throw withSentence(firstInvalid, 'Nothing was sent.');
	const valid = planned.filter((entry): entry is Planned => !(entry instanceof NodeOperationError));

	const outcomes = new Map<number, Outcome>();
	const toSend = await check(this, client, valid, outcomes);
	const refused = [...outcomes.entries()].filter(([, outcome]) => outcome.kind === 'error');
	if (refused.length && !continueOnFail) {
		refused.sort(([a], [b]) => a - b);
		const error = (refused[0]![1] as { error: Error & { description?: string | null } }).error;
		const others = refused.slice(1).map(([index]) => index);
		throw withSentence(
			error,
			`Nothing was sent.${others.length ? ` ${capitalised(itemList(others))} cannot be sent either.` : ''}`,
		);
	}
	await stampAndSend(this, client, toSend, outcomes);

	if (!continueOnFail) {
		// Stopping at a failure: say which drafts went out before it (a retry skips them).
		const failed = [...outcomes.entries()].filter(([, outcome]) => outcome.kind === 'error');
		const sent = [...outcomes.entries()]
			.filter(([, outcome]) => outcome.kind === 'sent')
			.map(([itemIndex]) => itemIndex)
			.sort((x, y) => x - y);
		if (failed.length) {
			failed.sort(([x], [y]) => x - y);
			const error = (failed[0]![1] as { error: Error & { description?: string | null } }).error;
			throw sent.length
				? withSentence(
						error,
						`${capitalised(itemList(sent))} ${sent.length > 1 ? 'were' : 'was'} sent before this error; retrying this execution does not send ${sent.length > 1 ? 'them' : 'it'} again.`,
					)
				: error;
		}
	}
	const output: INodeExecutionData[] = [];
	const skipped: number[] = [];
	for (const [itemIndex, entry] of planned.entries()) {
		if (entry instanceof NodeOperationError) {
			output.push(errorItemOrThrow(this, entry, itemIndex));
			continue;
		}
		const outcome = outcomes.get(itemIndex);
		if (!outcome || outcome.kind === 'error') {
			output.push(
				errorItemOrThrow(this, outcome?.error ?? new Error('The draft was not sent'), itemIndex),
			);
			continue;
		}
		if (outcome.kind === 'skipped') skipped.push(itemIndex);
		output.push({ json: outputOf(entry, outcome), pairedItem: { item: itemIndex } });
	}
	if (skipped.length)
		this.addExecutionHints({
			type: 'warning',
			location: 'outputPane',
			message: `${skipped.length} ${skipped.length === 1 ? 'draft was' : 'drafts were'} not sent again (${itemList(skipped)}): this execution had already sent ${skipped.length === 1 ? 'it' : 'them'} before the retry. Their items have status "skipped".`,
		});
	return output;
}

/**
 * Message > Reply, Reply All, Forward. Every item is validated and planned first (the message,
 * recipients, attachments and their sizes); only then is anything sent. Replies without
 * attachments are one request each, `POST .../messages/{id}/reply|replyAll|forward`, sent as
 * `$batch` sub-requests per mailbox; the others go through a reply draft (createReply...), with
 * Send's attachment machinery, then are sent or kept (Save as Draft). Don't Resend on Retry works
 * as in Send, with the key carried in the reply (replyKey.ts). Results in input order.
 */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { capitalised, itemList } from '../../../helpers/itemText';
import { withSentence } from '../../../helpers/nodeError';
import type { GraphClient } from '../../../transport/graphClient';
import { errorItemOrThrow } from '../../itemErrors';
import type { Operation } from '../../operation';
import { sendAll, type SendOutcome } from '../send/batchPath';
import { attachmentsOutput, clientOptions, RECOVERY } from '../send/operation';
import { runIdentity } from '../send/runIdentity';
import { explainRespondError } from './errors';
import { respondFields, type RespondKind } from './fields';
import { prepareRespond, type PreparedRespond } from './prepare';
import { respondRoute } from './route';

/** As Send: wait this long after a lost answer before looking for the reply, and look at most this often. */

const NOUN = { reply: 'reply', replyAll: 'reply', forward: 'forward' } as const;
const NOUNS = { reply: 'replies', replyAll: 'replies', forward: 'forwards' } as const;

function summary(prepared: PreparedRespond): IDataObject {
	const { plan, kind, original } = prepared;
	return {
		operation: kind,
		mailbox: plan.mailbox,
		originalMessageId: original.id,
		addedRecipients: { ...plan.recipients },
		attachments: attachmentsOutput(plan),
	};
}

/** The item's output for what happened (errors are handled by the caller). */
function outputFor(prepared: PreparedRespond, outcome: SendOutcome): IDataObject | undefined {
	const exactlyOnce = prepared.sendKey !== undefined ? { alreadySent: false } : {};
	const noun = NOUN[prepared.kind];
	if (outcome.kind === 'sent') {
		const { messageId, webLink, conversationId, internetMessageId } = outcome.details;
		if (prepared.saveAsDraft)
			return {
				status: 'draftSaved',
				...summary(prepared),
				draftId: messageId,
				webLink,
				conversationId,
				...exactlyOnce,
			};
		return {
			status: 'sent',
			...summary(prepared),
			...(messageId ? { messageId } : {}),
			...(internetMessageId ? { internetMessageId } : {}),
			...(conversationId ? { conversationId } : {}),
			...(webLink ? { webLink } : {}),
			...exactlyOnce,
		};
	}
	if (outcome.kind === 'alreadySent') {
		const { found } = outcome;
		const when = found.sentDateTime ? ` at ${found.sentDateTime}` : '';
		return {
			status: 'skipped',
			skippedBecause: prepared.saveAsDraft
				? `This execution already saved this ${noun} as a draft before a retry; no second draft was made`
				: `This execution already sent this ${noun}${when}, before a retry; it was not sent again`,
			...summary(prepared),
			...(prepared.saveAsDraft ? { draftId: found.id } : { messageId: found.id }),
			...(found.sentDateTime ? { sentDateTime: found.sentDateTime } : {}),
			alreadySent: true,
		};
	}
	return undefined;
}

async function execute(
	ctx: IExecuteFunctions,
	kind: RespondKind,
	items: INodeExecutionData[],
	client: GraphClient,
): Promise<INodeExecutionData[]> {
	const continueOnFail = ctx.continueOnFail();
	// 1. Validate and plan every item; nothing is sent yet.
	const run = runIdentity(ctx);
	const prepared: Array<PreparedRespond | NodeOperationError> = [];
	for (const [itemIndex, item] of items.entries())
		prepared.push(await prepareRespond(ctx, kind, item, itemIndex, run));
	const invalid = prepared.flatMap((entry, itemIndex) =>
		entry instanceof NodeOperationError ? [itemIndex] : [],
	);
	const first = prepared.find(
		(entry): entry is NodeOperationError => entry instanceof NodeOperationError,
	);
	if (first && !continueOnFail) {
		const others = invalid.slice(1);
		throw withSentence(
			first,
			`Nothing was sent.${others.length ? ` ${capitalised(itemList(others))} ${others.length > 1 ? 'have' : 'has'} problems too.` : ''}`,
		);
	}

	// 2. Send the valid items: per mailbox, in `$batch`es or through drafts, each once.
	const valid = prepared.filter(
		(entry): entry is PreparedRespond => !(entry instanceof NodeOperationError),
	);
	const outcomes = valid.length
		? await sendAll(ctx, client, valid, {
				continueOnFail,
				recovery: RECOVERY,
				route: respondRoute(ctx, client),
			})
		: new Map<number, SendOutcome>();

	// 3. Results in input order.
	const output: INodeExecutionData[] = [];
	const done: number[] = [];
	const skipped: number[] = [];
	let firstError: ReturnType<typeof explainRespondError> | undefined;
	for (const [itemIndex, entry] of prepared.entries()) {
		if (entry instanceof NodeOperationError) {
			output.push(errorItemOrThrow(ctx, entry, itemIndex));
			continue;
		}
		const outcome = outcomes.get(itemIndex) ?? { kind: 'notSent' };
		const json = outputFor(entry, outcome);
		if (json) {
			(outcome.kind === 'alreadySent' ? skipped : done).push(itemIndex);
			output.push({ json, pairedItem: { item: itemIndex } });
		} else if (outcome.kind === 'error') {
			const error = explainRespondError(ctx, outcome.error, entry);
			if (continueOnFail) output.push(errorItemOrThrow(ctx, error, itemIndex));
			else firstError ??= error;
		}
	}
	if (firstError) {
		if (done.length)
			withSentence(
				firstError,
				`${capitalised(itemList(done))} ${done.length > 1 ? 'were' : 'was'} sent or saved before this error; ${
					done.every((itemIndex) => (prepared[itemIndex] as PreparedRespond).sendKey)
						? `retrying this execution does not send ${done.length > 1 ? 'them' : 'it'} again`
						: `retrying sends ${done.length > 1 ? 'them' : 'it'} again (Don't Resend on Retry is off)`
				}.`,
			);
		throw firstError;
	}
	if (skipped.length)
		ctx.addExecutionHints({
			type: 'warning',
			location: 'outputPane',
			message: `${skipped.length} ${skipped.length === 1 ? `${NOUN[kind]} was` : `${NOUNS[kind]} were`} not sent again (${itemList(skipped)}): this execution had already done ${skipped.length === 1 ? 'it' : 'them'} before the retry. Their items have status "skipped".`,
		});
	return output;
}

function respondOperation(kind: RespondKind): Operation {
	return {
		properties: respondFields(kind),
		clientOptions,
		async execute(this: IExecuteFunctions, items, client) {
			return await execute(this, kind, items, client);
		},
	};
}

export const reply = respondOperation('reply');
export const replyAll = respondOperation('replyAll');
export const forward = respondOperation('forward');

/**
 * Before Update, Delete and Send change anything: each item's draft is read (one `$batch` per
 * mailbox) to know whether it exists and is still a draft (a sent or received message is not
 * changed through the Draft resource).
 */
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { itemMessage } from '../../helpers/itemText';
import type { MailboxRef } from '../../read/mailbox';
import type { BatchSubResult } from '../../transport/batch';
import type { GraphClient } from '../../transport/graphClient';
import { batchPerMailbox, failureOf, succeeded } from '../batchPerMailbox';
import { draftReadRequest, recordOf, type DraftRecord } from './draftState';

export interface DraftTarget {
	itemIndex: number;
	ref: MailboxRef;
	draftId: string;
	messagePath: string;
}

export interface DraftRead {
	/** The message, when Graph answered with it. */
	record?: DraftRecord;
	answer: BatchSubResult | undefined;
}

export async function readDrafts(
	client: GraphClient,
	targets: DraftTarget[],
): Promise<Map<number, DraftRead>> {
	const answers = await batchPerMailbox(
		client,
		targets.map((target) => ({
			itemIndex: target.itemIndex,
			mailbox: target.ref.mailbox,
			request: draftReadRequest(target.messagePath),
		})),
	);
	const out = new Map<number, DraftRead>();
	for (const target of targets) {
		const answer = answers.get(target.itemIndex);
		const record = succeeded(answer) ? recordOf(answer.body) : undefined;
		out.set(target.itemIndex, { answer, ...(record ? { record } : {}) });
	}
	return out;
}

/** "Draft 'x' is not a draft: it was sent (date) or received [item N]" */
export function notADraft(
	ctx: IExecuteFunctions,
	target: DraftTarget,
	record: DraftRecord,
	description: string,
): NodeOperationError {
	return new NodeOperationError(
		ctx.getNode(),
		itemMessage(
			`Draft '${target.draftId}' is not a draft: it was already sent${record.sentDateTime ? ` (${record.sentDateTime})` : ''} or received`,
			target.itemIndex,
		),
		{ itemIndex: target.itemIndex, description },
	);
}

/** Each target's draft, or the item's error (missing, not a draft, refused). */
export async function requireDrafts(
	ctx: IExecuteFunctions,
	client: GraphClient,
	targets: DraftTarget[],
	action: string,
): Promise<Map<number, DraftRecord | Error>> {
	const reads = await readDrafts(client, targets);
	const out = new Map<number, DraftRecord | Error>();
	for (const target of targets) {
		const { record, answer } = reads.get(target.itemIndex)!;
		out.set(
			target.itemIndex,
			record?.isDraft
				? record
				: record
					? notADraft(
							ctx,
							target,
							record,
							`It was not ${action}. Use the Message resource for sent and received mail.`,
						)
					: failureOf(
							ctx,
							answer,
							target.itemIndex,
							`Draft '${target.draftId}' was not found`,
							`Nothing was ${action}. It may have been sent or deleted.`,
						),
		);
	}
	return out;
}

/**
 * Before Update and Delete change anything: each item's draft must exist and still be a draft (a
 * sent or received message is not changed through the Draft resource). One `$batch` read per mailbox.
 */
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { itemMessage } from '../../helpers/itemText';
import type { MailboxRef } from '../../read/mailbox';
import type { GraphClient } from '../../transport/graphClient';
import { batchPerMailbox, itemFailure, succeeded, statusOf } from '../batchPerMailbox';
import { draftReadRequest, recordOf, type DraftRecord } from './draftState';

export interface DraftTarget {
	itemIndex: number;
	ref: MailboxRef;
	draftId: string;
	messagePath: string;
}

export async function requireDrafts(
	ctx: IExecuteFunctions,
	client: GraphClient,
	targets: DraftTarget[],
	action: string,
): Promise<Map<number, DraftRecord | Error>> {
	const answers = await batchPerMailbox(
		client,
		targets.map((target) => ({
			itemIndex: target.itemIndex,
			mailbox: target.ref.mailbox,
			request: draftReadRequest(target.messagePath),
		})),
	);
	const out = new Map<number, DraftRecord | Error>();
	for (const target of targets) {
		const answer = answers.get(target.itemIndex);
		const record = succeeded(answer) ? recordOf(answer.body) : undefined;
		if (record?.isDraft) out.set(target.itemIndex, record);
		else if (record)
			out.set(
				target.itemIndex,
				new NodeOperationError(
					ctx.getNode(),
					itemMessage(
						`Draft '${target.draftId}' is not a draft: it was sent${record.sentDateTime ? ` (${record.sentDateTime})` : ''} or received`,
						target.itemIndex,
					),
					{
						itemIndex: target.itemIndex,
						description: `It was not ${action}. Use the Message resource for sent and received mail.`,
					},
				),
			);
		else if (statusOf(answer) === 404)
			out.set(
				target.itemIndex,
				itemFailure(
					ctx,
					answer,
					target.itemIndex,
					`Draft '${target.draftId}' was not found`,
					`Nothing was ${action}. It may have been sent or deleted.`,
				),
			);
		else out.set(target.itemIndex, itemFailure(ctx, answer, target.itemIndex));
	}
	return out;
}

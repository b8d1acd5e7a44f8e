/** Attachment > Delete: by `$batch` per mailbox. */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { GraphClient } from '../../transport/graphClient';
import { batchPerMailbox, failureOf, type ItemRequest, succeeded } from '../batchPerMailbox';
import { errorItemOrThrow } from '../itemErrors';
import { stopAtFirstProblem } from '../itemResults';
import { attachmentLocator, attachmentOf, messageFields, messageTargetOf } from './fields';

export const properties: INodeProperties[] = [...messageFields, attachmentLocator];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	client: GraphClient,
): Promise<INodeExecutionData[]> {
	const problems = new Map<number, Error>();
	const requests: Array<ItemRequest & { messageId: string; attachmentId: string }> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const message = messageTargetOf(this, itemIndex);
			const attachment = attachmentOf(this, itemIndex, message);
			requests.push({
				itemIndex,
				mailbox: message.ref.mailbox,
				messageId: message.messageId,
				attachmentId: attachment.id,
				request: { method: 'DELETE', url: attachment.path, idempotent: true },
			});
		} catch (error) {
			problems.set(itemIndex, error as Error);
		}
	}
	// A bad item stops the node before anything is deleted (unless Continue On Fail).
	stopAtFirstProblem(this, [...problems.values()], 'No attachment was deleted.');
	const answers = await batchPerMailbox(client, requests);
	const byItem = new Map(requests.map((entry) => [entry.itemIndex, entry]));
	return items.map((_item, itemIndex) => {
		const request = byItem.get(itemIndex);
		const answer = answers.get(itemIndex);
		if (request && succeeded(answer))
			return {
				json: {
					status: 'deleted',
					messageId: request.messageId,
					attachmentId: request.attachmentId,
				},
				pairedItem: { item: itemIndex },
			};
		const error =
			problems.get(itemIndex) ??
			failureOf(
				this,
				answer,
				itemIndex,
				`Attachment '${request?.attachmentId}' of message '${request?.messageId}' was not found`,
			);
		return errorItemOrThrow(this, error, itemIndex);
	});
}

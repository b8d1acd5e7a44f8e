/** Attachment > Get Many: the attachments of each item's message, metadata only, one item each. */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { getAllFields } from '../../read/fields';
import type { GraphClient } from '../../transport/graphClient';
import { collect } from '../../transport/paging';
import { errorItemOrThrow } from '../itemErrors';
import { messageFields, messageTargetOf } from './fields';
import { ATTACHMENT_SELECT, attachmentOutput } from './metadata';

export const properties: INodeProperties[] = [
	...messageFields,
	// Return All and Limit, as Message > Get Many has them.
	...getAllFields.filter((field) => ['returnAll', 'limit'].includes(field.name)),
];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	client: GraphClient,
): Promise<INodeExecutionData[]> {
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const message = messageTargetOf(this, itemIndex);
			const returnAll = this.getNodeParameter('returnAll', itemIndex, false) === true;
			const limit = returnAll
				? undefined
				: Math.max(1, Math.floor(Number(this.getNodeParameter('limit', itemIndex, 50))));
			const attachments = await collect<IDataObject>(
				client,
				{
					path: `${message.messagePath}/attachments`,
					qs: { $select: ATTACHMENT_SELECT },
					mailbox: message.ref.mailbox,
					itemIndex,
				},
				{ limit, sendTop: false },
			);
			for (const attachment of attachments)
				output.push({
					json: attachmentOutput(attachment, message.messageId),
					pairedItem: { item: itemIndex },
				});
		} catch (error) {
			output.push(errorItemOrThrow(this, error, itemIndex));
		}
	}
	return output;
}

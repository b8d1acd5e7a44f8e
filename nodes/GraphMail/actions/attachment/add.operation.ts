/**
 * Attachment > Add: files from the item's binary data to a message or draft, any size (upload
 * sessions from 3 MB, read range by range), inline images with their Content ID. Every item is
 * checked before anything is uploaded; a few items upload at once, within the mailbox's limit.
 */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { resolveAttachments, type ResolvedAttachment } from '../../binary/binaryAttachments';
import { itemMessage } from '../../helpers/itemText';
import type { GraphClient } from '../../transport/graphClient';
import { checkThenSettle } from '../itemResults';
import { attachmentRowsOf, problemsError } from '../message/send/prepare';
import { addFiles, addProblems, ITEMS_UPLOADING_AT_ONCE } from './addFiles';
import { filesField, messageFields, messageTargetOf, type MessageTarget } from './fields';

export const properties: INodeProperties[] = [
	...messageFields,
	filesField(
		'Files',
		'Files from binary fields of the input item, of any size up to 150 MB in all. Files of 3 MB or more are uploaded in 4 MB pieces.',
	),
];

interface Ready {
	itemIndex: number;
	message: MessageTarget;
	files: ResolvedAttachment[];
}

async function prepare(
	ctx: IExecuteFunctions,
	item: INodeExecutionData,
	itemIndex: number,
): Promise<Ready | Error> {
	try {
		const message = messageTargetOf(ctx, itemIndex);
		const rows = attachmentRowsOf(ctx.getNodeParameter('attachments', itemIndex, {}));
		const { attachments, problems } = await resolveAttachments(ctx, item, rows);
		problems.push(...addProblems(attachments));
		if (!problems.length && !attachments.length)
			problems.push({
				field: 'Files',
				message: 'no file to add',
				hint: 'Add a row under Files naming a binary field of the input item (e.g. data)',
			});
		if (problems.length) return problemsError(ctx, itemIndex, problems);
		return { itemIndex, message, files: attachments };
	} catch (error) {
		return error instanceof Error
			? error
			: new NodeOperationError(ctx.getNode(), itemMessage(String(error), itemIndex), { itemIndex });
	}
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	client: GraphClient,
): Promise<INodeExecutionData[]> {
	return await checkThenSettle(
		this,
		items,
		'Nothing was added.',
		async (item, itemIndex): Promise<Ready | Error> => await prepare(this, item, itemIndex),
		ITEMS_UPLOADING_AT_ONCE,
		async (entry) => {
			const { message, itemIndex } = entry;
			const added = await addFiles(
				this,
				client,
				{ mailbox: message.ref.mailbox, messagePath: message.messagePath, itemIndex },
				entry.files,
			);
			return {
				status: 'added',
				messageId: message.messageId,
				attachments: added as unknown as IDataObject[],
			};
		},
	);
}

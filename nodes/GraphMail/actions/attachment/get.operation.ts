/**
 * Attachment > Get (metadata, optionally the content) and Attachment > Download (the content as
 * binary data). Metadata by `$batch` per mailbox; downloads streamed, two at a time.
 */
import type {
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { mapLimited } from '../../helpers/concurrency';
import { textOf } from '../../helpers/valueText';
import type { GraphClient } from '../../transport/graphClient';
import { batchPerMailbox, failureOf, type ItemRequest, succeeded } from '../batchPerMailbox';
import { errorItemOrThrow } from '../itemErrors';
import { downloadAttachment } from './download';
import { attachmentLocator, attachmentOf, messageFields, messageTargetOf } from './fields';
import { ATTACHMENT_SELECT, attachmentOutput } from './metadata';

/** Downloads running at once (each streams; the mailbox's limit holds across the node). */
const DOWNLOADS_AT_ONCE = 2;

const binaryPropertyField: INodeProperties = {
	displayName: 'Put Output File in Field',
	name: 'binaryPropertyName',
	type: 'string',
	default: 'data',
	required: true,
	hint: 'The name of the output binary field to put the file in',
};

export const getProperties: INodeProperties[] = [
	...messageFields,
	attachmentLocator,
	{
		displayName: 'Download',
		name: 'download',
		type: 'boolean',
		default: false,
		description: 'Whether to download the content too, into a binary field',
	},
	{ ...binaryPropertyField, displayOptions: { show: { download: [true] } } },
];

export const downloadProperties: INodeProperties[] = [
	...messageFields,
	attachmentLocator,
	binaryPropertyField,
];

interface Target {
	itemIndex: number;
	mailbox: string;
	messageId: string;
	attachmentId: string;
	path: string;
	download?: string;
}

async function run(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	client: GraphClient,
	alwaysDownload: boolean,
): Promise<INodeExecutionData[]> {
	const problems = new Map<number, Error>();
	const targets: Target[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const message = messageTargetOf(ctx, itemIndex);
			const attachment = attachmentOf(ctx, itemIndex, message);
			const download =
				alwaysDownload || ctx.getNodeParameter('download', itemIndex, false) === true;
			targets.push({
				itemIndex,
				mailbox: message.ref.mailbox,
				messageId: message.messageId,
				attachmentId: attachment.id,
				path: attachment.path,
				...(download
					? {
							download:
								textOf(ctx.getNodeParameter('binaryPropertyName', itemIndex, 'data')).trim() ||
								'data',
						}
					: {}),
			});
		} catch (error) {
			problems.set(itemIndex, error as Error);
		}
	}
	const requests: ItemRequest[] = targets.map((target) => ({
		itemIndex: target.itemIndex,
		mailbox: target.mailbox,
		request: {
			method: 'GET',
			url: `${target.path}?$select=${ATTACHMENT_SELECT}`,
			idempotent: true,
		},
	}));
	const answers = await batchPerMailbox(client, requests);
	const results = await mapLimited(targets, DOWNLOADS_AT_ONCE, async (target) => {
		const answer = answers.get(target.itemIndex);
		if (!succeeded(answer))
			return failureOf(
				ctx,
				answer,
				target.itemIndex,
				`Attachment '${target.attachmentId}' of message '${target.messageId}' was not found`,
			);
		const metadata = answer.body as IDataObject;
		const json = attachmentOutput(metadata, target.messageId);
		if (!target.download) return { json };
		try {
			const binary: IBinaryData = await downloadAttachment(
				ctx,
				client,
				{ mailbox: target.mailbox, path: target.path, itemIndex: target.itemIndex },
				metadata,
			);
			return {
				json: { ...json, fileName: binary.fileName ?? null },
				binary: { [target.download]: binary },
			};
		} catch (error) {
			return error as Error;
		}
	});
	const byItem = new Map(targets.map((target, i) => [target.itemIndex, results[i]]));
	return items.map((_item, itemIndex) => {
		const result = problems.get(itemIndex) ?? byItem.get(itemIndex);
		return !result || result instanceof Error
			? errorItemOrThrow(ctx, result ?? new Error('Not read'), itemIndex)
			: { ...result, pairedItem: { item: itemIndex } };
	});
}

export async function getAttachments(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	client: GraphClient,
): Promise<INodeExecutionData[]> {
	return await run(this, items, client, false);
}

export async function downloadAttachments(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	client: GraphClient,
): Promise<INodeExecutionData[]> {
	return await run(this, items, client, true);
}

import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import type { GraphClient } from '../../transport/graphClient';
import { errorItemOrThrow, itemMessage } from '../itemErrors';
import {
	downloadAttachments,
	Gate,
	mailboxOf,
	mayHaveAttachments,
	outputPlan,
	preferBodyFormat,
	shapeMessage,
	type AttachmentOptions,
	type OutputMode,
} from './getAll.common';
import { attachmentAndBodyOptions, mailboxFields, outputFields } from './getAll.fields';

export const properties: INodeProperties[] = [
	...mailboxFields,
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. AAMkAGI2THVSAAA=',
		description: 'The ID of the message, e.g. from Get Many or the trigger',
	},
	...outputFields,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: attachmentAndBodyOptions,
	},
];

/** Get: one message by ID per input item, in the chosen output, optionally with its attachments. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	client: GraphClient,
): Promise<INodeExecutionData[]> {
	const output: INodeExecutionData[] = [];
	const largeGate = new Gate();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const ref = mailboxOf(this, itemIndex);
			const messageId = String(this.getNodeParameter('messageId', itemIndex, '') ?? '').trim();
			if (messageId === '') {
				throw new NodeOperationError(this.getNode(), itemMessage('No message ID is set', itemIndex), {
					itemIndex,
					description: 'Enter the ID of the message, e.g. {{ $json.id }} after Get Many',
				});
			}
			const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
			const attachments: AttachmentOptions | undefined =
				options.downloadAttachments === true
					? { prefix: String(options.attachmentPrefix ?? 'attachment_'), skipInline: options.skipInline !== false }
					: undefined;
			const mode = this.getNodeParameter('output', itemIndex, 'simple') as OutputMode;
			const fields = mode === 'fields' ? (this.getNodeParameter('fields', itemIndex, []) as string[]) : [];
			const plan = outputPlan(mode, fields, attachments?.skipInline === true);
			const { body: message } = await client.request<IDataObject>({
				method: 'GET',
				path: `${ref.base}/messages/${encodeURIComponent(messageId)}`,
				qs: plan.select ? { $select: plan.select.join(',') } : undefined,
				headers: preferBodyFormat(String(options.bodyFormat ?? 'html')),
				mailbox: ref.mailbox,
				itemIndex,
			});
			const binary =
				attachments && mayHaveAttachments(message, attachments)
					? await downloadAttachments(this, client, { ref, messageId, itemIndex }, attachments, largeGate)
					: undefined;
			output.push({
				json: shapeMessage(plan, message),
				...(binary ? { binary } : {}),
				pairedItem: { item: itemIndex },
			});
		} catch (error) {
			output.push(errorItemOrThrow(this, error, itemIndex));
		}
	}
	return output;
}

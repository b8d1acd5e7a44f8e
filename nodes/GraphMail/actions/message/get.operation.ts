import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { messageIdFromLink, MESSAGE_LINK_REGEX } from '../../helpers/messageLink';
import { idSegment } from '../../helpers/pathSegment';
import type { GraphClient } from '../../transport/graphClient';
import { itemMessage } from '../../helpers/itemText';
import { errorItemOrThrow } from '../itemErrors';
import { downloadAttachments, largeDownloadGate, mayHaveAttachments, type AttachmentOptions } from '../../read/attachments';
import { mailboxOf } from '../../read/mailbox';
import { outputPlan, preferBodyFormat, shapeMessage, type OutputMode } from '../../read/output';
import { attachmentAndBodyOptions, mailboxFields, outputFields } from '../../read/fields';

export const properties: INodeProperties[] = [
	...mailboxFields,
	{
		displayName: 'Message',
		name: 'messageId',
		type: 'resourceLocator',
		required: true,
		default: { mode: 'list', value: '' },
		description: 'The message to get: pick a recent one, enter its ID (e.g. from Get Many or the trigger), or paste its Outlook on the web link',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a message...',
				typeOptions: { searchListMethod: 'searchMessages', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. AAMkAGI2THVSAAA=',
			},
			{
				displayName: 'By URL',
				name: 'url',
				type: 'string',
				placeholder: 'e.g. https://outlook.office365.com/owa/?ItemID=AAMkAGI2THVSAAA%3D',
				hint: 'A link to the message in Outlook on the web',
				validation: [
					{
						type: 'regex',
						properties: { regex: `.*${MESSAGE_LINK_REGEX}.*`, errorMessage: 'Not an Outlook on the web link to a message' },
					},
				],
			},
		],
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

/** The message id from the locator (From List, By ID, By URL), or from a plain string. */
function messageIdOf(parameter: unknown): string {
	if (parameter && typeof parameter === 'object') {
		const { mode, value } = parameter as { mode?: string; value?: unknown };
		const text = String(value ?? '').trim();
		return mode === 'url' ? (messageIdFromLink(text) ?? '') : text;
	}
	return String(parameter ?? '').trim();
}

/** Get: one message by ID per input item, in the chosen output, optionally with its attachments. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	client: GraphClient,
): Promise<INodeExecutionData[]> {
	const output: INodeExecutionData[] = [];
	const largeGate = largeDownloadGate();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const ref = mailboxOf(this, itemIndex);
			const messageId = messageIdOf(this.getNodeParameter('messageId', itemIndex, ''));
			if (messageId === '') {
				throw new NodeOperationError(this.getNode(), itemMessage('No message is set', itemIndex), {
					itemIndex,
					description: 'Pick a message from the list, enter its ID (e.g. {{ $json.id }} after Get Many), or paste its Outlook on the web link.',
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
				path: `${ref.base}/messages/${idSegment(this.getNode(), messageId, 'Message ID', itemIndex)}`,
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

import {
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { messageLocator, messageOf } from '../../read/messageLocator';
import type { GraphClient } from '../../transport/graphClient';
import { errorItemOrThrow } from '../itemErrors';
import {
	downloadAttachments,
	largeDownloadGate,
	mayHaveAttachments,
	type AttachmentOptions,
} from '../../read/attachments';
import { mailboxOf } from '../../read/mailbox';
import { outputPlan, preferBodyFormat, shapeMessage, type OutputMode } from '../../read/output';
import { attachmentAndBodyOptions, mailboxFields, outputFields } from '../../read/fields';
import { textOf } from '../../helpers/valueText';

export const properties: INodeProperties[] = [
	...mailboxFields,
	messageLocator(
		'The message to get: pick a recent one, enter its ID (e.g. from Get Many or the trigger), or paste its Outlook on the web link',
	),
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
	const largeGate = largeDownloadGate();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const ref = mailboxOf(this, itemIndex);
			const target = messageOf(this, itemIndex);
			const options = this.getNodeParameter('options', itemIndex, {});
			const attachments: AttachmentOptions | undefined =
				options.downloadAttachments === true
					? {
							prefix: textOf(options.attachmentPrefix ?? 'attachment_'),
							skipInline: options.skipInline !== false,
						}
					: undefined;
			const mode = this.getNodeParameter('output', itemIndex, 'simple') as OutputMode;
			const fields =
				mode === 'fields' ? (this.getNodeParameter('fields', itemIndex, []) as string[]) : [];
			const plan = outputPlan(mode, fields, attachments?.skipInline === true);
			const { body: message } = await client.request<IDataObject>({
				method: 'GET',
				path: `${ref.base}/messages/${target.segment}`,
				qs: plan.select ? { $select: plan.select.join(',') } : undefined,
				headers: preferBodyFormat(textOf(options.bodyFormat ?? 'html')),
				mailbox: ref.mailbox,
				itemIndex,
			});
			const binary =
				attachments && mayHaveAttachments(message, attachments)
					? await downloadAttachments(
							this,
							client,
							{ ref, messageId: target.id, itemIndex },
							attachments,
							largeGate,
						)
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

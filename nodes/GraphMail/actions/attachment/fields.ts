/** The Attachment resource's pickers: the message (or draft), then one of its attachments. */
import { NodeOperationError, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { itemMessage } from '../../helpers/itemText';
import { idSegment } from '../../helpers/pathSegment';
import { textOf } from '../../helpers/valueText';
import { mailboxFields } from '../../read/fields';
import { mailboxOf, type MailboxRef } from '../../read/mailbox';
import { messageLocator, messageOf } from '../../read/messageLocator';
import { sendFields } from '../message/send/fields';

/** Send's Attachments rows (binary field, file name, inline, Content ID) as a field of its own, named `attachments`. */
export function filesField(displayName: string, description: string): INodeProperties {
	const options = sendFields.find((field) => field.name === 'options')
		?.options as INodeProperties[];
	const rows = options.find((option) => option.name === 'attachments');
	if (!rows) throw new Error('Send has no Attachments option');
	return { ...rows, displayName, name: 'attachments', description };
}

export const messageFields: INodeProperties[] = [
	...mailboxFields,
	messageLocator(
		'The message or draft the attachments belong to: pick a recent one, enter its ID (e.g. {{ $json.id }} from the trigger), or paste its Outlook on the web link',
	),
];

export const attachmentLocator: INodeProperties = {
	displayName: 'Attachment',
	name: 'attachmentId',
	type: 'resourceLocator',
	required: true,
	default: { mode: 'list', value: '' },
	description:
		'One attachment of the message: pick it from the list, or enter the ID that Get Many returns',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select an attachment...',
			typeOptions: { searchListMethod: 'searchAttachments', searchable: true },
		},
		{ displayName: 'By ID', name: 'id', type: 'string', placeholder: 'e.g. AAMkAGI2THVSAAABEgAQ=' },
	],
};

export interface MessageTarget {
	ref: MailboxRef;
	messageId: string;
	/** `/me/messages/{id}` */
	messagePath: string;
}

export function messageTargetOf(ctx: IExecuteFunctions, itemIndex: number): MessageTarget {
	const ref = mailboxOf(ctx, itemIndex);
	const target = messageOf(ctx, itemIndex);
	return { ref, messageId: target.id, messagePath: `${ref.base}/messages/${target.segment}` };
}

/** The attachment's id and its path under the message; an empty id is an item error. */
export function attachmentOf(
	ctx: IExecuteFunctions,
	itemIndex: number,
	message: MessageTarget,
): { id: string; path: string } {
	const parameter = ctx.getNodeParameter('attachmentId', itemIndex, '');
	const id = textOf(
		parameter && typeof parameter === 'object'
			? (parameter as { value?: unknown }).value
			: parameter,
	).trim();
	if (id === '') {
		throw new NodeOperationError(ctx.getNode(), itemMessage('No attachment is set', itemIndex), {
			itemIndex,
			description:
				'Pick an attachment from the list, or enter its ID (e.g. {{ $json.id }} after Attachment > Get Many).',
		});
	}
	return {
		id,
		path: `${message.messagePath}/attachments/${idSegment(ctx.getNode(), id, 'Attachment ID', itemIndex)}`,
	};
}

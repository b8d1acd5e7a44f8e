import { NodeOperationError, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { itemMessage } from '../helpers/itemText';
import { messageIdFromLink, MESSAGE_LINK_REGEX } from '../helpers/messageLink';
import { idSegment } from '../helpers/pathSegment';
import { textOf } from '../helpers/valueText';

/**
 * The message picker every message operation shares: From List (recent messages, searchable),
 * By ID, By URL (Outlook on the web link or Graph's webLink).
 */
export function messageLocator(description: string, name = 'messageId'): INodeProperties {
	return {
		displayName: 'Message',
		name,
		type: 'resourceLocator',
		required: true,
		default: { mode: 'list', value: '' },
		description,
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
						properties: {
							regex: `.*${MESSAGE_LINK_REGEX}.*`,
							errorMessage: 'Not an Outlook on the web link to a message',
						},
					},
				],
			},
		],
	};
}

/** The message id from the locator (From List, By ID, By URL), or from a plain string. */
export function messageIdOf(parameter: unknown): string {
	if (parameter && typeof parameter === 'object') {
		const { mode, value } = parameter as { mode?: string; value?: unknown };
		const text = textOf(value).trim();
		return mode === 'url' ? (messageIdFromLink(text) ?? '') : text;
	}
	return textOf(parameter).trim();
}

/**
 * The item's message id, and the same as one checked, encoded URL segment; a missing or malformed
 * id is an item error naming the item and the field, before any request.
 */
export function messageOf(
	ctx: IExecuteFunctions,
	itemIndex: number,
	name = 'messageId',
): { id: string; segment: string } {
	const messageId = messageIdOf(ctx.getNodeParameter(name, itemIndex, ''));
	if (messageId === '') {
		throw new NodeOperationError(ctx.getNode(), itemMessage('No message is set', itemIndex), {
			itemIndex,
			description:
				'Pick a message from the list, enter its ID (e.g. {{ $json.id }} after Get Many), or paste its Outlook on the web link.',
		});
	}
	return { id: messageId, segment: idSegment(ctx.getNode(), messageId, 'Message ID', itemIndex) };
}

import { NodeOperationError, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { itemMessage } from '../helpers/itemText';
import { messageIdFromLink, MESSAGE_LINK_REGEX } from '../helpers/messageLink';
import { idSegment } from '../helpers/pathSegment';
import { textOf } from '../helpers/valueText';

/** What a picker built on the message picker lists (the draft picker lists drafts). */
export interface MessagePickerKind {
	displayName: string;
	/** The node's list search method for From List. */
	searchListMethod: string;
	placeholder: string;
}

const MESSAGE_PICKER: MessagePickerKind = {
	displayName: 'Message',
	searchListMethod: 'searchMessages',
	placeholder: 'Select a message...',
};

/**
 * The message picker every message operation shares: From List (recent messages, searchable),
 * By ID, By URL (Outlook on the web link or Graph's webLink). `kind` lists other messages (drafts).
 */
export function messageLocator(
	description: string,
	name = 'messageId',
	kind: MessagePickerKind = MESSAGE_PICKER,
): INodeProperties {
	return {
		displayName: kind.displayName,
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
				placeholder: kind.placeholder,
				typeOptions: { searchListMethod: kind.searchListMethod, searchable: true },
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
	what = 'message',
): { id: string; segment: string } {
	const messageId = messageIdOf(ctx.getNodeParameter(name, itemIndex, ''));
	if (messageId === '') {
		throw new NodeOperationError(ctx.getNode(), itemMessage(`No ${what} is set`, itemIndex), {
			itemIndex,
			description:
				'Pick a message from the list, enter its ID (e.g. {{ $json.id }} after Get Many), or paste its Outlook on the web link.',
		});
	}
	const field = `${what.charAt(0).toUpperCase()}${what.slice(1)} ID`;
	return { id: messageId, segment: idSegment(ctx.getNode(), messageId, field, itemIndex) };
}

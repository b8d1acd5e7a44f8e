/** The Draft resource's fields: Create reuses Send's, Update offers the same as optional fields. */
import type { INodeProperties } from 'n8n-workflow';

import { folderLocator } from '../../read/folderLocator';
import { messageLocator } from '../../read/messageLocator';
import { filesField } from '../attachment/fields';
import { sendFields } from '../message/send/fields';

export const draftLocator = (description: string): INodeProperties =>
	messageLocator(description, 'draftId', {
		displayName: 'Draft',
		searchListMethod: 'searchDrafts',
		placeholder: 'Select a draft...',
	});

const field = (name: string): INodeProperties => {
	const found = sendFields.find((property) => property.name === name);
	if (!found) throw new Error(`Send has no field ${name}`);
	return found;
};

const sendOptions = field('options').options as INodeProperties[];

/** Send's options that make sense on a draft (Dry Run, Return Details and Mailbox do not). */
const DRAFT_OPTION_NAMES = [
	'attachments',
	'categories',
	'customHeaders',
	'deliveryReceipt',
	'from',
	'importance',
	'readReceipt',
	'saveToSentItems',
];

const RECIPIENT_NAMES = ['toRecipients', 'ccRecipients', 'bccRecipients'];

/** Send's message fields (before its Options), by name. */
export const MESSAGE_FIELD_NAMES = [
	...RECIPIENT_NAMES,
	'replyTo',
	'subject',
	'bodyContentType',
	'bodyContent',
];

export const createFields: INodeProperties[] = [
	{
		...field('toRecipients'),
		required: false,
		description: 'Recipients, in the same form as in Send; a draft may have none yet',
	},
	field('ccRecipients'),
	field('bccRecipients'),
	field('replyTo'),
	field('subject'),
	field('bodyContentType'),
	field('bodyContent'),
	{
		...field('options'),
		options: [
			...sendOptions.filter((option) => DRAFT_OPTION_NAMES.includes(option.name)),
			{
				...folderLocator(
					'Folder',
					'folder',
					'Where to save the draft (default: Drafts); pick a folder or enter its ID or a well-known name',
				),
				required: false,
			},
		].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	},
];

/** Update: each field changes the draft only when it is added here. */
export const updateFields: INodeProperties[] = [
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description: 'Only the fields added here change; an added field left empty clears it',
		options: [
			...MESSAGE_FIELD_NAMES.map((name) => {
				const { required: _required, ...rest } = field(name);
				return rest;
			}),
			...sendOptions.filter(
				(option) =>
					DRAFT_OPTION_NAMES.includes(option.name) &&
					!['attachments', 'saveToSentItems'].includes(option.name),
			),
		].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	},
	filesField(
		'Add Attachments',
		'Files from binary fields of the input item to add to the draft, of any size. Files of 3 MB or more are uploaded in 4 MB pieces.',
	),
];

/** Send: optionally new recipients first. */
export const sendDraftFields: INodeProperties[] = [
	{
		displayName: 'Replace Recipients',
		name: 'replaceRecipients',
		type: 'boolean',
		default: false,
		description: 'Whether to set To, CC and BCC of the draft before it is sent',
	},
	...RECIPIENT_NAMES.map((name) => ({
		...field(name),
		required: false,
		description: `${field(name).description ?? ''} Replaces the draft's; empty clears them.`.trim(),
		displayOptions: { show: { replaceRecipients: [true] } },
	})),
];

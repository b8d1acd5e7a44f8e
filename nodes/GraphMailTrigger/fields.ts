import type { INodeProperties, INodePropertyMode } from 'n8n-workflow';

import { afterEmitProperties } from './afterEmit';
import {
	appOnlyMailboxProperty,
	authenticationProperty,
} from '../GraphMail/helpers/appOnlyMailbox';
import {
	attachmentAndBodyOptions,
	folderFields,
	getAllFields,
	mailboxFields,
	outputFields,
} from '../GraphMail/read/fields';

/**
 * The trigger's parameters. Mailbox, folder picking, output and attachment options are Get Many's
 * own descriptions (imported, not copied), so both nodes read and shape mail the same way.
 */

/** The Folder resource locator's modes (From List with the folder search, By ID) as Get Many has them. */
const folderModes: INodePropertyMode[] =
	folderFields.find((p) => p.name === 'folderId')?.modes ?? [];

/** Get Many's From, Has Attachments and Subject Contains filters. */
const getManyFilterOptions = (getAllFields.find((p) => p.name === 'filters')?.options ??
	[]) as INodeProperties[];
const reusedFilters = ['from', 'hasAttachments', 'subjectContains']
	.map((name) => getManyFilterOptions.find((option) => option.name === name))
	.filter((option): option is INodeProperties => option !== undefined);

export const INBOX_FOLDER = { __rl: true, mode: 'list', value: 'inbox', cachedResultName: 'Inbox' };

export const triggerProperties: INodeProperties[] = [
	authenticationProperty,
	{
		displayName: 'Trigger On',
		name: 'event',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'New Message',
				value: 'newMessage',
				description: 'A message arrives in one of the folders, or is moved into one',
			},
		],
		default: 'newMessage',
	},
	appOnlyMailboxProperty,
	...mailboxFields.map((field) =>
		field.name === 'userId'
			? { ...field, description: "The mailbox owner's user principal name or user ID" }
			: field,
	),
	{
		displayName: 'Folders',
		name: 'folders',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Folder',
		default: { folder: [{ folderId: INBOX_FOLDER }] },
		description: 'The folders to watch. Each one is polled with its own delta query.',
		options: [
			{
				displayName: 'Folder',
				name: 'folder',
				values: [
					{
						displayName: 'Folder',
						name: 'folderId',
						type: 'resourceLocator',
						required: true,
						default: { mode: 'list', value: '' },
						description: 'A folder to watch, nested ones included',
						modes: folderModes,
					},
				],
			},
		],
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		description:
			'Checked on each new message; a message that does not match is passed over for good',
		options: [
			...reusedFilters,
			{
				displayName: 'Unread Only',
				name: 'unreadOnly',
				type: 'boolean',
				default: true,
				description:
					'Whether to pass over messages that are already read when the trigger sees them',
			},
		],
	},
	...outputFields,
	...afterEmitProperties,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			...attachmentAndBodyOptions.filter((o) => o.displayName.localeCompare('Include') < 0),
			{
				displayName: 'Include Mails From Last N Minutes',
				name: 'includeMinutes',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description:
					'On the first poll (and for a folder added later), also emit messages received this many minutes before. 0 starts from now.',
			},
			...attachmentAndBodyOptions.filter((o) => o.displayName.localeCompare('Include') > 0),
		],
	},
];

import type { INodeProperties } from 'n8n-workflow';

import { IMPORTANCE_OPTIONS, READ_STATUS_OPTIONS } from '../../../helpers/optionLists';
import { mailboxFields } from '../../../read/fields';
import { messageLocator } from '../../../read/messageLocator';

/** Update's fields: the message, then only what is to change (an empty Update changes nothing). */
export const properties: INodeProperties[] = [
	...mailboxFields,
	messageLocator(
		'The message to update: pick a recent one, enter its ID (e.g. {{ $json.id }} after Get Many or the trigger), or paste its Outlook on the web link',
	),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Categories Mode',
				name: 'categoriesMode',
				type: 'options',
				options: [
					{
						name: 'Add',
						value: 'add',
						description: 'Add these to the categories the message has',
					},
					{
						name: 'Remove',
						value: 'remove',
						description: 'Remove these from the categories the message has',
					},
					{
						name: 'Replace',
						value: 'set',
						description: 'The message gets exactly these categories (none: all are removed)',
					},
				],
				default: 'add',
				description: "How Categories change the message's categories (used only with Categories)",
			},
			{
				displayName: 'Category Names or IDs',
				name: 'categories',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getMasterCategories' },
				default: [],
				description:
					'Categories from the mailbox\'s list (Outlook\'s master categories). With an expression, a list or a comma-separated text. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Flag',
				name: 'flagStatus',
				type: 'options',
				options: [
					{ name: 'Complete', value: 'complete' },
					{ name: 'Flagged', value: 'flagged' },
					{ name: 'Not Flagged', value: 'notFlagged' },
				],
				default: 'flagged',
				description: 'The follow-up flag',
			},
			{
				displayName: 'Flag Due',
				name: 'flagDue',
				type: 'dateTime',
				default: '',
				description:
					"When the follow-up is due (needs Flag Start, as Graph does). A date without a time zone is in the workflow's time zone.",
			},
			{
				displayName: 'Flag Start',
				name: 'flagStart',
				type: 'dateTime',
				default: '',
				description:
					"When the follow-up starts. A date without a time zone is in the workflow's time zone.",
			},
			{
				displayName: 'Importance',
				name: 'importance',
				type: 'options',
				options: IMPORTANCE_OPTIONS,
				default: 'normal',
			},
			{
				displayName: 'Read Status',
				name: 'readStatus',
				type: 'options',
				options: READ_STATUS_OPTIONS,
				default: 'read',
				description: 'Mark the message as read or as unread',
			},
		],
	},
];

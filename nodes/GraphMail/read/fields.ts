import type { INodeProperties } from 'n8n-workflow';

import { BODY_TYPE_OPTIONS, IMPORTANCE_OPTIONS, READ_STATUS_OPTIONS } from '../helpers/optionLists';
import { FOLDER_LOCATOR_MODES } from './folderLocator';

/** Fields shared by Get and Get Many: whose mailbox, what to output, attachments. */

export const mailboxFields: INodeProperties[] = [
	{
		displayName: 'Mailbox',
		name: 'mailbox',
		type: 'options',
		options: [
			{
				name: 'Signed-In User',
				value: 'me',
				description: 'The mailbox of the account the credential is connected to',
			},
			{
				name: 'Other User or Shared Mailbox',
				value: 'user',
				description: 'Needs Full Access to that mailbox and the Mail.ReadWrite.Shared scope',
			},
		],
		default: 'me',
		displayOptions: { show: { authentication: ['delegated'] } },
	},
	{
		displayName: 'User',
		name: 'userId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. alex@contoso.com',
		description: "The mailbox owner's user principal name or user ID; may differ from item to item",
		displayOptions: { show: { mailbox: ['user'] } },
	},
];

/** Message properties Graph can `$select` (v1.0), for the Selected Fields output. */
export const MESSAGE_FIELD_OPTIONS = [
	{ name: 'BCC Recipients', value: 'bccRecipients' },
	{ name: 'Body', value: 'body' },
	{ name: 'Body Preview', value: 'bodyPreview' },
	{ name: 'Categories', value: 'categories' },
	{ name: 'CC Recipients', value: 'ccRecipients' },
	{ name: 'Change Key', value: 'changeKey' },
	{ name: 'Conversation ID', value: 'conversationId' },
	{ name: 'Created Date Time', value: 'createdDateTime' },
	{ name: 'Flag', value: 'flag' },
	{ name: 'From', value: 'from' },
	{ name: 'Has Attachments', value: 'hasAttachments' },
	{ name: 'Importance', value: 'importance' },
	{ name: 'Inference Classification', value: 'inferenceClassification' },
	{ name: 'Internet Message Headers', value: 'internetMessageHeaders' },
	{ name: 'Internet Message ID', value: 'internetMessageId' },
	{ name: 'Is Delivery Receipt Requested', value: 'isDeliveryReceiptRequested' },
	{ name: 'Is Draft', value: 'isDraft' },
	{ name: 'Is Read', value: 'isRead' },
	{ name: 'Is Read Receipt Requested', value: 'isReadReceiptRequested' },
	{ name: 'Last Modified Date Time', value: 'lastModifiedDateTime' },
	{ name: 'Parent Folder ID', value: 'parentFolderId' },
	{ name: 'Received Date Time', value: 'receivedDateTime' },
	{ name: 'Reply To', value: 'replyTo' },
	{ name: 'Sender', value: 'sender' },
	{ name: 'Sent Date Time', value: 'sentDateTime' },
	{ name: 'Subject', value: 'subject' },
	{ name: 'To Recipients', value: 'toRecipients' },
	{ name: 'Unique Body', value: 'uniqueBody' },
	{ name: 'Web Link', value: 'webLink' },
];

export const outputFields: INodeProperties[] = [
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		options: [
			{
				name: 'Raw',
				value: 'raw',
				description: 'Every property Graph returns for a message',
			},
			{
				name: 'Selected Fields',
				value: 'fields',
				description: 'Only the properties you pick (the message ID is always included)',
			},
			{
				name: 'Simplified',
				value: 'simple',
				description:
					'ID, subject, from, to, CC, received time, read status, attachments flag, importance, preview, web link and conversation ID',
			},
		],
		default: 'simple',
	},
	{
		displayName: 'Fields',
		name: 'fields',
		type: 'multiOptions',
		options: MESSAGE_FIELD_OPTIONS,
		required: true,
		default: [],
		description: 'The message properties to return',
		displayOptions: { show: { output: ['fields'] } },
	},
];

/** Options shared by Get and Get Many (Get Many adds Sort). Sorted by display name. */
export const attachmentAndBodyOptions: INodeProperties[] = [
	{
		displayName: 'Attachment Prefix',
		name: 'attachmentPrefix',
		type: 'string',
		default: 'attachment_',
		description:
			'With Download Attachments: attachments go into binary properties named this prefix plus their index (attachment_0, attachment_1...)',
	},
	{
		displayName: 'Body Format',
		name: 'bodyFormat',
		type: 'options',
		options: BODY_TYPE_OPTIONS,
		default: 'html',
		description: 'Format of the message body in the Raw and Selected Fields outputs',
	},
	{
		displayName: 'Download Attachments',
		name: 'downloadAttachments',
		type: 'boolean',
		default: false,
		description:
			'Whether to download file attachments into binary properties, keeping their file names and MIME types',
	},
	{
		displayName: 'Skip Inline Attachments',
		name: 'skipInline',
		type: 'boolean',
		default: true,
		description:
			'Whether to leave out inline attachments (such as images in the body) when downloading attachments. Including them costs one more request per message.',
	},
];

/** Folder: the well-known folders by name, Other Folder and Whole Mailbox. */
export const folderChoice: INodeProperties = {
	displayName: 'Folder',
	name: 'folder',
	type: 'options',
	options: [
		{ name: 'Archive', value: 'archive' },
		{ name: 'Deleted Items', value: 'deleteditems' },
		{ name: 'Drafts', value: 'drafts' },
		{ name: 'Inbox', value: 'inbox' },
		{ name: 'Junk Email', value: 'junkemail' },
		{
			name: 'Other Folder',
			value: 'other',
			description: 'Pick any folder, nested ones included, or enter its path or ID',
		},
		{ name: 'Sent Items', value: 'sentitems' },
		{
			name: 'Whole Mailbox',
			value: 'all',
			description: 'Every folder, Deleted Items included',
		},
	],
	default: 'inbox',
	description: 'Well-known folders work in every mailbox language',
};

export const folderFields: INodeProperties[] = [
	folderChoice,
	{
		displayName: 'Other Folder',
		name: 'folderId',
		type: 'resourceLocator',
		required: true,
		default: { mode: 'list', value: '' },
		description: 'The folder to list',
		displayOptions: { show: { folder: ['other'] } },
		modes: FOLDER_LOCATOR_MODES,
	},
];

/** Return All and Limit, as every list operation has them. */
export const limitFields: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
];

export const getAllFields: INodeProperties[] = [
	...mailboxFields,
	...folderFields,
	...limitFields,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Custom Filter',
				name: 'customFilter',
				type: 'string',
				default: '',
				placeholder: "e.g. categories/any(c:c eq 'Blue')",
				description:
					'An OData $filter expression, passed to Graph as written and combined with the other filters by "and"',
			},
			{
				displayName: 'From',
				name: 'from',
				type: 'string',
				default: '',
				placeholder: 'e.g. alex@contoso.com',
				description: "The sender's email address",
			},
			{
				displayName: 'Has Attachments',
				name: 'hasAttachments',
				type: 'boolean',
				default: true,
				description: 'Whether the message has attachments (inline images do not count)',
			},
			{
				displayName: 'Importance',
				name: 'importance',
				type: 'options',
				options: IMPORTANCE_OPTIONS,
				default: 'high',
			},
			{
				displayName: 'Read Status',
				name: 'readStatus',
				type: 'options',
				options: READ_STATUS_OPTIONS,
				default: 'unread',
			},
			{
				displayName: 'Received After',
				name: 'receivedAfter',
				type: 'dateTime',
				default: '',
				description:
					'Messages received at or after this time. Without a time zone the workflow time zone applies.',
			},
			{
				displayName: 'Received Before',
				name: 'receivedBefore',
				type: 'dateTime',
				default: '',
				description:
					'Messages received before this time. Without a time zone the workflow time zone applies.',
			},
			{
				displayName: 'Search (KQL)',
				name: 'search',
				type: 'string',
				default: '',
				placeholder: 'e.g. from:alex subject:"quarterly report"',
				description:
					'A KQL search over sender, subject and body, newest first, at most 1,000 results. Graph does not combine search with the other filters or with Oldest First sorting.',
			},
			{
				displayName: 'Subject Contains',
				name: 'subjectContains',
				type: 'string',
				default: '',
				placeholder: 'e.g. invoice',
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
		options: [
			...attachmentAndBodyOptions,
			{
				displayName: 'Sort',
				name: 'sort',
				type: 'options',
				options: [
					{ name: 'Newest First', value: 'newest' },
					{ name: 'Oldest First', value: 'oldest' },
				],
				default: 'newest',
				description: 'Order by received time',
			},
		],
	},
];

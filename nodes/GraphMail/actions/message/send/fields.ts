import type { INodeProperties } from 'n8n-workflow';

import { BODY_TYPE_OPTIONS, IMPORTANCE_OPTIONS } from '../../../helpers/optionLists';

/** The Send operation's fields (displayOptions are added by forOperation). */
export const sendFields: INodeProperties[] = [
	{
		displayName: 'To',
		name: 'toRecipients',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. info@example.com, "Doe, Jane" <jane@example.com>',
		description:
			'Recipients, separated by commas or semicolons. Write Name &lt;address&gt; to add a name. An expression may also return an array of addresses.',
	},
	{
		displayName: 'CC',
		name: 'ccRecipients',
		type: 'string',
		default: '',
		placeholder: 'e.g. team@example.com',
		description: 'Copy recipients, in the same form as To',
	},
	{
		displayName: 'BCC',
		name: 'bccRecipients',
		type: 'string',
		default: '',
		placeholder: 'e.g. archive@example.com',
		description: 'Blind copy recipients, in the same form as To',
	},
	{
		displayName: 'Reply-To',
		name: 'replyTo',
		type: 'string',
		default: '',
		placeholder: 'e.g. support@example.com',
		description: 'Addresses that replies go to, in the same form as To',
	},
	{
		displayName: 'Subject',
		name: 'subject',
		type: 'string',
		default: '',
		placeholder: 'e.g. Your order has shipped',
	},
	{
		displayName: 'Body Type',
		name: 'bodyContentType',
		type: 'options',
		options: BODY_TYPE_OPTIONS,
		default: 'text',
	},
	{
		displayName: 'Body',
		name: 'bodyContent',
		type: 'string',
		typeOptions: { rows: 5 },
		default: '',
		description:
			'The message text, or HTML when Body Type is HTML. Inline images are referenced as cid:Content-ID, e.g. &lt;img src="cid:logo"&gt;.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Attachments',
				name: 'attachments',
				type: 'fixedCollection',
				placeholder: 'Add Attachment',
				typeOptions: { multipleValues: true },
				default: {},
				description:
					'Files from binary fields of the input item, of any size up to 150 MB in all. Files of 3 MB or more are uploaded in 4 MB pieces.',
				options: [
					{
						displayName: 'Attachment',
						name: 'attachment',
						values: [
							{
								displayName: 'Input Binary Field',
								name: 'binaryPropertyName',
								type: 'string',
								default: 'data',
								placeholder: 'e.g. data, invoice',
								hint: 'The name of the binary field of the input item that holds the file',
								description:
									'One binary field name or several separated by commas; * attaches every binary field of the item, empty attaches nothing',
							},
							{
								displayName: 'File Name',
								name: 'fileName',
								type: 'string',
								default: '',
								placeholder: 'e.g. invoice.pdf',
								description:
									"Name the recipient sees instead of the file's own name (for a single binary field)",
							},
							{
								displayName: 'Inline',
								name: 'isInline',
								type: 'boolean',
								default: false,
								description:
									'Whether the file is an inline image shown in the HTML body instead of an attachment',
							},
							{
								displayName: 'Content ID',
								name: 'contentId',
								type: 'string',
								default: '',
								placeholder: 'e.g. logo',
								description:
									'ID the HTML body uses to show the image, as &lt;img src="cid:logo"&gt;. Defaults to the file name.',
								displayOptions: { show: { isInline: [true] } },
							},
						],
					},
				],
			},
			{
				displayName: 'Categories',
				name: 'categories',
				type: 'string',
				default: '',
				placeholder: 'e.g. Orders, Follow up',
				description: 'Outlook categories for the message, separated by commas',
			},
			{
				displayName: 'Custom Headers',
				name: 'customHeaders',
				type: 'fixedCollection',
				placeholder: 'Add Header',
				typeOptions: { multipleValues: true },
				default: {},
				description:
					'Internet message headers to add. Graph only accepts names that start with x-.',
				options: [
					{
						displayName: 'Header',
						name: 'header',
						values: [
							{
								displayName: 'Name',
								name: 'name',
								type: 'string',
								default: '',
								placeholder: 'e.g. x-order-number',
							},
							{
								displayName: 'Value',
								name: 'value',
								type: 'string',
								default: '',
								placeholder: 'e.g. spring-sale',
							},
						],
					},
				],
			},
			{
				displayName: 'Delivery Receipt',
				name: 'deliveryReceipt',
				type: 'boolean',
				default: false,
				description: 'Whether to ask for a receipt when the message is delivered',
			},
			{
				displayName: 'Dry Run',
				name: 'dryRun',
				type: 'boolean',
				default: false,
				description:
					'Whether to only check the item and build the request: the output shows the payload, its size and how it would be sent, and nothing is sent',
			},
			{
				displayName: 'From',
				name: 'from',
				type: 'string',
				default: '',
				placeholder: 'e.g. sales@example.com',
				description:
					'Send as, or on behalf of, this address. The connected account needs Send As or Send on Behalf permission on that mailbox, and the credential the Mail.Send.Shared scope.',
			},
			{
				displayName: 'Importance',
				name: 'importance',
				type: 'options',
				options: IMPORTANCE_OPTIONS,
				default: 'normal',
			},
			{
				displayName: 'Mailbox',
				name: 'mailbox',
				type: 'string',
				default: '',
				displayOptions: { show: { '/authentication': ['delegated'] } },
				placeholder: 'e.g. shared@example.com',
				description:
					"Send through this mailbox (a user principal name or user ID) instead of the connected account's. Needs Full Access to it and the credential's Mail.Send.Shared scope.",
			},
			{
				displayName: 'Read Receipt',
				name: 'readReceipt',
				type: 'boolean',
				default: false,
				description: 'Whether to ask for a receipt when the message is read',
			},
			{
				displayName: 'Return Sent Message Details',
				name: 'returnDetails',
				type: 'boolean',
				default: false,
				description:
					"Whether to return the message's ID, internetMessageId, conversationId and webLink. Costs one more request per message (a draft is created, then sent); messages with attachments of 3 MB or more return them anyway.",
			},
			{
				displayName: 'Save to Sent Items',
				name: 'saveToSentItems',
				type: 'boolean',
				default: true,
				description: 'Whether to keep a copy in the Sent Items folder',
			},
		],
	},
	{
		displayName: 'Delivery Settings',
		name: 'delivery',
		type: 'collection',
		placeholder: 'Add Setting',
		default: {},
		description:
			'How mails are sent: retries, pace and repeats. The defaults suit almost every workflow.',
		options: [
			{
				displayName: "Don't Resend on Retry",
				name: 'exactlyOnce',
				type: 'boolean',
				default: true,
				description:
					'Whether to skip a mail that this execution already sent, when the node or the execution is retried (Retry On Fail, a lost answer from Microsoft, or Retry of a failed execution). Every new execution sends, even the same mail again. Skipped items say so in their output. Needs Save to Sent Items on, and read access to the mailbox.',
			},
			{
				displayName: 'Max Attempts',
				name: 'maxAttempts',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 20 },
				default: 6,
				description:
					'How often to try a request, the first try included, when Microsoft is busy (429, 503 or 504). Between tries the node waits as long as Microsoft asks.',
			},
			{
				displayName: 'Max Parallel Requests',
				name: 'maxInFlightPerMailbox',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 4 },
				default: 4,
				description:
					'Requests this node runs at once against one mailbox (Outlook allows 4). Lower it when other workflows use the same mailbox at the same time.',
			},
			{
				displayName: 'Max Retry Wait (Seconds)',
				name: 'maxRetryWait',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 3600 },
				default: 120,
				description:
					"Longest total wait for the retries of one request. When Microsoft asks for a longer wait, the item fails with Microsoft's answer.",
			},
			{
				displayName: 'Remember Sends (Minutes)',
				name: 'deduplicationWindow',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 43200 },
				default: 10080,
				description:
					"With Don't Resend on Retry: how long a retry still recognises a mail this execution sent (default a week). A retry later than that sends it again.",
			},
			{
				displayName: 'Same Work Key',
				name: 'workKey',
				type: 'string',
				default: '',
				placeholder: 'e.g. {{ $json.body.campaignId }}',
				description:
					"With Don't Resend on Retry: names the piece of work across executions. Executions with the same key never send the same mail twice, so running the workflow again after a crash (a queue-mode worker killed mid-send, whose execution n8n cannot retry) sends only what is missing. Empty: each execution is its own piece of work. Read once per run, from the first item.",
			},
		],
	},
];

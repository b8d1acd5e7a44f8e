/**
 * Send and Wait's fields (displayOptions are added by forOperation). The recipients, attachments,
 * sender and delivery settings are Send's own fields, by the same names, so that Send's
 * preparation reads them unchanged; the response fields follow n8n's Send and Wait.
 */
import type { INodeProperties } from 'n8n-workflow';

import { sendFields } from '../send/fields';

function sendField(name: string): INodeProperties {
	const field = sendFields.find((property) => property.name === name);
	if (!field) throw new Error(`Send has no field ${name}`);
	return field;
}

function sendOption(collection: string, name: string): INodeProperties {
	const option = (sendField(collection).options as INodeProperties[]).find(
		(entry) => entry.name === name,
	);
	if (!option) throw new Error(`Send's ${collection} has no ${name}`);
	return option;
}

const showFor = (...types: string[]) => ({ show: { responseType: types } });

const limitWaitTime: INodeProperties = {
	displayName: 'Limit Wait Time',
	name: 'limitWaitTime',
	type: 'fixedCollection',
	default: { values: { limitType: 'afterTimeInterval', resumeAmount: 45, resumeUnit: 'minutes' } },
	description:
		'Whether to stop waiting after a while: the workflow then continues with timedOut true and no answer',
	options: [
		{
			displayName: 'Values',
			name: 'values',
			values: [
				{
					displayName: 'Limit Type',
					name: 'limitType',
					type: 'options',
					default: 'afterTimeInterval',
					options: [
						{
							name: 'After Time Interval',
							value: 'afterTimeInterval',
							description: 'Waits for a certain amount of time',
						},
						{
							name: 'At Specified Time',
							value: 'atSpecifiedTime',
							description: 'Waits until the set date and time',
						},
					],
				},
				{
					displayName: 'Amount',
					name: 'resumeAmount',
					type: 'number',
					typeOptions: { minValue: 0, numberPrecision: 2 },
					default: 1,
					displayOptions: { show: { limitType: ['afterTimeInterval'] } },
				},
				{
					displayName: 'Unit',
					name: 'resumeUnit',
					type: 'options',
					default: 'hours',
					options: [
						{ name: 'Minutes', value: 'minutes' },
						{ name: 'Hours', value: 'hours' },
						{ name: 'Days', value: 'days' },
					],
					displayOptions: { show: { limitType: ['afterTimeInterval'] } },
				},
				{
					displayName: 'Max Date and Time',
					name: 'maxDateAndTime',
					type: 'dateTime',
					default: '',
					description: 'Continue at this date and time when nobody has answered',
					displayOptions: { show: { limitType: ['atSpecifiedTime'] } },
				},
			],
		},
	],
};

const buttonStyle = (name: string, displayName: string, fallback: string): INodeProperties => ({
	displayName,
	name,
	type: 'options',
	default: fallback,
	options: [
		{ name: 'Primary', value: 'primary' },
		{ name: 'Secondary', value: 'secondary' },
	],
});

/** What every Send and Wait mail offers, whatever the response type. */
const mailOptions: INodeProperties[] = [
	sendOption('options', 'attachments'),
	sendOption('options', 'from'),
	sendOption('options', 'importance'),
	limitWaitTime,
	sendOption('options', 'mailbox'),
	{
		displayName: 'Plain Text Mail',
		name: 'plainText',
		type: 'boolean',
		default: false,
		description:
			'Whether to send the mail as plain text (the message and the links) instead of HTML with buttons',
	},
];

const formOptions: INodeProperties[] = [
	{
		displayName: 'Message Button Label',
		name: 'messageButtonLabel',
		type: 'string',
		default: 'Respond',
		description: 'The button in the mail that opens the form',
	},
	{
		displayName: 'Response Form Button Label',
		name: 'responseFormButtonLabel',
		type: 'string',
		default: 'Submit',
	},
	{
		displayName: 'Response Form Description',
		name: 'responseFormDescription',
		type: 'string',
		default: '',
		description: 'Text above the form. Defaults to the message.',
	},
	{
		displayName: 'Response Form Title',
		name: 'responseFormTitle',
		type: 'string',
		default: '',
		description: 'Title of the form. Defaults to the subject.',
	},
];

const byName = (a: INodeProperties, b: INodeProperties) =>
	a.displayName.localeCompare(b.displayName);

export const sendAndWaitFields: INodeProperties[] = [
	sendField('toRecipients'),
	sendField('ccRecipients'),
	sendField('bccRecipients'),
	{
		displayName: 'Subject',
		name: 'subject',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. Approval required',
	},
	{
		displayName: 'Message',
		name: 'message',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		description:
			'The text above the buttons. Plain text: line breaks are kept, HTML is shown as written.',
	},
	{
		displayName: 'Response Type',
		name: 'responseType',
		type: 'options',
		default: 'approval',
		options: [
			{
				name: 'Approval',
				value: 'approval',
				description: 'The recipient approves (or declines) with a button in the mail',
			},
			{
				name: 'Free Text',
				value: 'freeText',
				description: 'The recipient writes an answer in a form',
			},
			{
				name: 'Custom Form',
				value: 'customForm',
				description: 'The recipient fills in a form with the fields defined below',
			},
		],
	},
	{
		displayName: 'Approval Options',
		name: 'approvalOptions',
		type: 'fixedCollection',
		placeholder: 'Add option',
		default: {},
		displayOptions: showFor('approval'),
		options: [
			{
				displayName: 'Values',
				name: 'values',
				values: [
					{
						displayName: 'Type of Approval',
						name: 'approvalType',
						type: 'options',
						default: 'single',
						options: [
							{ name: 'Approve Only', value: 'single' },
							{ name: 'Approve and Disapprove', value: 'double' },
						],
					},
					{
						displayName: 'Approve Button Label',
						name: 'approveLabel',
						type: 'string',
						default: 'Approve',
					},
					buttonStyle('buttonApprovalStyle', 'Approve Button Style', 'primary'),
					{
						displayName: 'Disapprove Button Label',
						name: 'disapproveLabel',
						type: 'string',
						default: 'Decline',
						displayOptions: { show: { approvalType: ['double'] } },
					},
					{
						...buttonStyle('buttonDisapprovalStyle', 'Disapprove Button Style', 'secondary'),
						displayOptions: { show: { approvalType: ['double'] } },
					},
				],
			},
		],
	},
	{
		displayName: 'Form Fields',
		name: 'formFields',
		type: 'fixedCollection',
		placeholder: 'Add Form Field',
		typeOptions: { multipleValues: true, sortable: true },
		default: {},
		displayOptions: showFor('customForm'),
		options: [
			{
				displayName: 'Field',
				name: 'field',
				values: [
					{
						displayName: 'Choices',
						name: 'fieldOptions',
						type: 'string',
						default: '',
						placeholder: 'e.g. Yes, No, Later',
						description: 'The choices, separated by commas',
					},
					{
						displayName: 'Field Label',
						name: 'fieldLabel',
						type: 'string',
						default: '',
						placeholder: 'e.g. Amount',
						description: 'Shown above the field;	also the key of its value in the output',
					},
					{
						displayName: 'Field Type',
						name: 'fieldType',
						type: 'options',
						default: 'text',
						options: [
							{
								name: 'Checkboxes',
								value: 'checkboxes',
							},
							{
								name: 'Date',
								value: 'date',
							},
							{
								name: 'Dropdown List',
								value: 'dropdown',
							},
							{
								name: 'Email',
								value: 'email',
							},
							{
								name: 'Number',
								value: 'number',
							},
							{
								name: 'Text',
								value: 'text',
							},
							{
								name: 'Textarea',
								value: 'textarea',
							},
						],
					},
					{
						displayName: 'Placeholder',
						name: 'placeholder',
						type: 'string',
						default: '',
					},
					{
						displayName: 'Required Field',
						name: 'requiredField',
						type: 'boolean',
						default: false,
						description: 'Whether the form can only be sent with this field filled in',
					},
				],
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: showFor('approval'),
		options: [...mailOptions].sort(byName),
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: showFor('freeText', 'customForm'),
		options: [...mailOptions, ...formOptions].sort(byName),
	},
	{
		...sendField('delivery'),
		options: (sendField('delivery').options as INodeProperties[]).filter((option) =>
			['exactlyOnce', 'maxAttempts', 'maxRetryWait'].includes(option.name),
		),
	},
];

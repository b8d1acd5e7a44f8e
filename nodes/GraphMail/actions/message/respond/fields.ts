/** The fields of Reply, Reply All and Forward (displayOptions are added by forOperation). */
import type { INodeProperties } from 'n8n-workflow';

import { mailboxFields } from '../../../read/fields';
import { messageLocator } from '../../../read/messageLocator';
import { sendFields } from '../send/fields';

export type RespondKind = 'reply' | 'replyAll' | 'forward';

/** Send's own definition of a field or option, so the three operations show it the same way. */
function fromSend(name: string): INodeProperties {
	const top = sendFields.find((property) => property.name === name);
	if (top) return top;
	const options = sendFields.find((property) => property.name === 'options')?.options ?? [];
	const option = options.find((entry) => 'name' in entry && entry.name === name);
	if (!option || !('type' in option)) throw new Error(`Send has no field '${name}'`);
	return option;
}

const ADDRESS_PLACEHOLDER = 'e.g. anna@example.com, "Lee, Bo" <bo@example.com>';

function bodyFields(kind: RespondKind): INodeProperties[] {
	const verb = kind === 'forward' ? 'forward' : 'reply';
	return [
		{
			displayName: 'Text',
			name: 'bodyMode',
			type: 'options',
			options: [
				{
					name: 'Comment Above the Original',
					value: 'comment',
					description: `Outlook puts the text above the quoted original, as when you ${verb} in Outlook`,
				},
				{
					name: 'Full Body',
					value: 'body',
					description: `The ${verb}'s body as text or HTML, in place of the comment`,
				},
			],
			default: 'comment',
		},
		{
			displayName: 'Comment',
			name: 'comment',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			placeholder: kind === 'forward' ? 'e.g. FYI, see below' : 'e.g. Thanks, we are on it.',
			displayOptions: { show: { bodyMode: ['comment'] } },
		},
		{
			...fromSend('bodyContentType'),
			displayOptions: { show: { bodyMode: ['body'] } },
		},
		{
			...fromSend('bodyContent'),
			displayOptions: { show: { bodyMode: ['body'] } },
		},
	];
}

function options(kind: RespondKind): INodeProperties {
	const extra = (field: string) =>
		`${field} recipients added to those the ${kind === 'forward' ? 'forward' : 'reply'} goes to`;
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			fromSend('attachments'),
			{
				displayName: 'BCC',
				name: 'bccRecipients',
				type: 'string',
				default: '',
				placeholder: ADDRESS_PLACEHOLDER,
				description: extra('BCC'),
			},
			{
				displayName: 'CC',
				name: 'ccRecipients',
				type: 'string',
				default: '',
				placeholder: ADDRESS_PLACEHOLDER,
				description: extra('CC'),
			},
			...(kind === 'forward'
				? []
				: [
						{
							displayName: 'Extra To',
							name: 'toRecipients',
							type: 'string' as const,
							default: '',
							placeholder: ADDRESS_PLACEHOLDER,
							description: extra('To'),
						},
					]),
			fromSend('importance'),
			{
				displayName: 'Save as Draft',
				name: 'saveAsDraft',
				type: 'boolean',
				default: false,
				description: `Whether to keep the ${kind === 'forward' ? 'forward' : 'reply'} in Drafts instead of sending it; the output has the draft's ID and link`,
			},
		],
	};
}

export function respondFields(kind: RespondKind): INodeProperties[] {
	const what = { reply: 'reply to', replyAll: 'reply to all on', forward: 'forward' }[kind];
	return [
		...mailboxFields,
		messageLocator(
			`The message to ${what}: pick a recent one, enter its ID (e.g. {{ $json.id }} after Get Many or the trigger), or paste its Outlook on the web link`,
		),
		...(kind === 'forward'
			? [
					{
						displayName: 'To',
						name: 'toRecipients',
						type: 'string' as const,
						required: true,
						default: '',
						placeholder: ADDRESS_PLACEHOLDER,
						description: 'Who the message is forwarded to',
					},
				]
			: []),
		...bodyFields(kind),
		options(kind),
		fromSend('delivery'),
	];
}

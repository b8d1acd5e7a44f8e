/** Draft > Get: one draft per item, by `$batch` per mailbox. */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { mailboxFields } from '../../read/fields';
import { mailboxOf } from '../../read/mailbox';
import { messageOf } from '../../read/messageLocator';
import { IMMUTABLE_ID_HEADERS, type GraphClient } from '../../transport/graphClient';
import { batchPerMailbox, failureOf, type ItemRequest, succeeded } from '../batchPerMailbox';
import { errorItemOrThrow } from '../itemErrors';
import { draftLocator } from './fields';
import { draftOutput } from './output';

export const properties: INodeProperties[] = [
	...mailboxFields,
	draftLocator(
		'The draft to get: pick a recent one, enter its ID, or paste its Outlook on the web link',
	),
	{
		displayName: 'Simplify',
		name: 'simple',
		type: 'boolean',
		default: true,
		description: 'Whether to return a simplified version of the response instead of the raw data',
	},
];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	client: GraphClient,
): Promise<INodeExecutionData[]> {
	const requests: ItemRequest[] = [];
	const errors = new Map<number, Error>();
	const simple = new Map<number, boolean>();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const ref = mailboxOf(this, itemIndex);
			const target = messageOf(this, itemIndex, 'draftId', 'draft');
			simple.set(itemIndex, this.getNodeParameter('simple', itemIndex, true) !== false);
			requests.push({
				itemIndex,
				mailbox: ref.mailbox,
				request: {
					method: 'GET',
					url: `${ref.base}/messages/${target.segment}`,
					headers: { ...IMMUTABLE_ID_HEADERS },
					idempotent: true,
				},
			});
		} catch (error) {
			errors.set(itemIndex, error as Error);
		}
	}
	const answers = await batchPerMailbox(client, requests);
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const answer = answers.get(itemIndex);
		if (!errors.has(itemIndex) && succeeded(answer)) {
			const message = answer.body as IDataObject;
			const mailbox = requests.find((request) => request.itemIndex === itemIndex)!.mailbox;
			output.push({
				json: simple.get(itemIndex) ? draftOutput(message, mailbox) : message,
				pairedItem: { item: itemIndex },
			});
			continue;
		}
		const error =
			errors.get(itemIndex) ??
			failureOf(this, answer, itemIndex, `Draft '${requestedId(this, itemIndex)}' was not found`);
		output.push(errorItemOrThrow(this, error, itemIndex));
	}
	return output;
}

function requestedId(ctx: IExecuteFunctions, itemIndex: number): string {
	return messageOf(ctx, itemIndex, 'draftId', 'draft').id;
}

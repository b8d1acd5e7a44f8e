/** Draft > Delete: each item's draft, checked to be a draft first, deleted by `$batch` per mailbox. */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { withSentence } from '../../helpers/nodeError';
import { mailboxFields } from '../../read/fields';
import { mailboxOf } from '../../read/mailbox';
import { messageOf } from '../../read/messageLocator';
import type { GraphClient } from '../../transport/graphClient';
import { batchPerMailbox, itemFailure, succeeded, statusOf } from '../batchPerMailbox';
import { errorItemOrThrow } from '../itemErrors';
import { draftLocator } from './fields';
import { requireDrafts, type DraftTarget } from './requireDrafts';

export const properties: INodeProperties[] = [
	...mailboxFields,
	draftLocator(
		'The draft to delete: pick a recent one, enter its ID, or paste its Outlook on the web link',
	),
];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	client: GraphClient,
): Promise<INodeExecutionData[]> {
	const problems = new Map<number, Error>();
	const targets: DraftTarget[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const ref = mailboxOf(this, itemIndex);
			const target = messageOf(this, itemIndex, 'draftId', 'draft');
			targets.push({
				itemIndex,
				ref,
				draftId: target.id,
				messagePath: `${ref.base}/messages/${target.segment}`,
			});
		} catch (error) {
			problems.set(itemIndex, error as Error);
		}
	}
	const checked = await requireDrafts(this, client, targets, 'deleted');
	for (const [itemIndex, state] of checked)
		if (state instanceof Error) problems.set(itemIndex, state);
	const first = [...problems.entries()].sort(([a], [b]) => a - b)[0];
	if (first && !this.continueOnFail())
		throw withSentence(first[1] as Error & { description?: string }, 'No draft was deleted.');
	const toDelete = targets.filter((target) => !problems.has(target.itemIndex));
	const answers = await batchPerMailbox(
		client,
		toDelete.map((target) => ({
			itemIndex: target.itemIndex,
			mailbox: target.ref.mailbox,
			request: { method: 'DELETE', url: target.messagePath, idempotent: true },
		})),
	);
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const target = toDelete.find((entry) => entry.itemIndex === itemIndex);
		const answer = answers.get(itemIndex);
		if (target && (succeeded(answer) || statusOf(answer) === 404)) {
			output.push({
				json: { status: 'deleted', draftId: target.draftId, mailbox: target.ref.mailbox },
				pairedItem: { item: itemIndex },
			});
			continue;
		}
		output.push(
			errorItemOrThrow(
				this,
				problems.get(itemIndex) ?? itemFailure(this, answer, itemIndex),
				itemIndex,
			),
		);
	}
	return output;
}

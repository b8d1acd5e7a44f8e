import type { IDataObject } from 'n8n-workflow';

import { readRequest, updateRequest } from '../../../bulk/changeRequests';
import { runChanges } from '../../../bulk/messageChanges';
import { notFoundError, outcomeError } from '../bulk/errors';
import { itemsOperation, type ItemResult } from '../../itemResults';
import { planMessage, type MessagePlan } from '../bulk/plan';
import { mergedCategories, readUpdateChanges, type UpdateChanges } from './changes';

export { properties } from './fields';

interface UpdatePlan extends MessagePlan {
	changes: UpdateChanges;
}

/**
 * Update: one PATCH per message through `$batch`. Adding or removing categories needs the current
 * ones: those messages are read first (also in bulk), then patched with the merged list. A PATCH
 * sets values, so it is safe to send again after a lost answer.
 */
export const execute = itemsOperation((ctx, client) => ({
	plan: (itemIndex): UpdatePlan => {
		const plan = planMessage(ctx, itemIndex);
		return { ...plan, changes: readUpdateChanges(ctx, itemIndex) };
	},
	act: async (plans, options) => {
		const results = new Array<ItemResult | undefined>(plans.length);
		const needCurrent = plans.flatMap((plan, i) => (plan.changes.categories ? [i] : []));
		const reads = await runChanges(
			client,
			needCurrent.map((i) => ({
				mailbox: plans[i]!.ref.mailbox,
				request: readRequest(plans[i]!.ref.base, plans[i]!.segment, 'categories'),
				repeatable: true,
			})),
			options,
		);
		const patches = plans.map((plan) => ({ ...plan.changes.patch }));
		needCurrent.forEach((i, r) => {
			const read = reads[r]!;
			const plan = plans[i]!;
			if (read.kind !== 'done') {
				results[i] =
					outcomeError(ctx.getNode(), 'read', plan.messageId, read, plan.itemIndex) ??
					notFoundError(ctx.getNode(), plan.messageId, plan.itemIndex);
				return;
			}
			const current = Array.isArray(read.body.categories) ? (read.body.categories as string[]) : [];
			patches[i]!.categories = mergedCategories(current, plan.changes.categories!);
		});
		const toPatch = plans.flatMap((_plan, i) => (results[i] ? [] : [i]));
		const outcomes = await runChanges(
			client,
			toPatch.map((i) => ({
				mailbox: plans[i]!.ref.mailbox,
				request: updateRequest(plans[i]!.ref.base, plans[i]!.segment, patches[i]!),
				repeatable: true,
			})),
			options,
		);
		toPatch.forEach((i, p) => {
			const outcome = outcomes[p]!;
			const plan = plans[i]!;
			results[i] =
				outcome.kind === 'done'
					? updated(outcome.body)
					: outcomeError(ctx.getNode(), 'update', plan.messageId, outcome, plan.itemIndex);
		});
		return results.map((result) => result ?? new Error('No result'));
	},
}));

/** What Update outputs: the message's id and the properties Update sets, as Graph now has them. */
function updated(message: IDataObject): IDataObject {
	return {
		id: message.id,
		subject: message.subject,
		isRead: message.isRead,
		importance: message.importance,
		flag: message.flag,
		categories: message.categories,
		parentFolderId: message.parentFolderId,
		status: 'updated',
	};
}

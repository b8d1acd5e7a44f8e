import type { INodeProperties } from 'n8n-workflow';

import { moveRequest, permanentDeleteRequest } from '../../bulk/changeRequests';
import { mailboxFields } from '../../read/fields';
import { messageLocator } from '../../read/messageLocator';
import { outcomeError } from './bulk/errors';
import { planMessage, type MessagePlan } from './bulk/plan';
import { runSettled } from './bulk/settle';
import { itemsOperation } from '../itemResults';

export const properties: INodeProperties[] = [
	...mailboxFields,
	messageLocator(
		'The message to delete: pick a recent one, enter its ID (e.g. {{ $json.id }} after Get Many or the trigger), or paste its Outlook on the web link',
	),
	{
		displayName: 'Delete',
		name: 'deleteMode',
		type: 'options',
		options: [
			{
				name: 'To Deleted Items',
				value: 'deletedItems',
				description: 'Move the message to Deleted Items, from where it can be restored',
			},
			{
				name: 'Permanently',
				value: 'permanent',
				description: "Delete the message for good (Graph's permanentDelete); it cannot be restored",
			},
		],
		default: 'deletedItems',
	},
];

interface DeletePlan extends MessagePlan {
	permanently: boolean;
}

/**
 * Delete: to Deleted Items (a move to `deleteditems`, so the output id, immutable, still finds the
 * message there) or permanently (POST permanentDelete), through `$batch`. Safe to repeat: a message
 * already in Deleted Items is moved there again (201); a lost answer whose repeat no longer finds
 * the message is `alreadyDeleted`.
 */
export const execute = itemsOperation((ctx, client) => ({
	plan: (itemIndex): DeletePlan => ({
		...planMessage(ctx, itemIndex),
		permanently: ctx.getNodeParameter('deleteMode', itemIndex, 'deletedItems') === 'permanent',
	}),
	act: async (plans, options) => {
		const outcomes = await runSettled(
			ctx,
			client,
			'delete',
			plans,
			(plan) =>
				plan.permanently
					? permanentDeleteRequest(plan.ref.base, plan.segment)
					: moveRequest(plan.ref.base, plan.segment, 'deleteditems'),
			options,
		);
		return plans.map((plan, i) => {
			const outcome = outcomes[i]!;
			const permanently = plan.permanently;
			if (outcome.kind === 'done')
				return permanently
					? { id: plan.messageId, status: 'deleted', permanently }
					: {
							id: outcome.body.id,
							previousId: plan.messageId,
							parentFolderId: outcome.body.parentFolderId,
							status: 'deleted',
							permanently,
						};
			if (outcome.kind === 'alreadyDone')
				return { id: plan.messageId, status: 'alreadyDeleted', permanently };
			return outcomeError(ctx.getNode(), 'delete', plan.messageId, outcome, plan.itemIndex)!;
		});
	},
}));

import { moveRequest } from '../../bulk/changeRequests';
import { outcomeError } from './bulk/errors';
import { planRelocation, relocateProperties } from './bulk/relocate';
import { runSettled } from './bulk/settle';
import { itemsOperation } from '../itemResults';

export const properties = relocateProperties('move');

/**
 * Move: POST messages/{id}/move for every item, through `$batch`. Graph answers with immutable ids
 * (the request asks for them), so the output `id` is the message's immutable id: the same as the
 * input id when that was immutable already, and valid wherever the message goes next. Safe to
 * repeat: moving a message that is already in the destination answers 201 again; an answer lost
 * and a repeat that no longer finds the message (a REST id, changed by the move) is `alreadyMoved`.
 */
export const execute = itemsOperation((ctx, client) => ({
	plan: async (itemIndex) => await planRelocation(ctx, client, itemIndex),
	act: async (plans, options) => {
		const outcomes = await runSettled(
			ctx,
			client,
			'move',
			plans,
			(plan) => moveRequest(plan.ref.base, plan.segment, plan.destination),
			options,
		);
		return plans.map((plan, i) => {
			const outcome = outcomes[i]!;
			if (outcome.kind === 'done')
				return {
					id: outcome.body.id,
					previousId: plan.messageId,
					parentFolderId: outcome.body.parentFolderId,
					subject: outcome.body.subject,
					status: 'moved',
				};
			if (outcome.kind === 'alreadyDone')
				return {
					previousId: plan.messageId,
					status: 'alreadyMoved',
					note: 'An earlier attempt at ctx work moved ctx message; Graph gave it a new ID, which that attempt received.',
				};
			return outcomeError(ctx.getNode(), 'move', plan.messageId, outcome, plan.itemIndex)!;
		});
	},
}));

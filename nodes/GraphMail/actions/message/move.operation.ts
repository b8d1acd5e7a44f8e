import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { moveRequest } from '../../bulk/changeRequests';
import type { GraphClient } from '../../transport/graphClient';
import { outcomeError } from './bulk/errors';
import { planRelocation, relocateProperties } from './bulk/relocate';
import { runSettled } from './bulk/settle';
import { runItems } from '../itemResults';

export const properties = relocateProperties('move');

/**
 * Move: POST messages/{id}/move for every item, through `$batch`. Graph answers with immutable ids
 * (the request asks for them), so the output `id` is the message's immutable id: the same as the
 * input id when that was immutable already, and valid wherever the message goes next. Safe to
 * repeat: moving a message that is already in the destination answers 201 again; an answer lost
 * and a repeat that no longer finds the message (a REST id, changed by the move) is `alreadyMoved`.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	client: GraphClient,
): Promise<INodeExecutionData[]> {
	return await runItems(
		this,
		items,
		async (itemIndex) => await planRelocation(this, client, itemIndex),
		async (plans, options) => {
			const outcomes = await runSettled(
				this,
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
						note: 'An earlier attempt at this work moved this message; Graph gave it a new ID, which that attempt received.',
					};
				return outcomeError(this.getNode(), 'move', plan.messageId, outcome, plan.itemIndex)!;
			});
		},
	);
}

import type { IExecuteFunctions } from 'n8n-workflow';

import {
	runChanges,
	type ChangeOutcome,
	type ChangeRunOptions,
} from '../../../bulk/messageChanges';
import type { BatchSubRequest } from '../../../transport/batch';
import type { GraphClient } from '../../../transport/graphClient';
import { ActionLedger } from './ledger';
import type { MessagePlan } from './plan';

/**
 * Move's and Delete's run: each plan's request (repeatable) through `$batch`, each outcome settled
 * against this work's earlier attempts (not found, but handled by an earlier attempt at this work,
 * Retry On Fail or a retried execution: done). Outcomes in plan order.
 */
export async function runSettled<P extends MessagePlan>(
	ctx: IExecuteFunctions,
	client: GraphClient,
	kind: 'move' | 'delete',
	plans: P[],
	requestOf: (plan: P) => BatchSubRequest,
	options: ChangeRunOptions,
): Promise<ChangeOutcome[]> {
	const ledger = ActionLedger.open(ctx);
	const outcomes = await runChanges(
		client,
		plans.map((plan) => ({
			mailbox: plan.ref.mailbox,
			request: requestOf(plan),
			repeatable: true,
		})),
		options,
	);
	return plans.map((plan, i) =>
		ledger.settle(kind, plan.ref.mailbox, plan.messageId, outcomes[i]!),
	);
}

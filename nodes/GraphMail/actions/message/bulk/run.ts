import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { errorItemOrThrow } from '../../itemErrors';

/** One item's planned action: which item, which message (as the user gave it). */
export interface ItemPlan {
	itemIndex: number;
	messageId: string;
}

/** What acting on the planned items gave, one entry per plan: the output JSON, or the item's error. */
export type ItemResult = IDataObject | Error;

/**
 * The frame of Move, Copy, Update and Delete: every item is planned first (its fields read and
 * checked), so a bad item is an error before any request; then all planned items are acted on at
 * once (in bulk); results come back in input order. Without Continue On Fail the first error
 * (in item order) stops the node; with it, each failed item is an error item and the rest go on.
 */
export async function runItems<P extends ItemPlan>(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	plan: (itemIndex: number) => P | Promise<P>,
	act: (plans: P[], options: { stopOnFailure: boolean }) => Promise<ItemResult[]>,
): Promise<INodeExecutionData[]> {
	const continueOnFail = ctx.continueOnFail();
	const byItem = new Map<number, INodeExecutionData>();
	const plans: P[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			plans.push(await plan(itemIndex));
		} catch (error) {
			byItem.set(itemIndex, errorItemOrThrow(ctx, error, itemIndex));
		}
	}
	const results = plans.length ? await act(plans, { stopOnFailure: !continueOnFail }) : [];
	plans.forEach(({ itemIndex }, i) => {
		const result = results[i];
		byItem.set(
			itemIndex,
			result instanceof Error || result === undefined
				? errorItemOrThrow(ctx, result ?? new Error('No result'), itemIndex)
				: { json: result, pairedItem: { item: itemIndex } },
		);
	});
	return [...byItem.entries()].sort(([a], [b]) => a - b).map(([, item]) => item);
}

import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { itemMessage } from '../helpers/itemText';

/**
 * Continue On Fail: the failed item becomes an error item paired with its input; otherwise the
 * error stops the node. Errors carry the item index already; their message names the item once,
 * as [item N].
 */
export function errorItemOrThrow(ctx: IExecuteFunctions, error: unknown, itemIndex: number): INodeExecutionData {
	const message = itemMessage(error instanceof Error ? error.message : String(error), itemIndex);
	if (!ctx.continueOnFail()) {
		if (error instanceof Error) error.message = message;
		throw error;
	}
	const description = (error as { description?: unknown }).description;
	return {
		json: { error: message, ...(typeof description === 'string' && description ? { errorDescription: description } : {}) },
		pairedItem: { item: itemIndex },
	};
}

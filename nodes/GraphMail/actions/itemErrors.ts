import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

/**
 * Continue On Fail: the failed item becomes an error item paired with its input; otherwise the
 * error stops the node. Errors carry the item index already.
 */
export function errorItemOrThrow(ctx: IExecuteFunctions, error: unknown, itemIndex: number): INodeExecutionData {
	if (!ctx.continueOnFail()) throw error;
	const message = error instanceof Error ? error.message : String(error);
	const description = (error as { description?: unknown }).description;
	return {
		json: { error: message, ...(typeof description === 'string' && description ? { errorDescription: description } : {}) },
		pairedItem: { item: itemIndex },
	};
}

import { NodeApiError, NodeOperationError, type INode } from 'n8n-workflow';

import { itemMessage } from './itemText';

/**
 * Any thrown value as the node's error. n8n's own errors are kept (their message gets the item's
 * name once, when an item is given); anything else becomes a NodeOperationError with its message.
 */
export function asNodeError(node: INode, error: unknown, itemIndex?: number): NodeApiError | NodeOperationError {
	const tag = (text: string) => (itemIndex === undefined || text.endsWith(`[item ${itemIndex}]`) ? text : itemMessage(text, itemIndex));
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.message = tag(error.message);
		return error;
	}
	const message = tag(error instanceof Error ? error.message : String(error));
	const wrapped = new NodeOperationError(node, message, { itemIndex });
	// Set after construction: n8n would swap a message naming a network code for a generic one.
	wrapped.message = message;
	return wrapped;
}

import { NodeApiError, NodeOperationError, type INode } from 'n8n-workflow';

import { addSentence, itemMessage } from './itemText';

/**
 * Any thrown value as the node's error. n8n's own errors are kept (their message gets the item's
 * name once, when an item is given); anything else becomes a NodeOperationError with its message.
 */
export function asNodeError(node: INode, error: unknown, itemIndex?: number): NodeApiError | NodeOperationError {
	const tag = (text: string) => (itemIndex === undefined ? text : itemMessage(text, itemIndex));
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

/** Adds a sentence to the error's description (joined as n8n's editor shows descriptions). */
export function withSentence<T extends { description?: string | null }>(error: T, sentence: string): T {
	error.description = addSentence(error.description, sentence);
	return error;
}

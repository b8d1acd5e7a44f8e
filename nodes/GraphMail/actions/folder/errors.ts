import { NodeOperationError, type INode } from 'n8n-workflow';

import { itemMessage } from '../../helpers/itemText';
import { graphApiError, type GraphErrorDetails } from '../../transport/graphError';

/** The Folder operations' wording of Graph's refusals; `folder` names the folder as the user gave it. */
export function folderError(
	node: INode,
	details: GraphErrorDetails,
	itemIndex: number,
	folder: string,
	action: string,
): Error {
	const say = (message: string, description: string) =>
		graphApiError(node, details, {
			itemIndex,
			message: itemMessage(message, itemIndex),
			description: `${description}${details.requestId ? ` (Graph request-id ${details.requestId})` : ''}`,
		});
	switch (details.code) {
		case 'ErrorItemNotFound':
			return say(
				`The folder "${folder}" was not found`,
				`Graph answered ${details.code}: it was deleted or moved to another mailbox, or the ID is wrong. Nothing was ${action}.`,
			);
		case 'ErrorFolderExists':
			return say(
				`A folder with that name already exists there (${folder})`,
				'Folder names are unique among siblings, whatever their case. Choose another name, or turn on Return Existing (Create).',
			);
		case 'ErrorDeleteDistinguishedFolder':
		case 'ErrorMoveDistinguishedFolder':
			return say(
				`"${folder}" is one of Outlook's own folders (Inbox, Drafts, ...), which cannot be ${action}`,
				`Graph answered ${details.code}: ${details.message}`,
			);
		case 'ErrorMoveCopyFailed':
			return say(
				`The folder "${folder}" could not be ${action}: ${details.message}`,
				'A folder cannot be moved into itself or one of its subfolders.',
			);
		default:
			return graphApiError(node, details, { itemIndex });
	}
}

/** A sub-request with no definite answer: it may or may not have been carried out. */
export function uncertainError(
	node: INode,
	itemIndex: number,
	folder: string,
	action: string,
	reason: string,
): Error {
	return new NodeOperationError(
		node,
		itemMessage(`The folder "${folder}" may or may not have been ${action}: ${reason}`, itemIndex),
		{
			itemIndex,
			description:
				'No definite answer came from Graph. Check the folder before running the item again.',
		},
	);
}

/** A refused parameter, before any request: names the item and the field. */
export function fieldError(
	node: INode,
	itemIndex: number,
	field: string,
	problem: string,
	description: string,
): NodeOperationError {
	return new NodeOperationError(node, itemMessage(`${field} ${problem}`, itemIndex), {
		itemIndex,
		description: `${description} Nothing was sent.`,
	});
}

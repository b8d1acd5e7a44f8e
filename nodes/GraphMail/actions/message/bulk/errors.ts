import { NodeOperationError, type INode } from 'n8n-workflow';

import { describeAttempts } from '../../../transport/graphClient';
import { graphApiError } from '../../../transport/graphError';
import type { ChangeOutcome } from '../../../bulk/messageChanges';

/** The wording of Move, Copy, Update, Delete and Get MIME's item errors: what happened to which message. */

export type ActionVerb = 'move' | 'copy' | 'update' | 'delete' | 'read';

const NOT_FOUND_DESCRIPTION =
	'It does not exist in this mailbox, or it was moved or deleted before this run with an ID that Graph changed. ' +
	"IDs this node outputs are immutable (they stay valid when a message moves): use those, or the trigger's, to act on a message again.";

export function notFoundError(
	node: INode,
	messageId: string,
	itemIndex: number,
): NodeOperationError {
	return new NodeOperationError(node, `Message ${messageId} was not found`, {
		itemIndex,
		description: NOT_FOUND_DESCRIPTION,
	});
}

/** The item's error for an outcome that is not a success (undefined for a success). */
export function outcomeError(
	node: INode,
	verb: ActionVerb,
	messageId: string,
	outcome: ChangeOutcome,
	itemIndex: number,
): Error | undefined {
	switch (outcome.kind) {
		case 'done':
		case 'alreadyDone':
			return undefined;
		case 'notFound':
			return notFoundError(node, messageId, itemIndex);
		case 'failed': {
			const { details } = outcome;
			return graphApiError(node, details, {
				itemIndex,
				message: `Could not ${verb} message ${messageId}: ${details.code}: ${details.message}`,
				description:
					[
						outcome.gaveUp
							? `Graph still answered ${details.status ?? details.code} ${describeAttempts(outcome.attempts, outcome.waitedMs)}.`
							: undefined,
						details.requestId ? `Graph request-id ${details.requestId}` : undefined,
					]
						.filter(Boolean)
						.join(' ') || undefined,
			});
		}
		case 'uncertain':
			return new NodeOperationError(
				node,
				`Could not tell whether message ${messageId} was ${pastTense(verb)}: ${outcome.reason}`,
				{
					itemIndex,
					description:
						verb === 'copy'
							? 'No copy was found in the destination folder either; run the node again to copy it.'
							: 'The change is safe to repeat: run the node again.',
				},
			);
		case 'notSent':
			return new NodeOperationError(
				node,
				`Message ${messageId} was not ${pastTense(verb)}: an earlier item failed and the node stopped`,
				{ itemIndex },
			);
	}
}

function pastTense(verb: ActionVerb): string {
	return { move: 'moved', copy: 'copied', update: 'updated', delete: 'deleted', read: 'read' }[
		verb
	];
}

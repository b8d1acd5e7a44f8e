/**
 * Reply, Reply All and Forward's own wording, on top of Send's (send/errors.ts): the message to
 * answer is gone. Nothing here sends a request.
 */
import type { NodeApiError, NodeOperationError, IExecuteFunctions } from 'n8n-workflow';

import { itemMessage } from '../../../helpers/itemText';
import { graphApiError, graphDetailsOf } from '../../../transport/graphError';
import type { PreparedRespond } from './prepare';

const NOT_FOUND_CODES = new Set(['erroritemnotfound', 'itemnotfound', 'errorinvalidid']);

const WHAT = { reply: 'reply to', replyAll: 'reply to', forward: 'forward' } as const;

/** The item's error, with "the message no longer exists" said in words when Graph says so. */
export function explainRespondError(
	ctx: IExecuteFunctions,
	error: NodeApiError | NodeOperationError,
	prepared: PreparedRespond,
): NodeApiError | NodeOperationError {
	const details = graphDetailsOf(error);
	if (!details || !NOT_FOUND_CODES.has(details.code.toLowerCase())) return error;
	const where =
		prepared.plan.mailbox === 'me'
			? "the connected account's mailbox"
			: `mailbox '${prepared.plan.mailbox}'`;
	return graphApiError(ctx.getNode(), details, {
		itemIndex: prepared.itemIndex,
		message: itemMessage(
			`Message: there is no message '${prepared.original.id}' in ${where} to ${WHAT[prepared.kind]}`,
			prepared.itemIndex,
		),
		description:
			`Graph answered ${details.status ?? ''} ${details.code}: it may have been deleted, or moved (moving a message changes its ID unless the ID is immutable). Nothing was sent for this item.`.replace(
				'  ',
				' ',
			),
	});
}

import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type INodeExecutionData,
	type IPollFunctions,
	type ITriggerFunctions,
	type JsonObject,
} from 'n8n-workflow';

import {
	downloadAttachments,
	Gate,
	mapLimited,
	mayHaveAttachments,
	shapeMessage,
} from '../GraphMail/actions/message/getAll.common';
import type { GraphClient } from '../GraphMail/transport/graphClient';
import type { TriggerPlan } from './config';

function notFound(error: unknown): boolean {
	const e = error as { httpCode?: unknown; context?: { graphCode?: unknown } } | undefined;
	return e?.httpCode === '404' || e?.context?.graphCode === 'ErrorItemNotFound';
}

function asNodeError(ctx: IPollFunctions | ITriggerFunctions, error: unknown): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeApiError(ctx.getNode(), error as JsonObject);
}

/**
 * New messages -> the trigger's items, shaped as Get Many shapes them (Simplified / Raw / Selected
 * Fields), with file attachments in binary properties when asked for (up to 4 messages at a time,
 * large attachments one at a time). A message deleted before its attachments could be read is
 * still emitted, without them: waiting for it would hold back every later message for good.
 */
export async function toItems(
	ctx: IPollFunctions | ITriggerFunctions,
	client: GraphClient,
	plan: TriggerPlan,
	messages: IDataObject[],
): Promise<INodeExecutionData[]> {
	const attachments = plan.attachments;
	if (!attachments) return messages.map((message) => ({ json: shapeMessage(plan.output, message) }));
	const largeGate = new Gate();
	return await mapLimited(messages, 4, async (message): Promise<INodeExecutionData> => {
		let binary: INodeExecutionData['binary'];
		if (typeof message.id === 'string' && mayHaveAttachments(message, attachments)) {
			try {
				binary = await downloadAttachments(
					ctx,
					client,
					{ ref: plan.ref, messageId: message.id, itemIndex: 0 },
					attachments,
					largeGate,
				);
			} catch (error) {
				if (!notFound(error)) throw asNodeError(ctx, error);
				binary = undefined;
			}
		}
		return { json: shapeMessage(plan.output, message), ...(binary ? { binary } : {}) };
	});
}

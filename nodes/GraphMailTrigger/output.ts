import type { IDataObject, INodeExecutionData, IPollFunctions, ITriggerFunctions } from 'n8n-workflow';

import { downloadAttachments, largeDownloadGate, mayHaveAttachments } from '../GraphMail/read/attachments';
import { mapLimited } from '../GraphMail/helpers/concurrency';
import { asNodeError } from '../GraphMail/helpers/nodeError';
import { shapeMessage } from '../GraphMail/read/output';
import type { GraphClient } from '../GraphMail/transport/graphClient';
import { graphDetailsOf } from '../GraphMail/transport/graphError';
import type { TriggerPlan } from './config';

function notFound(error: unknown): boolean {
	const details = graphDetailsOf(error);
	return details?.status === 404 || details?.code === 'ErrorItemNotFound';
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
	const largeGate = largeDownloadGate();
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
				if (!notFound(error)) throw asNodeError(ctx.getNode(), error);
				binary = undefined;
			}
		}
		return { json: shapeMessage(plan.output, message), ...(binary ? { binary } : {}) };
	});
}

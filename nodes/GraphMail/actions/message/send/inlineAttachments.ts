/**
 * Send: the attachments that travel inside a request body (sendMail, the draft, small attachments
 * added to it), read from n8n's binary data and checked against the size planned.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { readAttachmentBytes, type ResolvedAttachment } from '../../../binary/binaryAttachments';
import { itemMessage } from '../../../helpers/itemText';
import type { GraphFileAttachment } from './payload';
import { fileAttachment, sendMailBody, type PlannedAttachment } from './plan';
import type { PreparedSend } from './prepare';

export async function inlineAttachment(
	ctx: IExecuteFunctions,
	itemIndex: number,
	planned: PlannedAttachment,
	resolved: ResolvedAttachment,
): Promise<GraphFileAttachment> {
	const bytes = await readAttachmentBytes(ctx, itemIndex, resolved);
	if (bytes.length !== planned.size) {
		throw new NodeOperationError(
			ctx.getNode(),
			itemMessage(`Attachments: binary field '${planned.binaryProperty}' holds ${bytes.length} bytes, its metadata says ${planned.size}`, itemIndex),
			{ itemIndex },
		);
	}
	return fileAttachment(planned, bytes.toString('base64'));
}

/** The body of `POST {mailbox}/sendMail` for a sendMail plan, with the attachments' bytes read. */
export async function sendMailRequestBody(ctx: IExecuteFunctions, prepared: PreparedSend): Promise<IDataObject> {
	const { plan, itemIndex } = prepared;
	const attachments: GraphFileAttachment[] = [];
	for (let i = 0; i < plan.attachments.length; i++) {
		attachments.push(await inlineAttachment(ctx, itemIndex, plan.attachments[i], prepared.attachments[i]));
	}
	return sendMailBody(plan.message, plan.saveToSentItems, attachments) as unknown as IDataObject;
}

/** Attachment routes: list, get, $value, add (file < 3 MB or item), delete. */
import type { HandlerResult } from '../../contract';
import { parseAttachmentInput } from '../input/attachment-input';
import type { RequestContext } from '../routing/context';
import { GraphError, itemNotFound } from '../errors';
import { itemAttachmentMime } from '../content/item-mime';
import { readJsonObject } from '../input/json-body';
import { findMessageOr404 } from './messages';
import { parseSelect } from '../query/options';
import { checkMessageSize } from './send';
import { ATTACHMENT_PROPERTIES, odataContext, serializeAttachment } from './serialize';
import { touchMessage } from '../storage/store';
import type { StoredAttachment, StoredFolder, StoredMessage } from '../types';

const ATTACHMENT_TYPE = 'microsoft.graph.attachment';

function findAttachmentOr404(message: StoredMessage, attachmentId: string): StoredAttachment {
	const attachment = message.attachments.find((a) => a.id === attachmentId);
	if (!attachment) throw itemNotFound();
	return attachment;
}

export function listAttachments(
	ctx: RequestContext,
	messageId: string,
	folder?: StoredFolder,
): HandlerResult {
	const message = findMessageOr404(ctx, messageId, folder);
	const select = parseSelect(ctx.req.query, ATTACHMENT_PROPERTIES, ATTACHMENT_TYPE);
	return {
		status: 200,
		json: {
			'@odata.context': odataContext.attachments(ctx.urls.graphBaseUrl, ctx.owner.id, message.id),
			value: message.attachments.map((a) => serializeAttachment(a, { select })),
		},
	};
}

export function getAttachment(
	ctx: RequestContext,
	messageId: string,
	attachmentId: string,
	folder?: StoredFolder,
): HandlerResult {
	const message = findMessageOr404(ctx, messageId, folder);
	const attachment = findAttachmentOr404(message, attachmentId);
	const select = parseSelect(ctx.req.query, ATTACHMENT_PROPERTIES, ATTACHMENT_TYPE);
	return {
		status: 200,
		json: {
			'@odata.context': odataContext.attachment(ctx.urls.graphBaseUrl, ctx.owner.id, message.id),
			...serializeAttachment(attachment, { select, withMediaType: true }),
		},
	};
}

/** Raw bytes with the attachment's own content type (item attachments: the item's MIME). */
export function attachmentValue(
	ctx: RequestContext,
	messageId: string,
	attachmentId: string,
	folder?: StoredFolder,
): HandlerResult {
	const message = findMessageOr404(ctx, messageId, folder);
	const attachment = findAttachmentOr404(message, attachmentId);
	// attachment-get.md: "Attempting to get the $value of a reference attachment returns HTTP 405."
	if (attachment.kind === 'reference')
		throw new GraphError(
			405,
			'ErrorInvalidRequest',
			'The $value of a reference attachment cannot be read: it has no content.',
		);
	if (attachment.kind === 'item')
		return {
			status: 200,
			headers: { 'Content-Type': 'text/plain' },
			raw: itemAttachmentMime(ctx.state, ctx.now, attachment),
		};
	return {
		status: 200,
		headers: { 'Content-Type': attachment.contentType ?? 'application/octet-stream' },
		raw: attachment.bytes,
	};
}

export function addAttachment(
	ctx: RequestContext,
	messageId: string,
	folder?: StoredFolder,
): HandlerResult {
	const message = findMessageOr404(ctx, messageId, folder);
	const attachment = parseAttachmentInput(ctx.state, ctx.now, readJsonObject(ctx.req));
	checkMessageSize(ctx, { ...message, attachments: [...message.attachments, attachment] });
	message.attachments.push(attachment);
	touchMessage(ctx.state, ctx.mailbox, message, ctx.now);
	return {
		status: 201,
		json: {
			'@odata.context': odataContext.attachment(ctx.urls.graphBaseUrl, ctx.owner.id, message.id),
			...serializeAttachment(attachment, {}),
		},
	};
}

export function deleteAttachment(
	ctx: RequestContext,
	messageId: string,
	attachmentId: string,
	folder?: StoredFolder,
): HandlerResult {
	const message = findMessageOr404(ctx, messageId, folder);
	const attachment = findAttachmentOr404(message, attachmentId);
	message.attachments = message.attachments.filter((a) => a !== attachment);
	touchMessage(ctx.state, ctx.mailbox, message, ctx.now);
	return { status: 204 };
}

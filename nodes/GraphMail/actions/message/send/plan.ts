/**
 * How one mail goes to Graph, decided from sizes alone (no bytes are read here):
 *  - `sendMail`: one `POST {mailbox}/sendMail` carrying every attachment inline (base64), when the
 *    whole JSON request stays well under Graph's ~4 MB request limit and no file needs an upload
 *    session;
 *  - `draft`: `POST {mailbox}/messages` (with the small attachments that fit), `POST .../attachments`
 *    for the other small files, an upload session for each file of 3,000,000 bytes or more, then
 *    `POST .../send`.
 * Pure and deterministic, so the `$batch` path and the draft path run the same plans.
 */
import type { BuiltMessage, FieldProblem, GraphFileAttachment, GraphMessage } from './payload';

export const MiB = 1024 * 1024;
/** Files this size or larger need an upload session (Graph refuses sessions below it). */
export const UPLOAD_SESSION_MIN_BYTES = 3_000_000;
/** Budget for the one request that carries the message and inline attachments: well under ~4 MB. */
export const SINGLE_REQUEST_BUDGET_BYTES = 3 * MiB;
/** No JSON request may come closer than this to Graph's ~4 MB limit. */
export const MAX_JSON_REQUEST_BYTES = 4 * MiB - 64 * 1024;
/** Outlook's largest message. */
export const MAX_MESSAGE_BYTES = 150 * MiB;
/** Exchange Online's attachment count limit per message. */
export const MAX_ATTACHMENTS = 250;

/** Graph's flag that makes Exchange delete a sent draft instead of keeping it in Sent Items. */
export const DELETE_AFTER_SUBMIT_PROPERTY = { id: 'Boolean 0x0E01', value: 'true' };

export interface AttachmentSpec {
	/** Binary property of the input item the bytes come from. */
	binaryProperty: string;
	name: string;
	contentType: string;
	size: number;
	isInline: boolean;
	contentId?: string;
}

export type AttachmentRoute = 'inline' | 'attachment' | 'uploadSession';

export interface PlannedAttachment extends AttachmentSpec {
	/** inline: inside the sendMail / draft JSON; attachment: POST .../attachments; uploadSession: PUT ranges. */
	via: AttachmentRoute;
}

export type SendMethod = 'sendMail' | 'draft';

export interface SendPlan {
	method: SendMethod;
	/** `me` or a user id / UPN. */
	mailbox: string;
	/** The message without attachments. */
	message: GraphMessage;
	saveToSentItems: boolean;
	attachments: PlannedAttachment[];
	/** Bytes of the JSON request carrying the message (sendMail body or draft-create body). */
	requestBytes: number;
	/** Bytes of the message content: attachments plus body. */
	messageBytes: number;
	/** Return the message id, internetMessageId, conversationId and webLink (needs the draft path). */
	returnDetails: boolean;
	recipients: BuiltMessage['recipients'];
}

export interface PlanInput {
	mailbox: string;
	built: BuiltMessage;
	attachments: AttachmentSpec[];
	returnDetails: boolean;
}

export type PlanResult = { ok: true; plan: SendPlan } | { ok: false; problems: FieldProblem[] };

export function base64Length(size: number): number {
	return 4 * Math.ceil(size / 3);
}

function utf8Bytes(text: string): number {
	return Buffer.byteLength(text, 'utf8');
}

export function formatBytes(bytes: number): string {
	if (bytes < 1024) return `${bytes} B`;
	if (bytes < MiB) return `${(bytes / 1024).toFixed(1)} KiB`;
	return `${(bytes / MiB).toFixed(1)} MiB`;
}

/** Graph's fileAttachment for a file, with the given base64 content. */
export function fileAttachment(spec: AttachmentSpec, contentBytes: string): GraphFileAttachment {
	const attachment: GraphFileAttachment = {
		'@odata.type': '#microsoft.graph.fileAttachment',
		name: spec.name,
		contentType: spec.contentType,
		contentBytes,
	};
	if (spec.isInline) {
		attachment.isInline = true;
		if (spec.contentId) attachment.contentId = spec.contentId;
	}
	return attachment;
}

/** Body of `POST {mailbox}/sendMail`. */
export function sendMailBody(
	message: GraphMessage,
	saveToSentItems: boolean,
	attachments: GraphFileAttachment[],
): { message: GraphMessage; saveToSentItems?: false } {
	const full: GraphMessage = attachments.length ? { ...message, attachments } : { ...message };
	return saveToSentItems ? { message: full } : { message: full, saveToSentItems: false };
}

/** Body of `POST {mailbox}/messages` (the draft). */
export function draftBody(message: GraphMessage, saveToSentItems: boolean, attachments: GraphFileAttachment[]): GraphMessage {
	const draft: GraphMessage = attachments.length ? { ...message, attachments } : { ...message };
	if (!saveToSentItems) draft.singleValueExtendedProperties = [{ ...DELETE_AFTER_SUBMIT_PROPERTY }];
	return draft;
}

/** Exact JSON size of a body whose attachments carry `contentBytes: ''`, plus their base64. */
function requestBytesOf(body: unknown, attachments: AttachmentSpec[]): number {
	return utf8Bytes(JSON.stringify(body)) + attachments.reduce((sum, spec) => sum + base64Length(spec.size), 0);
}

/** Bytes one attachment adds to a JSON request's attachments array. */
function attachmentCost(spec: AttachmentSpec): number {
	return utf8Bytes(JSON.stringify(fileAttachment(spec, ''))) + base64Length(spec.size) + 1;
}

export function planSend(input: PlanInput): PlanResult {
	const { built, attachments, mailbox, returnDetails } = input;
	const { message, saveToSentItems } = built;
	const problems: FieldProblem[] = [];

	if (attachments.length > MAX_ATTACHMENTS) {
		problems.push({
			field: 'Attachments',
			message: `${attachments.length} attachments; Exchange Online accepts at most ${MAX_ATTACHMENTS} per message`,
		});
	}
	const attachmentBytes = attachments.reduce((sum, spec) => sum + spec.size, 0);
	const bodyBytes = utf8Bytes(message.body.content);
	const messageBytes = attachmentBytes + bodyBytes;
	if (messageBytes > MAX_MESSAGE_BYTES) {
		problems.push({
			field: 'Attachments',
			message: `the message would be ${formatBytes(messageBytes)} (attachments ${formatBytes(attachmentBytes)}); Outlook accepts at most ${formatBytes(MAX_MESSAGE_BYTES)} per message. Nothing was uploaded.`,
			hint: 'Send the files in several messages, or share a link to them instead',
		});
	}
	const bareDraftBytes = utf8Bytes(JSON.stringify(draftBody(message, saveToSentItems, [])));
	if (bareDraftBytes > MAX_JSON_REQUEST_BYTES) {
		problems.push({
			field: 'Body',
			message: `the message without attachments is ${formatBytes(bareDraftBytes)} as JSON; Graph accepts requests up to about 4 MB`,
			hint: 'Shorten the body; put embedded images in inline attachments instead of data: URLs',
		});
	}
	if (problems.length) return { ok: false, problems };

	const base = { mailbox, message, saveToSentItems, messageBytes, returnDetails, recipients: built.recipients };
	const needsUploadSession = attachments.some((spec) => spec.size >= UPLOAD_SESSION_MIN_BYTES);
	if (!needsUploadSession && !returnDetails) {
		const emptied = attachments.map((spec) => fileAttachment(spec, ''));
		const requestBytes = requestBytesOf(sendMailBody(message, saveToSentItems, emptied), attachments);
		if (requestBytes <= SINGLE_REQUEST_BUDGET_BYTES) {
			return {
				ok: true,
				plan: { ...base, method: 'sendMail', requestBytes, attachments: attachments.map((spec) => ({ ...spec, via: 'inline' })) },
			};
		}
	}

	// Draft path: pack small files into the draft while it stays within budget, in order.
	let requestBytes = bareDraftBytes + (attachments.length ? utf8Bytes(',"attachments":[]') : 0);
	const planned: PlannedAttachment[] = attachments.map((spec) => {
		if (spec.size >= UPLOAD_SESSION_MIN_BYTES) return { ...spec, via: 'uploadSession' };
		const cost = attachmentCost(spec);
		if (requestBytes + cost <= SINGLE_REQUEST_BUDGET_BYTES) {
			requestBytes += cost;
			return { ...spec, via: 'inline' };
		}
		return { ...spec, via: 'attachment' };
	});
	const inline = planned.filter((spec) => spec.via === 'inline');
	requestBytes = requestBytesOf(
		draftBody(
			message,
			saveToSentItems,
			inline.map((spec) => fileAttachment(spec, '')),
		),
		inline,
	);
	return { ok: true, plan: { ...base, method: 'draft', requestBytes, attachments: planned } };
}

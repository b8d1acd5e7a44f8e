/**
 * Message actions (issue 15): reply, replyAll and forward (sent at once, 202) or as drafts (createReply,
 * createReplyAll, createForward: 201 in Drafts), copy (201, a new message) and permanentDelete (204).
 * Docs: message-reply.md, message-replyall.md, message-forward.md, message-createreply*.md,
 * message-createforward.md, message-copy.md, message-permanentdelete.md (microsoft-graph-docs-contrib).
 */
import type { HandlerResult } from '../../contract';
import { escapeHtml, textToHtml, wrapHtmlDocument } from '../content/body-format';
import type { RequestContext } from '../routing/context';
import type { MessageActionOperation } from '../routing/action-routes';
import { copyAttachment } from '../input/attachment-input';
import { badRequest, invalidActionParameter, itemNotFound } from '../errors';
import { getProperty, isObject, readJsonObject } from '../input/json-body';
import type { JsonObject } from '../input/json-body';
import { parseMessageInput } from '../input/message-input';
import type { MessageInput } from '../input/message-input';
import { deliverToRecipients } from './delivery';
import { findMessageOr404, respondWithMessage } from './messages';
import { checkMessageSize, resolveIdentity, validateRecipients } from './send';
import {
	buildMessage,
	insertMessage,
	removeMessage,
	resolveFolder,
	wellKnownFolder,
} from '../storage/store';
import { toRfc5322Date } from '../time';
import type { Address, ItemBody, StoredFolder, StoredMessage } from '../types';

type ReplyKind = 'reply' | 'replyAll' | 'forward';

interface ActionRequest {
	comment?: string;
	message?: MessageInput;
	/** forward / createForward only */
	toRecipients?: Address[];
}

const PARAMETERS: Record<ReplyKind, string[]> = {
	reply: ['comment', 'message'],
	replyAll: ['comment', 'message'],
	forward: ['comment', 'message', 'torecipients'],
};

function readActionRequest(ctx: RequestContext, kind: ReplyKind, operation: string): ActionRequest {
	// "This method does not require a request body" (createReply*): no body is an empty parameter list
	const json = readJsonObject(ctx.req, { allowEmpty: true });
	for (const key of Object.keys(json)) {
		if (!PARAMETERS[kind].includes(key.toLowerCase()) && !key.startsWith('@odata.'))
			throw invalidActionParameter(key, operation);
	}
	const request: ActionRequest = {};
	const comment = getProperty(json, 'comment');
	if (comment !== undefined && comment !== null) {
		if (typeof comment !== 'string')
			throw badRequest(
				"Cannot convert the value of the parameter 'Comment' to 'Edm.String'.",
				'RequestBodyRead',
			);
		request.comment = comment;
	}
	const message = getProperty(json, 'message');
	if (message !== undefined && message !== null) {
		if (!isObject(message))
			throw badRequest("The parameter 'Message' must be a message object.", 'RequestBodyRead');
		request.message = parseMessageInput(ctx.state, ctx.now, message);
	}
	// message-reply.md: "Specify either a comment or the body property of the message parameter. Specifying both will return an HTTP 400"
	if (request.comment !== undefined && request.message?.body) {
		throw badRequest(
			'Specify either a comment or the body property of the message parameter, not both.',
			'ErrorInvalidRequest',
		);
	}
	const toRecipients = getProperty(json, 'toRecipients');
	if (toRecipients !== undefined && toRecipients !== null) {
		const parsed = parseMessageInput(ctx.state, ctx.now, { toRecipients } as JsonObject);
		request.toRecipients = parsed.to;
	}
	// message-forward.md: "Specify either the toRecipients parameter or the toRecipients property of the
	// message parameter. Specifying both or specifying neither will return an HTTP 400 Bad Request error."
	if (operation === 'forward') {
		const both = request.toRecipients !== undefined && request.message?.to !== undefined;
		const neither = request.toRecipients === undefined && request.message?.to === undefined;
		if (both || neither) {
			throw badRequest(
				'Specify either the toRecipients parameter or the toRecipients property of the message parameter.',
				'ErrorInvalidRequest',
			);
		}
	}
	return request;
}

const same = (a: Address, b: Address) => a.address.toLowerCase() === b.address.toLowerCase();

function unique(addresses: Address[], without: Address[] = []): Address[] {
	const out: Address[] = [];
	for (const a of addresses)
		if (!out.some((o) => same(o, a)) && !without.some((w) => same(w, a))) out.push(a);
	return out;
}

/** RFC 2822 (as the docs say): reply to replyTo when the original has one, else to its sender. */
function replyTargets(original: StoredMessage): Address[] {
	if (original.replyTo.length) return original.replyTo;
	const from = original.from ?? original.sender;
	return from ? [from] : [];
}

function recipientsFor(
	kind: ReplyKind,
	ctx: RequestContext,
	original: StoredMessage,
	request: ActionRequest,
): { to: Address[]; cc: Address[] } {
	const self: Address = { address: ctx.owner.mail };
	const given = request.message;
	if (kind === 'forward')
		return {
			to: unique([...(request.toRecipients ?? []), ...(given?.to ?? [])]),
			cc: given?.cc ?? [],
		};
	const to = replyTargets(original);
	if (kind === 'reply') return { to: unique([...to, ...(given?.to ?? [])]), cc: given?.cc ?? [] };
	const allTo = unique(
		[...to, ...original.to, ...(given?.to ?? [])],
		to.some((a) => same(a, self)) ? [] : [self],
	);
	return { to: allTo, cc: unique([...original.cc, ...(given?.cc ?? [])], [self, ...allTo]) };
}

const PREFIX: Record<ReplyKind, string> = { reply: 'RE: ', replyAll: 'RE: ', forward: 'FW: ' };

function prefixedSubject(kind: ReplyKind, subject: string): string {
	const prefix = PREFIX[kind];
	return subject.toUpperCase().startsWith(prefix) ? subject : `${prefix}${subject}`;
}

const formatList = (list: Address[]) =>
	list.map((a) => escapeHtml(a.name ? `${a.name} <${a.address}>` : a.address)).join('; ');

/** The new text above Outlook's quoted header block and the original body. */
function composeBody(original: StoredMessage, request: ActionRequest): ItemBody {
	const given = request.message?.body;
	const top = given
		? given.contentType === 'html'
			? given.content
			: textToHtml(given.content)
		: textToHtml(request.comment ?? '');
	const from = original.from ?? original.sender;
	const header = [
		from ? `<b>From:</b> ${formatList([from])}<br>` : '',
		`<b>Sent:</b> ${escapeHtml(toRfc5322Date(original.sentAt))}<br>`,
		original.to.length ? `<b>To:</b> ${formatList(original.to)}<br>` : '',
		original.cc.length ? `<b>Cc:</b> ${formatList(original.cc)}<br>` : '',
		`<b>Subject:</b> ${escapeHtml(original.subject)}`,
	].join('');
	const quoted =
		original.body.contentType === 'html'
			? original.body.content
			: textToHtml(original.body.content);
	return {
		contentType: 'html',
		content: wrapHtmlDocument(
			`<div>${top}</div><hr><div id="divRplyFwdMsg">${header}</div>${quoted}`,
		),
	};
}

/** In-Reply-To / References as RFC 5322 threads a reply (what Exchange writes on a reply). */
function threadHeaders(kind: ReplyKind, original: StoredMessage) {
	if (kind === 'forward') return [];
	const references = original.headers.find((h) => h.name.toLowerCase() === 'references')?.value;
	return [
		{ name: 'In-Reply-To', value: original.internetMessageId },
		{
			name: 'References',
			value: references
				? `${references} ${original.internetMessageId}`
				: original.internetMessageId,
		},
	];
}

function composeReply(
	ctx: RequestContext,
	kind: ReplyKind,
	original: StoredMessage,
	request: ActionRequest,
) {
	const given = request.message ?? {};
	const { to, cc } = recipientsFor(kind, ctx, original, request);
	return {
		subject: given.subject ?? prefixedSubject(kind, original.subject),
		body: composeBody(original, request),
		importance: given.importance ?? 'normal',
		categories: given.categories ?? [],
		to,
		cc,
		bcc: given.bcc ?? [],
		replyTo: given.replyTo ?? [],
		isDeliveryReceiptRequested: given.isDeliveryReceiptRequested ?? false,
		isReadReceiptRequested: given.isReadReceiptRequested ?? false,
		flag: given.flag,
		conversationId: original.conversationId,
		headers: [...threadHeaders(kind, original), ...(given.headers ?? [])],
		extendedProperties: given.extendedProperties ?? [],
		// a forward carries the original's attachments (message-forward.md); a reply its own only
		attachments: [
			...(kind === 'forward' ? original.attachments.map((a) => copyAttachment(ctx.state, a)) : []),
			...(given.attachments ?? []),
		],
	};
}

const KIND_OF: Partial<Record<MessageActionOperation, ReplyKind>> = {
	reply: 'reply',
	replyAll: 'replyAll',
	forward: 'forward',
	createReply: 'reply',
	createReplyAll: 'replyAll',
	createForward: 'forward',
};

/** The request, and the reply or forward it composes from the original message. */
function composeAction(
	ctx: RequestContext,
	operation: keyof typeof KIND_OF,
	id: string,
	folder?: StoredFolder,
) {
	const kind = KIND_OF[operation] as ReplyKind;
	const request = readActionRequest(ctx, kind, operation);
	const original = findMessageOr404(ctx, id, folder);
	return { request, fields: composeReply(ctx, kind, original, request) };
}

/** POST .../reply | replyAll | forward -> 202, no body; the mail goes to Sent Items and to its recipients. */
export function sendReply(
	ctx: RequestContext,
	operation: 'reply' | 'replyAll' | 'forward',
	id: string,
	folder?: StoredFolder,
): HandlerResult {
	const { request, fields } = composeAction(ctx, operation, id, folder);
	validateRecipients(fields.to, fields.cc, fields.bcc);
	const { from, sender } = resolveIdentity(ctx, request.message?.from ?? undefined);
	checkMessageSize(ctx, fields);
	const sent = insertMessage(
		ctx.mailbox,
		wellKnownFolder(ctx.mailbox, 'sentitems'),
		buildMessage(ctx.state, ctx.now, { ...fields, from, sender, isRead: true, isDraft: false }),
	);
	deliverToRecipients(ctx.state, ctx.mailbox.userId, sent, ctx.now);
	return { status: 202 };
}

/** POST .../createReply | createReplyAll | createForward -> 201 with the draft (in Drafts). */
export function createReplyDraft(
	ctx: RequestContext,
	operation: 'createReply' | 'createReplyAll' | 'createForward',
	id: string,
	folder?: StoredFolder,
): HandlerResult {
	const { request, fields } = composeAction(ctx, operation, id, folder);
	checkMessageSize(ctx, fields);
	const self: Address = { name: ctx.owner.displayName, address: ctx.owner.mail };
	const from = request.message?.from ?? self;
	const draft = insertMessage(
		ctx.mailbox,
		wellKnownFolder(ctx.mailbox, 'drafts'),
		buildMessage(ctx.state, ctx.now, {
			...fields,
			from,
			sender: from,
			isRead: true,
			isDraft: true,
		}),
	);
	return respondWithMessage(ctx, 201, draft);
}

/** {destinationId}: a folder id or a well-known name (message-copy.md, message-move.md, mailfolder-move.md). */
export function readDestination(ctx: RequestContext, operation: string): StoredFolder {
	const json = readJsonObject(ctx.req);
	for (const key of Object.keys(json)) {
		if (key.toLowerCase() !== 'destinationid' && !key.startsWith('@odata.'))
			throw invalidActionParameter(key, operation);
	}
	const destinationId = getProperty(json, 'destinationId');
	if (typeof destinationId !== 'string' || destinationId === '') {
		throw badRequest(
			"The value of the parameter 'DestinationId' is empty.",
			'ErrorInvalidParameter',
		);
	}
	const destination = resolveFolder(ctx.mailbox, destinationId);
	if (!destination) throw itemNotFound();
	return destination;
}

/** POST .../copy {destinationId} -> 201 with the copy (a new id; the original stays). */
export function copyMessage(ctx: RequestContext, id: string, folder?: StoredFolder): HandlerResult {
	const original = findMessageOr404(ctx, id, folder);
	const destination = readDestination(ctx, 'copy');
	// buildMessage takes the content and gives the copy its own id, immutable id and change key
	const fields = original;
	const copy = insertMessage(
		ctx.mailbox,
		destination,
		buildMessage(ctx.state, ctx.now, {
			...fields,
			createdAt: undefined,
			headers: fields.headers.map((h) => ({ ...h })),
			categories: [...fields.categories],
			flag: { ...fields.flag },
			attachments: fields.attachments.map((a) => copyAttachment(ctx.state, a)),
			lastModifiedAt: undefined,
		}),
	);
	return respondWithMessage(ctx, 201, copy);
}

/** POST .../permanentDelete (no body) -> 204; the message is gone from every folder (Purges). */
export function permanentDeleteMessage(
	ctx: RequestContext,
	id: string,
	folder?: StoredFolder,
): HandlerResult {
	const [unexpected] = Object.keys(readJsonObject(ctx.req, { allowEmpty: true }));
	if (unexpected !== undefined) throw invalidActionParameter(unexpected, 'permanentDelete');
	removeMessage(ctx.mailbox, findMessageOr404(ctx, id, folder));
	return { status: 204 };
}

/** sendMail (JSON or base64 MIME) and sending a draft: validation, send-as rules, Sent Items, delivery. */
import { LIMITS } from '../../contract';
import type { HandlerResult } from '../../contract';
import { hasSendSharedScope } from '../routing/access';
import { wrapHtmlDocument } from '../content/body-format';
import { guessContentType } from '../content/content-type';
import type { RequestContext } from '../routing/context';
import { deliverToRecipients } from './delivery';
import { badRequest, GraphError, invalidActionParameter, itemNotFound } from '../errors';
import { newId } from '../storage/ids';
import { getProperty, isObject, readJsonObject } from '../input/json-body';
import { deletesAfterSubmit, parseMessageInput } from '../input/message-input';
import type { MessageInput } from '../input/message-input';
import { decodeMimeBase64, parseMime } from '../content/mime-parse';
import { contentTypeOf } from '../query/options';
import {
	buildMessage,
	findMessage,
	insertMessage,
	messageSize,
	moveMessage,
	removeMessage,
	wellKnownFolder,
} from '../storage/store';
import { wholeSeconds } from '../time';
import { findUserByAddress, rightsOf } from '../storage/users';
import type { Address, ItemBody, StoredMessage } from '../types';

const SEND_AS_DENIED =
	'The user account which was used to submit this request does not have the right to send mail on behalf of the specified sending account. Cannot submit message.';

const ADDRESS = /^[^\s@;,<>()"']+@[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)*$/u;

function invalidRecipients(detail: string): GraphError {
	return new GraphError(
		400,
		'ErrorInvalidRecipients',
		`At least one recipient isn't valid., ${detail}`,
	);
}

export function validateRecipients(to: Address[], cc: Address[], bcc: Address[]): void {
	const all = [...to, ...cc, ...bcc];
	if (all.length === 0)
		throw invalidRecipients("A message can't be sent because it contains no recipients.");
	if (all.length > LIMITS.maxRecipients) {
		throw new GraphError(
			400,
			'ErrorTooManyRecipients',
			`The message has ${all.length} recipients; at most ${LIMITS.maxRecipients} (to + cc + bcc) are allowed.`,
		);
	}
	for (const recipient of all) {
		if (!ADDRESS.test(recipient.address.trim())) {
			throw invalidRecipients(
				`Recipient '${recipient.address}' isn't resolved. All recipients must be resolved before a message can be submitted.`,
			);
		}
	}
}

export function checkMessageSize(
	ctx: RequestContext,
	message: Pick<StoredMessage, 'body' | 'subject' | 'attachments'>,
): void {
	if (messageSize(message) > ctx.config.maxMessageBytes) {
		throw new GraphError(
			400,
			'ErrorMessageSizeExceeded',
			'The message exceeds the maximum supported size., Cannot save changes made to an item to store.',
		);
	}
}

/**
 * `from` other than the caller needs a sendAs or sendOnBehalf grant from that mailbox AND Mail.Send.Shared.
 * Send As: sender = from. Send on Behalf: sender = the caller.
 */
export function resolveIdentity(
	ctx: RequestContext,
	requestedFrom: Address | undefined,
): { from: Address; sender: Address } {
	const fromAddress = requestedFrom?.address ?? ctx.owner.mail;
	const fromUser = findUserByAddress(ctx.state, fromAddress);
	// An app-only caller acts as the mailbox owner.
	const actingId = ctx.caller.app ? ctx.owner.id : ctx.caller.userId.toLowerCase();
	const callerUser = ctx.state.users.get(actingId);
	if (fromUser && fromUser.id === actingId) {
		const self = { name: requestedFrom?.name ?? fromUser.displayName, address: fromAddress };
		return { from: self, sender: self };
	}
	const rights = fromUser ? rightsOf(ctx.state, fromUser.id, actingId) : undefined;
	if (
		!fromUser ||
		!rights ||
		!(rights.sendAs || rights.sendOnBehalf) ||
		!hasSendSharedScope(ctx.config, ctx.caller)
	) {
		throw new GraphError(403, 'ErrorSendAsDenied', SEND_AS_DENIED);
	}
	const from = { name: requestedFrom?.name ?? fromUser.displayName, address: fromAddress };
	if (rights.sendAs) return { from, sender: from };
	const sender = callerUser ? { name: callerUser.displayName, address: callerUser.mail } : from;
	return { from, sender };
}

function storedBody(body: ItemBody | undefined): ItemBody {
	if (!body) return { contentType: 'text', content: '' };
	return body.contentType === 'html'
		? { contentType: 'html', content: wrapHtmlDocument(body.content) }
		: body;
}

function parseSaveToSentItems(value: unknown): boolean {
	if (value === undefined || value === null) return true;
	if (typeof value === 'boolean') return value;
	if (typeof value === 'string' && /^(true|false)$/i.test(value.trim()))
		return value.trim().toLowerCase() === 'true';
	throw badRequest(
		`Cannot convert the literal '${String(value)}' to the expected type 'Edm.Boolean'.`,
		'RequestBodyRead',
	);
}

const MESSAGE_EMPTY = () =>
	badRequest("The value of the parameter 'Message' is empty.", 'ErrorInvalidParameter');

function jsonSendRequest(ctx: RequestContext): { input: MessageInput; saveToSentItems: boolean } {
	const json = readJsonObject(ctx.req);
	// strict reading of the docs: the payload must wrap the message (user-sendmail "Example 5" is refused)
	const message = getProperty(json, 'message');
	if (!isObject(message)) throw MESSAGE_EMPTY();
	for (const key of Object.keys(json)) {
		const lower = key.toLowerCase();
		if (lower !== 'message' && lower !== 'savetosentitems' && !key.startsWith('@odata.')) {
			throw invalidActionParameter(key, 'sendMail');
		}
	}
	return {
		input: parseMessageInput(ctx.state, ctx.now, message),
		saveToSentItems: parseSaveToSentItems(getProperty(json, 'saveToSentItems')),
	};
}

function mimeSendRequest(ctx: RequestContext): { input: MessageInput; saveToSentItems: boolean } {
	const mime = parseMime(decodeMimeBase64(ctx.req.body));
	// only the custom (x-) headers become internetMessageHeaders, as with JSON
	const custom = mime.headers.filter((h) => /^x-/i.test(h.name));
	const t = wholeSeconds(ctx.now);
	const body: ItemBody | undefined =
		mime.htmlBody !== undefined
			? { contentType: 'html', content: mime.htmlBody }
			: mime.textBody !== undefined
				? { contentType: 'text', content: mime.textBody }
				: undefined;
	const named = (a: Address): Address => ({
		name: a.name ?? findUserByAddress(ctx.state, a.address)?.displayName,
		address: a.address,
	});
	return {
		input: {
			subject: mime.subject,
			body,
			importance: mime.importance,
			from: mime.from ? named(mime.from) : undefined,
			to: mime.to.map(named),
			cc: mime.cc.map(named),
			bcc: mime.bcc.map(named),
			replyTo: mime.replyTo.map(named),
			headers: custom,
			attachments: mime.attachments.map((a) => ({
				id: newId(ctx.state, 'attachment'),
				kind: 'file' as const,
				name: a.name,
				contentType: a.contentType || guessContentType(a.name, a.bytes),
				size: a.bytes.length,
				isInline: a.isInline,
				contentId: a.contentId,
				contentLocation: null,
				lastModifiedAt: t,
				bytes: a.bytes,
			})),
		},
		saveToSentItems: true,
	};
}

/** POST /sendMail -> 202, empty body. */
export function sendMail(ctx: RequestContext): HandlerResult {
	const { input, saveToSentItems } =
		contentTypeOf(ctx.req) === 'text/plain' ? mimeSendRequest(ctx) : jsonSendRequest(ctx);
	const to = input.to ?? [];
	const cc = input.cc ?? [];
	const bcc = input.bcc ?? [];
	validateRecipients(to, cc, bcc);
	const { from, sender } = resolveIdentity(ctx, input.from ?? undefined);
	const fields = {
		subject: input.subject ?? '',
		body: storedBody(input.body),
		importance: input.importance ?? 'normal',
		categories: input.categories ?? [],
		from,
		sender,
		to,
		cc,
		bcc,
		replyTo: input.replyTo ?? [],
		isRead: true,
		isDraft: false,
		isDeliveryReceiptRequested: input.isDeliveryReceiptRequested ?? false,
		isReadReceiptRequested: input.isReadReceiptRequested ?? false,
		flag: input.flag,
		headers: input.headers ?? [],
		internetMessageId: input.internetMessageId,
		extendedProperties: input.extendedProperties ?? [],
		attachments: input.attachments ?? [],
	};
	checkMessageSize(ctx, {
		subject: fields.subject,
		body: fields.body,
		attachments: fields.attachments,
	});
	const sent = buildMessage(ctx.state, ctx.now, fields);
	if (saveToSentItems && !deletesAfterSubmit(fields.extendedProperties)) {
		const stored = insertMessage(ctx.mailbox, wellKnownFolder(ctx.mailbox, 'sentitems'), sent);
		deliverToRecipients(ctx.state, ctx.mailbox.userId, stored, ctx.now);
	} else {
		deliverToRecipients(
			ctx.state,
			ctx.mailbox.userId,
			{ ...sent, folderId: '', createdSeq: 0, changedSeq: 0 },
			ctx.now,
		);
	}
	return { status: 202 };
}

/** POST /messages/{id}/send -> 202; the draft moves to Sent Items (with a new id, as Exchange does). */
export function sendDraft(ctx: RequestContext, messageId: string): HandlerResult {
	// message-send.md: "Do not supply a request body". No body, or `{}` (what a $batch needs,
	// wire facts 5), is an empty parameter list; any parameter is refused like OData refuses one.
	const [parameter] = Object.keys(readJsonObject(ctx.req, { allowEmpty: true }));
	if (parameter !== undefined) {
		throw invalidActionParameter(parameter, 'send');
	}
	const draft = findMessage(ctx.mailbox, messageId);
	if (!draft) throw itemNotFound();
	if (!draft.isDraft)
		throw badRequest('Only a draft message can be sent.', 'ErrorInvalidOperation');
	validateRecipients(draft.to, draft.cc, draft.bcc);
	const { from, sender } = resolveIdentity(ctx, draft.from);
	checkMessageSize(ctx, draft);
	if (deletesAfterSubmit(draft.extendedProperties)) {
		// Exchange submits it and deletes the item: recipients get it, Sent Items does not
		draft.from = from;
		draft.sender = sender;
		draft.isDraft = false;
		draft.sentAt = wholeSeconds(ctx.now);
		deliverToRecipients(ctx.state, ctx.mailbox.userId, draft, ctx.now);
		removeMessage(ctx.mailbox, draft);
		return { status: 202 };
	}
	const sent = moveMessage(
		ctx.state,
		ctx.mailbox,
		draft,
		wellKnownFolder(ctx.mailbox, 'sentitems'),
		ctx.now,
	);
	const t = wholeSeconds(ctx.now);
	sent.isDraft = false;
	sent.isRead = true;
	sent.from = from;
	sent.sender = sender;
	sent.sentAt = t;
	sent.receivedAt = t;
	sent.previewCache = undefined;
	deliverToRecipients(ctx.state, ctx.mailbox.userId, sent, ctx.now);
	return { status: 202 };
}

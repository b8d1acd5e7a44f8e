/**
 * Large attachments: createUploadSession on the Graph side, then PUT byte ranges to a pre-authenticated
 * URL on the upload listener (no bearer token). Bytes must arrive in order; each chunk at most 4 MiB.
 * Chunks are kept as separate Buffers and joined once, at completion.
 */
import { timingSafeEqual } from 'node:crypto';
import { LIMITS } from '../../contract';
import type { HandlerResult, RawRequest, RouteInfo, UrlContext } from '../../contract';
import { accessDenied, badRequest, GraphError, itemNotFound } from '../errors';
import { guessContentType } from '../content/content-type';
import type { RequestContext } from '../routing/context';
import { newId, newSecret } from '../storage/ids';
import { getProperty, isObject, readJsonObject } from '../input/json-body';
import { findMessageOr404 } from './messages';
import { odataContext } from './serialize';
import { findMessage, messageSize, touchMessage } from '../storage/store';
import { wholeSeconds } from '../time';
import type { MailState, ServiceConfig, StoredFolder, UploadSession } from '../types';

function sizeExceeded(): GraphError {
	return new GraphError(
		400,
		'ErrorMessageSizeExceeded',
		'The message exceeds the maximum supported size., Cannot save changes made to an item to store.',
	);
}

function uploadUrl(urls: UrlContext, session: UploadSession): string {
	return `${urls.uploadBaseUrl}/upload/${session.id}?authtoken=${session.authToken}`;
}

/** POST .../messages/{id}/attachments/createUploadSession {AttachmentItem: {...}} -> 201 uploadSession. */
export function createUploadSession(
	ctx: RequestContext,
	messageId: string,
	folder?: StoredFolder,
): HandlerResult {
	// Graph known issue, opt-in: delegated createUploadSession fails with 403 outside the caller's own mailbox
	// Delegated access only (Graph's known issue); app-only callers upload to any mailbox they may use.
	if (
		ctx.config.sharedMailboxUploadForbidden &&
		!ctx.caller.app &&
		ctx.owner.id !== ctx.caller.userId.toLowerCase()
	)
		throw accessDenied();
	const message = findMessageOr404(ctx, messageId, folder);
	const json = readJsonObject(ctx.req);
	const item = getProperty(json, 'AttachmentItem');
	if (!isObject(item))
		throw badRequest(
			"The value of the parameter 'AttachmentItem' is empty.",
			'ErrorInvalidParameter',
		);
	const attachmentType = getProperty(item, 'attachmentType');
	if (typeof attachmentType !== 'string' || attachmentType.toLowerCase() !== 'file') {
		throw badRequest(
			"Only attachmentType 'file' is supported for upload sessions.",
			'ErrorInvalidParameter',
		);
	}
	const name = getProperty(item, 'name');
	if (typeof name !== 'string' || name.trim() === '') {
		throw badRequest("The attachment property 'name' is required.", 'ErrorInvalidParameter');
	}
	const size = getProperty(item, 'size');
	if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) {
		throw badRequest(
			"The attachment property 'size' must be a non-negative integer.",
			'ErrorInvalidParameter',
		);
	}
	if (size < LIMITS.minUploadSessionBytes) {
		throw new GraphError(
			400,
			'ErrorAttachmentSizeShouldNotBeLessThanMinimumSize',
			`Attachment size must not be less than the minimum size of ${LIMITS.minUploadSessionBytes} bytes for an upload session.`,
		);
	}
	if (messageSize(message) + size > ctx.config.maxMessageBytes) throw sizeExceeded();
	const contentType = getProperty(item, 'contentType');
	const contentId = getProperty(item, 'contentId');
	const session: UploadSession = {
		id: newSecret(18),
		authToken: newSecret(32),
		userId: ctx.owner.id,
		// the immutable id survives a move of the draft; the Location names the message as the client did
		messageId: message.immutableId,
		messageRef: messageId,
		name,
		size,
		contentType: typeof contentType === 'string' && contentType ? contentType : null,
		isInline: getProperty(item, 'isInline') === true,
		contentId: typeof contentId === 'string' && contentId ? contentId : null,
		chunks: [],
		nextOffset: 0,
		expiresAt: ctx.now + ctx.config.uploadSessionLifetimeMs,
	};
	ctx.state.uploads.set(session.id, session);
	return {
		status: 201,
		json: {
			'@odata.context': odataContext.uploadSession(ctx.urls.graphBaseUrl),
			uploadUrl: uploadUrl(ctx.urls, session),
			expirationDateTime: new Date(session.expiresAt).toISOString(),
			nextExpectedRanges: ['0-'],
		},
	};
}

/** The session id is the last path segment (`/upload/<id>` or just `/<id>`). */
function sessionIdOf(req: RawRequest): string {
	const last = req.path.split('?', 1).join('').split('/').filter(Boolean).at(-1);
	return last === undefined ? '' : decodeURIComponent(last);
}

export function classifyUpload(state: MailState, req: RawRequest): RouteInfo {
	const route = req.method.toUpperCase() === 'DELETE' ? 'cancelUpload' : 'uploadChunk';
	const session = state.uploads.get(sessionIdOf(req));
	return session ? { route, mailboxId: session.userId } : { route, unresolved: true };
}

function sameSecret(a: string, b: string): boolean {
	const x = Buffer.from(a);
	const y = Buffer.from(b);
	return x.length === y.length && timingSafeEqual(x, y);
}

function uploadError(status: number, code: string, message: string): HandlerResult {
	return new GraphError(status, code, message).toResult();
}

/** A range the session cannot take, shaped as errors.md's sample: `badRequest` with inner `invalidRange`. */
function rangeError(status: 400 | 416, message: string): HandlerResult {
	return new GraphError(status, 'badRequest', message, undefined, 'invalidRange').toResult();
}

function progressBody(urls: UrlContext, session: UploadSession): Record<string, unknown> {
	return {
		'@odata.context': `${urls.uploadBaseUrl}/upload/$metadata#AttachmentSessions/$entity`,
		ExpirationDateTime: new Date(session.expiresAt).toISOString(),
		nextExpectedRanges: [String(session.nextOffset)],
	};
}

function header(req: RawRequest, name: string): string | undefined {
	const value = req.headers[name];
	return Array.isArray(value) ? value[0] : value;
}

/** PUT a byte range / DELETE to cancel / GET the progress (an extension, as OneDrive sessions have). */
export function handleUpload(
	state: MailState,
	config: ServiceConfig,
	req: RawRequest,
	urls: UrlContext,
): HandlerResult {
	const now = config.now();
	const session = state.uploads.get(sessionIdOf(req));
	if (!session)
		return uploadError(
			404,
			'itemNotFound',
			'The upload session was not found; it was completed, cancelled or never existed.',
		);
	if (!sameSecret(req.query.get('authtoken') ?? '', session.authToken)) {
		return uploadError(401, 'InvalidAuthenticationToken', 'Access token validation failure.');
	}
	const method = req.method.toUpperCase();
	if (method === 'DELETE') {
		state.uploads.delete(session.id);
		return { status: 204 };
	}
	if (now > session.expiresAt) {
		session.chunks = []; // free the memory; keep the session so later calls still say "expired"
		return uploadError(
			404,
			'itemNotFound',
			`The upload session expired at ${new Date(session.expiresAt).toISOString()}.`,
		);
	}
	if (method === 'GET') return { status: 200, json: progressBody(urls, session) };
	if (method !== 'PUT')
		return uploadError(
			405,
			'MethodNotAllowed',
			`The HTTP method '${method}' is not allowed on an upload URL.`,
		);
	return putChunk(state, config, req, urls, session, now);
}

function putChunk(
	state: MailState,
	config: ServiceConfig,
	req: RawRequest,
	urls: UrlContext,
	session: UploadSession,
	now: number,
): HandlerResult {
	const body = req.body;
	if (body.length > LIMITS.maxUploadChunkBytes) {
		return uploadError(
			413,
			'RequestEntityTooLarge',
			`A fragment may carry at most ${LIMITS.maxUploadChunkBytes} bytes (4 MiB); this one has ${body.length}.`,
		);
	}
	const range = /^\s*bytes\s+(\d+)-(\d+)\/(\d+)\s*$/i.exec(header(req, 'content-range') ?? '');
	if (!range)
		return rangeError(
			400,
			"The Content-Range header is missing or malformed; expected 'bytes {start}-{end}/{total}'.",
		);
	const start = Number(range[1]);
	const end = Number(range[2]);
	const total = Number(range[3]);
	const declaredLength = header(req, 'content-length');
	if (declaredLength !== undefined && Number(declaredLength) !== body.length) {
		return rangeError(
			400,
			`Content-Length ${declaredLength} does not match the ${body.length} bytes received.`,
		);
	}
	if (end < start || end - start + 1 !== body.length) {
		return rangeError(
			400,
			`Content-Range ${start}-${end} does not match the ${body.length} bytes received.`,
		);
	}
	if (total !== session.size) {
		return rangeError(
			400,
			`The total size ${total} in Content-Range does not match the session size ${session.size}.`,
		);
	}
	if (start < session.nextOffset) {
		return rangeError(
			400,
			`Uploaded fragment overlaps with existing data. Next expected range: ${session.nextOffset}-`,
		);
	}
	if (start > session.nextOffset) {
		return rangeError(
			416,
			`The fragment starts at ${start} but the next expected range is ${session.nextOffset}-.`,
		);
	}
	session.chunks.push(body);
	session.nextOffset = end + 1;
	session.expiresAt = now + config.uploadSessionLifetimeMs; // each accepted fragment extends the session
	if (session.nextOffset < session.size) return { status: 200, json: progressBody(urls, session) };
	return completeUpload(state, config, urls, session, now);
}

function completeUpload(
	state: MailState,
	config: ServiceConfig,
	urls: UrlContext,
	session: UploadSession,
	now: number,
): HandlerResult {
	state.uploads.delete(session.id);
	const mailbox = state.mailboxes.get(session.userId);
	const message = mailbox ? findMessage(mailbox, session.messageId) : undefined;
	if (!mailbox || !message) return itemNotFound().toResult();
	const bytes = Buffer.concat(session.chunks, session.size);
	session.chunks = [];
	if (messageSize(message) + bytes.length > config.maxMessageBytes)
		return sizeExceeded().toResult();
	const attachment = {
		id: newId(state, 'attachment'),
		kind: 'file' as const,
		name: session.name,
		contentType: session.contentType ?? guessContentType(session.name, bytes),
		size: bytes.length,
		isInline: session.isInline,
		contentId: session.contentId,
		contentLocation: null,
		lastModifiedAt: wholeSeconds(now),
		bytes,
	};
	message.attachments.push(attachment);
	touchMessage(state, mailbox, message, now);
	return {
		status: 201,
		headers: {
			Location: `${urls.graphBaseUrl}/v1.0/users('${session.userId}')/messages('${session.messageRef}')/attachments('${attachment.id}')`,
		},
	};
}

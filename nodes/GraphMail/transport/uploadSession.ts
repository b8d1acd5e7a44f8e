/**
 * Outlook attachment upload sessions (3 MB to 150 MB): createUploadSession through Graph
 * (authenticated), then PUT byte ranges of at most 4 MiB to the pre-authenticated upload URL
 * with plain `httpRequest` (never an Authorization header there), reading the bytes range by
 * range from an UploadSource so memory stays bounded by the chunk size. After a failed PUT it
 * resumes from the `nextExpectedRanges` the service reports, within a bounded number of attempts.
 * Knows nothing of n8n items or operations.
 */
import {
	NodeApiError,
	NodeOperationError,
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type JsonObject,
} from 'n8n-workflow';

import type { GraphClient } from './graphClient';
import { failedResponseOf, graphApiError, graphErrorDetails, lowerCaseHeaders } from './graphError';
import { parseRetryAfterMs } from './retryAfter';

export const MAX_UPLOAD_CHUNK_BYTES = 4 * 1024 * 1024;

/** Bytes of one file, read range by range in increasing order (a re-read from an earlier offset is allowed). */
export interface UploadSource {
	readonly size: number;
	/** The bytes at [offset, offset + length); the returned buffer may be reused by the next read. */
	read(offset: number, length: number): Promise<Buffer>;
	close(): Promise<void>;
}

export interface UploadAttachmentRequest {
	/** `me` or a user id / UPN: the in-flight cap key. */
	mailbox: string;
	/** Graph path of the message, e.g. `/me/messages/{id}`. */
	messagePath: string;
	name: string;
	size: number;
	contentType?: string;
	isInline?: boolean;
	contentId?: string;
	itemIndex?: number;
	/** Extra headers for the Graph request (e.g. `Prefer: IdType="ImmutableId"`). */
	headers?: Record<string, string>;
}

export interface UploadOptions {
	/** Bytes per PUT, at most 4 MiB. */
	chunkBytes?: number;
	/** Failed PUTs in a row (without progress) before giving up. */
	maxAttemptsPerRange?: number;
	/** Upper bound of one wait before retrying a PUT, in ms. */
	maxRetryDelayMs?: number;
	timeoutMs?: number;
}

export interface UploadResult {
	attachmentId?: string;
	/** Bytes sent in PUT bodies (more than the size when a range was sent again). */
	bytesSent: number;
	puts: number;
	/** PUTs that failed and were recovered from. */
	recoveredFailures: number;
}

interface PutOutcome {
	status?: number;
	headers: Record<string, string>;
	body: unknown;
	networkCode?: string;
}

function parseJson(body: unknown): unknown {
	if (Buffer.isBuffer(body)) body = body.toString('utf8');
	if (typeof body === 'string') {
		const text = body.trim();
		if (!text) return undefined;
		try {
			return JSON.parse(text);
		} catch {
			return text;
		}
	}
	return body;
}

/**
 * The offset the service expects next, from `nextExpectedRanges` (`["2097152"]`, `["0-"]`,
 * `["4194304-8388607"]`; casing varies: NextExpectedRanges too), or undefined.
 */
export function nextExpectedOffset(body: unknown): number | undefined {
	const json = parseJson(body);
	if (!json || typeof json !== 'object') return undefined;
	const record = json as Record<string, unknown>;
	const nested = record.error && typeof record.error === 'object' ? (record.error as Record<string, unknown>) : undefined;
	const ranges =
		record.nextExpectedRanges ?? record.NextExpectedRanges ?? nested?.nextExpectedRanges ?? nested?.NextExpectedRanges;
	const list = Array.isArray(ranges) ? ranges : typeof ranges === 'string' ? [ranges] : [];
	let lowest: number | undefined;
	for (const range of list) {
		const match = /^\s*(\d+)/.exec(String(range));
		if (!match) continue;
		const start = Number(match[1]);
		if (lowest === undefined || start < lowest) lowest = start;
	}
	return lowest;
}

/** "... Next expected range: 4194304-" in an error message (no nextExpectedRanges member). */
export function offsetInMessage(message: string): number | undefined {
	const match = /next expected range[s]?\D{0,5}(\d+)/i.exec(message);
	return match ? Number(match[1]) : undefined;
}

/** The attachment id from a completion `Location: .../Attachments('<id>')`. */
export function attachmentIdFromLocation(location: string | undefined): string | undefined {
	if (!location) return undefined;
	const match = /Attachments\('([^']+)'\)/i.exec(location);
	return match ? decodeURIComponent(match[1]) : undefined;
}

/** Upload URLs are opaque, carry their own token, and must be https (http only on loopback hosts). */
function checkUploadUrl(ctx: IExecuteFunctions, uploadUrl: unknown, itemIndex?: number): string {
	let url: URL | undefined;
	try {
		url = typeof uploadUrl === 'string' ? new URL(uploadUrl) : undefined;
	} catch {
		url = undefined;
	}
	const loopback = url && /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/i.test(url.hostname);
	if (!url || !(url.protocol === 'https:' || (url.protocol === 'http:' && loopback))) {
		throw new NodeOperationError(ctx.getNode(), 'Graph returned an upload session without a usable https upload URL', {
			itemIndex,
		});
	}
	return url.toString();
}

/** The upload URL without its query (which holds the session's token), for messages. */
function redact(uploadUrl: string): string {
	const url = new URL(uploadUrl);
	return `${url.origin}${url.pathname}`;
}

async function put(
	ctx: IExecuteFunctions,
	uploadUrl: string,
	body: Buffer,
	offset: number,
	total: number,
	timeoutMs: number,
): Promise<PutOutcome> {
	const options: IHttpRequestOptions = {
		method: 'PUT',
		url: uploadUrl,
		headers: {
			'Content-Type': 'application/octet-stream',
			'Content-Length': String(body.length),
			'Content-Range': `bytes ${offset}-${offset + body.length - 1}/${total}`,
		},
		body,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		disableFollowRedirect: true,
		timeout: timeoutMs,
	};
	try {
		const response = (await ctx.helpers.httpRequest(options)) as {
			statusCode: number;
			headers: Record<string, unknown>;
			body: unknown;
		};
		return { status: response.statusCode, headers: lowerCaseHeaders(response.headers), body: response.body };
	} catch (error) {
		const failure = failedResponseOf(error);
		return { status: failure.status, headers: failure.headers, body: failure.body, networkCode: failure.networkCode ?? 'ENETWORK' };
	}
}

/** Asks the session where it stands (GET on the upload URL), for recovery after a lost answer. */
async function querySession(ctx: IExecuteFunctions, uploadUrl: string, timeoutMs: number): Promise<number | undefined> {
	try {
		const response = (await ctx.helpers.httpRequest({
			method: 'GET',
			url: uploadUrl,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			timeout: timeoutMs,
		})) as { statusCode: number; body: unknown };
		return response.statusCode >= 200 && response.statusCode < 300 ? nextExpectedOffset(response.body) : undefined;
	} catch {
		return undefined;
	}
}

/** Cancels a session (DELETE on the upload URL); failures are ignored, the session expires anyway. */
export async function cancelUploadSession(ctx: IExecuteFunctions, uploadUrl: string): Promise<void> {
	try {
		await ctx.helpers.httpRequest({
			method: 'DELETE',
			url: uploadUrl,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			timeout: 30_000,
		});
	} catch {
		// Best effort: an abandoned session expires at its expirationDateTime.
	}
}

/**
 * Whether the message has a file attachment of this name (recovery after a lost completion
 * answer). `exactSize`: its size must be known and at least the file's (Graph's reported size can
 * exceed the raw byte count; it is never smaller).
 */
async function hasAttachment(client: GraphClient, request: UploadAttachmentRequest, exactSize = false): Promise<boolean> {
	try {
		const { body } = await client.request<{ value?: Array<{ name?: unknown; size?: unknown }> }>({
			method: 'GET',
			path: `${request.messagePath}/attachments`,
			qs: { $select: 'id,name,size' },
			headers: request.headers,
			mailbox: request.mailbox,
			itemIndex: request.itemIndex,
		});
		return (body.value ?? []).some(
			(attachment) =>
				attachment.name === request.name &&
				(typeof attachment.size === 'number' ? attachment.size >= request.size : !exactSize),
		);
	} catch {
		return false;
	}
}

function asNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex?: number): NodeOperationError | NodeApiError {
	if (error instanceof NodeOperationError || error instanceof NodeApiError) return error;
	return new NodeOperationError(ctx.getNode(), error instanceof Error ? error : String(error), { itemIndex });
}

/**
 * Creates an upload session for a file attachment of `request.messagePath` and uploads `source`.
 * Resolves when the service answers 201 (the attachment exists); throws a NodeApiError otherwise,
 * after cancelling the session.
 */
export async function uploadAttachment(
	ctx: IExecuteFunctions,
	client: GraphClient,
	request: UploadAttachmentRequest,
	source: UploadSource,
	options: UploadOptions = {},
): Promise<UploadResult> {
	const chunkBytes = Math.max(1, Math.min(MAX_UPLOAD_CHUNK_BYTES, options.chunkBytes ?? MAX_UPLOAD_CHUNK_BYTES));
	const maxAttempts = Math.max(1, options.maxAttemptsPerRange ?? 5);
	const maxRetryDelayMs = options.maxRetryDelayMs ?? 30_000;
	const timeoutMs = options.timeoutMs ?? 120_000;
	const { itemIndex } = request;
	const size = request.size;
	if (source.size !== size) {
		throw new NodeOperationError(ctx.getNode(), `The file is ${source.size} bytes, expected ${size}`, { itemIndex });
	}

	const attachmentItem: IDataObject = { attachmentType: 'file', name: request.name, size };
	if (request.contentType) attachmentItem.contentType = request.contentType;
	if (request.isInline) {
		attachmentItem.isInline = true;
		if (request.contentId) attachmentItem.contentId = request.contentId;
	}
	const created = await client.request<IDataObject>({
		method: 'POST',
		path: `${request.messagePath}/attachments/createUploadSession`,
		body: { AttachmentItem: attachmentItem },
		headers: request.headers,
		mailbox: request.mailbox,
		// A second session after a lost answer is harmless: the first one expires unused.
		idempotent: true,
		itemIndex,
	});
	const uploadUrl = checkUploadUrl(ctx, created.body.uploadUrl, itemIndex);

	const result: UploadResult = { bytesSent: 0, puts: 0, recoveredFailures: 0 };
	let offset = nextExpectedOffset(created.body) ?? 0;
	let failuresInARow = 0;
	let lastFailure: PutOutcome | undefined;
	try {
		for (;;) {
			const length = Math.min(chunkBytes, size - offset);
			const chunk = await source.read(offset, length);
			if (chunk.length !== length) {
				throw new NodeOperationError(ctx.getNode(), `Could only read ${chunk.length} of ${length} bytes of the file at offset ${offset}`, {
					itemIndex,
				});
			}
			// PUTs count against the mailbox's upload budget like any POST/PATCH/PUT body.
			await client.pace(request.mailbox, 1, length);
			const outcome = await put(ctx, uploadUrl, chunk, offset, size, timeoutMs);
			result.puts++;
			result.bytesSent += length;

			if (outcome.status === 201) {
				result.attachmentId = attachmentIdFromLocation(outcome.headers.location);
				return result;
			}
			if (outcome.status === 200 && offset + length >= size && nextExpectedOffset(outcome.body) === undefined) {
				// Not Graph's documented completion (201 with the attachment's Location): trust it only
				// when the message really has the attachment, at its full size.
				if (await hasAttachment(client, request, true)) return result;
				throw new NodeApiError(ctx.getNode(), { status: 200 } as JsonObject, {
					message: `Uploading '${request.name}' did not complete: the upload host answered 200 to the last range instead of 201, and the message has no such attachment`,
					description: `Upload host ${redact(uploadUrl)}; the upload was cancelled and the mail was not sent`,
					itemIndex,
				});
			}
			if (outcome.status === 200 || outcome.status === 202) {
				const next = nextExpectedOffset(outcome.body);
				offset = next ?? offset + length;
				failuresInARow = 0;
				continue;
			}

			// A failure: throttled, unavailable, a lost answer, or a range the service did not expect.
			lastFailure = outcome;
			failuresInARow++;
			const status = outcome.status;
			const failure = graphErrorDetails({ status, headers: outcome.headers, body: outcome.body, networkCode: outcome.networkCode });
			const finalRange = offset + length >= size;
			if (finalRange && (status === undefined || status === 404 || status >= 500)) {
				// The last range may have completed the upload although its answer was lost (a completed
				// session is gone): the draft then already has the attachment.
				if (await hasAttachment(client, request)) {
					result.recoveredFailures++;
					return result;
				}
			}
			// errors.md nests it: {"code":"badRequest","innerError":{"code":"invalidRange"}}
			const rangeConflict = status === 416 || (status === 400 && [failure.code, failure.innerCode].some((code) => /^invalidRange$/i.test(code ?? '')));
			const retryable = status === undefined || status === 408 || status === 429 || status >= 500 || rangeConflict;
			if (!retryable || failuresInARow >= maxAttempts) break;
			result.recoveredFailures++;
			if (!rangeConflict) {
				const retryAfter = parseRetryAfterMs(outcome.headers['retry-after'], Date.now());
				const delay = Math.min(maxRetryDelayMs, retryAfter ?? Math.min(8000, 250 * 2 ** (failuresInARow - 1)));
				if (delay > 0) await sleep(delay);
			}
			// Where to go on: the range the service names, else ask it, else send this range again.
			const named =
				nextExpectedOffset(outcome.body) ?? (rangeConflict ? offsetInMessage(failure.message) : undefined);
			const expected = named ?? (status === 429 ? undefined : await querySession(ctx, uploadUrl, timeoutMs));
			if (expected !== undefined && expected >= size) {
				// The service holds every byte: the completion answer was lost.
				return result;
			}
			if (expected !== undefined) offset = expected;
		}
	} catch (error) {
		await cancelUploadSession(ctx, uploadUrl);
		throw asNodeError(ctx, error, itemIndex);
	}
	await cancelUploadSession(ctx, uploadUrl);
	const details = graphErrorDetails({
		status: lastFailure?.status,
		headers: lastFailure?.headers ?? {},
		body: lastFailure?.body,
		networkCode: lastFailure?.networkCode,
	});
	if (lastFailure?.status === undefined) {
		throw new NodeApiError(ctx.getNode(), { code: details.code, message: details.message } as JsonObject, {
			message: `Uploading '${request.name}' failed after ${failuresInARow} attempts: ${details.message}`,
			description: `Upload host ${redact(uploadUrl)}; the upload was cancelled and nothing was sent`,
			itemIndex,
		});
	}
	throw graphApiError(ctx.getNode(), details, {
		itemIndex,
		description: `Uploading '${request.name}' to ${redact(uploadUrl)} failed at byte ${offset} of ${size}; the upload was cancelled and nothing was sent`,
	});
}

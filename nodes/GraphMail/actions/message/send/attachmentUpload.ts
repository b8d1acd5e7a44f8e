/**
 * Send: a large file (3 MB to 150 MB) as an attachment of the draft, through a generic upload
 * session (transport/uploadSession.ts), read range by range from an UploadSource so memory stays
 * bounded by the chunk size. After a failed PUT it resumes from the `nextExpectedRanges` the
 * service reports; after a lost answer to the last range it looks whether the draft already has
 * the attachment. Retries follow the client's backoff policy (Delivery Settings).
 */
import { NodeApiError, NodeOperationError, type IDataObject, type IExecuteFunctions, type JsonObject } from 'n8n-workflow';

import { asNodeError } from '../../../helpers/nodeError';
import type { GraphClient } from '../../../transport/graphClient';
import { graphApiError, graphErrorDetails } from '../../../transport/graphError';
import { parseRetryAfterMs } from '../../../transport/retryAfter';
import {
	cancelUploadSession,
	createUploadSession,
	MAX_UPLOAD_CHUNK_BYTES,
	nextExpectedOffset,
	offsetInMessage,
	putRange,
	rangeRetryDelayMs,
	redact,
	sessionOffset,
	type PutOutcome,
	type UploadSource,
} from '../../../transport/uploadSession';

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
	/** Bytes per PUT, at most 4 MiB (the default). */
	chunkBytes?: number;
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

/** The attachment id from a completion `Location: .../Attachments('<id>')`. */
export function attachmentIdFromLocation(location: string | undefined): string | undefined {
	if (!location) return undefined;
	const match = /Attachments\('([^']+)'\)/i.exec(location);
	return match ? decodeURIComponent(match[1]) : undefined;
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
	const session = await createUploadSession(ctx, client, {
		path: `${request.messagePath}/attachments/createUploadSession`,
		body: { AttachmentItem: attachmentItem },
		headers: request.headers,
		mailbox: request.mailbox,
		itemIndex,
	});
	const uploadUrl = session.uploadUrl;

	const result: UploadResult = { bytesSent: 0, puts: 0, recoveredFailures: 0 };
	let offset = session.offset;
	let waitedMs = 0;
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
			const outcome = await putRange(ctx, uploadUrl, chunk, offset, size, timeoutMs);
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
				waitedMs = 0;
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
			if (!retryable) break;
			// A range conflict is answered at once; anything else waits as the backoff policy says.
			const delay = rangeConflict
				? failuresInARow < client.backoffPolicy.maxAttempts
					? 0
					: undefined
				: rangeRetryDelayMs(client, failuresInARow, waitedMs, parseRetryAfterMs(outcome.headers['retry-after'], Date.now()));
			if (delay === undefined) break;
			result.recoveredFailures++;
			if (delay > 0) {
				await client.wait(delay);
				waitedMs += delay;
			}
			// Where to go on: the range the service names, else ask it, else send this range again.
			const named =
				nextExpectedOffset(outcome.body) ?? (rangeConflict ? offsetInMessage(failure.message) : undefined);
			const expected = named ?? (status === 429 ? undefined : await sessionOffset(ctx, uploadUrl, timeoutMs));
			if (expected !== undefined && expected >= size) {
				// The service holds every byte: the completion answer was lost.
				return result;
			}
			if (expected !== undefined) offset = expected;
		}
	} catch (error) {
		await cancelUploadSession(ctx, uploadUrl);
		throw asNodeError(ctx.getNode(), error, itemIndex);
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

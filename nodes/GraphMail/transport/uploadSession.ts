/**
 * Graph upload sessions, generic: create one through Graph (authenticated), PUT byte ranges of at
 * most 4 MiB to the pre-authenticated upload URL with plain `httpRequest` (never an Authorization
 * header there), ask the session where it stands, cancel it. Retries wait as the client's backoff
 * policy says. What is uploaded (an Outlook attachment, later a file) and how a failed upload is
 * recovered belongs to the caller. Knows nothing of n8n items or operations.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type IHttpRequestOptions } from 'n8n-workflow';

import type { GraphClient } from './graphClient';
import { failedResponseOf, lowerCaseHeaders } from './graphError';
import { nextDelayMs } from './retryAfter';

/** Bytes per PUT to an upload URL: Outlook asks for at most 4 MiB per range. */
export const MAX_UPLOAD_CHUNK_BYTES = 4 * 1024 * 1024;

/** Bytes of one file, read range by range in increasing order (a re-read from an earlier offset is allowed). */
export interface UploadSource {
	readonly size: number;
	/** The bytes at [offset, offset + length); the returned buffer may be reused by the next read. */
	read(offset: number, length: number): Promise<Buffer>;
	close(): Promise<void>;
}

export interface PutOutcome {
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

/** Upload URLs are opaque, carry their own token, and must be https (http only on loopback hosts). */
export function checkUploadUrl(ctx: IExecuteFunctions, uploadUrl: unknown, itemIndex?: number): string {
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
export function redact(uploadUrl: string): string {
	const url = new URL(uploadUrl);
	return `${url.origin}${url.pathname}`;
}

/** PUTs one byte range; the answer (or the network failure) comes back, never thrown. */
export async function putRange(
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

/** Asks the session where it stands (GET on the upload URL): the next offset it expects, or undefined. */
export async function sessionOffset(ctx: IExecuteFunctions, uploadUrl: string, timeoutMs: number): Promise<number | undefined> {
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
 * Creates an upload session (`POST {path}` with `body`) and returns its checked upload URL and the
 * offset the session expects first. A second session after a lost answer is harmless (the first
 * one expires unused), so the request is repeated like a read.
 */
export async function createUploadSession(
	ctx: IExecuteFunctions,
	client: GraphClient,
	request: { path: string; body: IDataObject; headers?: Record<string, string>; mailbox: string; itemIndex?: number },
): Promise<{ uploadUrl: string; offset: number }> {
	const created = await client.request<IDataObject>({
		method: 'POST',
		path: request.path,
		body: request.body,
		headers: request.headers,
		mailbox: request.mailbox,
		idempotent: true,
		itemIndex: request.itemIndex,
	});
	return { uploadUrl: checkUploadUrl(ctx, created.body.uploadUrl, request.itemIndex), offset: nextExpectedOffset(created.body) ?? 0 };
}

/**
 * How long to wait before the `failures`-th retry of a range (throttled, unavailable, lost), as
 * the client's backoff policy says; undefined when the policy says stop.
 */
export function rangeRetryDelayMs(client: Pick<GraphClient, 'backoffPolicy'>, failures: number, waitedMs: number, retryAfterMs: number | undefined): number | undefined {
	return nextDelayMs(client.backoffPolicy, failures, waitedMs, retryAfterMs);
}

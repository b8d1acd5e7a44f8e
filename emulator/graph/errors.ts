import type { IncomingHttpHeaders } from 'node:http';

import type { HandlerResult } from '../contract';
import { graphDate, newGuid } from '../util/ids';

/** The ids every Graph answer carries as headers and inside `innerError`. */
export interface RequestIds {
	requestId: string;
	clientRequestId: string;
}

/** A fresh request id; the client's `client-request-id` is echoed, else the request id is reused (as Graph does). */
export function requestIdsFor(headers: IncomingHttpHeaders): RequestIds {
	const requestId = newGuid();
	const sent = headers['client-request-id'];
	const clientRequestId = (Array.isArray(sent) ? sent[0] : sent)?.trim() || requestId;
	return { requestId, clientRequestId };
}

export function requestIdHeaders(ids: RequestIds): Record<string, string> {
	return { 'request-id': ids.requestId, 'client-request-id': ids.clientRequestId };
}

/** `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}` as Graph sends it. */
export function graphErrorBody(
	code: string,
	message: string,
	ids: RequestIds,
	innerExtra: Record<string, string> = {},
): unknown {
	return {
		error: {
			code,
			message,
			innerError: {
				...innerExtra,
				date: graphDate(),
				'request-id': ids.requestId,
				'client-request-id': ids.clientRequestId,
			},
		},
	};
}

export function graphError(
	status: number,
	code: string,
	message: string,
	ids: RequestIds,
	headers: Record<string, string> = {},
): HandlerResult {
	return { status, headers, json: graphErrorBody(code, message, ids) };
}

/** The verbatim 429 of Graph's throttling doc (wire facts 6.2). */
export function tooManyRequests(ids: RequestIds, retryAfter: string): HandlerResult {
	return {
		status: 429,
		headers: { 'Retry-After': retryAfter },
		json: {
			error: {
				code: 'TooManyRequests',
				innerError: {
					code: '429',
					date: graphDate(),
					message: 'Please retry after',
					'request-id': ids.requestId,
					'client-request-id': ids.clientRequestId,
					status: '429',
				},
				message: 'Please retry again later.',
			},
		},
	};
}

export function accessDenied(ids: RequestIds): HandlerResult {
	return graphError(
		403,
		'ErrorAccessDenied',
		'Access is denied. Check credentials and try again.',
		ids,
	);
}

export function requestTooLarge(ids: RequestIds): HandlerResult {
	return graphError(413, 'RequestEntityTooLarge', 'Request Entity Too Large', ids);
}

export function internalError(ids: RequestIds, error: unknown): HandlerResult {
	const detail = error instanceof Error ? error.message : String(error);
	return graphError(500, 'generalException', `An internal emulator error occurred: ${detail}`, ids);
}

/**
 * Gives an error answer from the mail service Graph's `innerError` (date and ids), which only the
 * server knows, next to an inner `code` the service may have set. An `innerError` key set to
 * undefined is left alone (some real errors carry none).
 */
export function withInnerError(result: HandlerResult, ids: RequestIds): HandlerResult {
	const body = result.json as { error?: Record<string, unknown> } | undefined;
	const error = body?.error;
	if (result.status < 400 || !error || typeof error !== 'object') return result;
	const inner = error.innerError;
	if ('innerError' in error && (inner === null || typeof inner !== 'object')) return result;
	return {
		...result,
		json: {
			...body,
			error: {
				...error,
				innerError: {
					...(inner as object | undefined),
					date: graphDate(),
					'request-id': ids.requestId,
					'client-request-id': ids.clientRequestId,
				},
			},
		},
	};
}

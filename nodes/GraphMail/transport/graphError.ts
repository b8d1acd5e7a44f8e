import { NodeApiError, type INode, type JsonObject } from 'n8n-workflow';

import { ACCESS_POLICY_DESCRIPTION, ACCESS_POLICY_MESSAGE, isAccessPolicyRefusal } from './appOnlyAuth';

/** What Graph (or the network) answered, without anything that could carry a secret. */
export interface FailedResponse {
	status?: number;
	headers: Record<string, string>;
	body: unknown;
	networkCode?: string;
}

/** Header names in lower case, values as strings; absent values dropped. */
export function lowerCaseHeaders(headers: unknown): Record<string, string> {
	const out: Record<string, string> = {};
	if (headers && typeof headers === 'object') {
		for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
			if (value !== undefined && value !== null) out[name.toLowerCase()] = String(value);
		}
	}
	return out;
}

/** Digs the HTTP response out of whatever n8n-core threw (NodeApiError around an axios error). */
export function failedResponseOf(error: unknown): FailedResponse {
	const seen = new Set<unknown>();
	let current: unknown = error;
	while (current && typeof current === 'object' && !seen.has(current)) {
		seen.add(current);
		const candidate = current as {
			response?: { status?: number; headers?: unknown; data?: unknown };
			code?: unknown;
			cause?: unknown;
		};
		if (candidate.response && typeof candidate.response.status === 'number') {
			return {
				status: candidate.response.status,
				headers: lowerCaseHeaders(candidate.response.headers),
				body: candidate.response.data,
			};
		}
		if (typeof candidate.code === 'string' && /^E[A-Z_]+$/.test(candidate.code)) {
			return { headers: {}, body: undefined, networkCode: candidate.code };
		}
		current = candidate.cause;
	}
	return { headers: {}, body: undefined };
}

export interface GraphErrorDetails {
	status?: number;
	/** Graph's error code (`ErrorSendAsDenied`), or the network's (`ECONNRESET`) when no answer came. */
	code: string;
	/** The more specific `innerError.code`, as in errors.md's badRequest > invalidRange. */
	innerCode?: string;
	/** Graph's own words, without any wording of ours. */
	message: string;
	requestId?: string;
	/** The request may have been carried out although it failed (see `outcomeUncertain`). */
	uncertain?: boolean;
}

/**
 * Whether a failed request may have been carried out: no answer came (a lost answer, a reset, a
 * timeout; but not a refused connection, which sent nothing), or a server error other than 503
 * (Graph answers 503 for work it did not start, and is retried like a 429). The one rule for
 * every caller that must not do a thing twice (sends, `$batch`).
 */
export function outcomeUncertain(failure: Pick<FailedResponse, 'status' | 'networkCode'>): boolean {
	if (failure.status === undefined) return failure.networkCode !== 'ECONNREFUSED';
	return failure.status >= 500 && failure.status !== 503;
}

/** `https://host/path` of a Location header, without its query (which may hold a token). */
function redirectTarget(location: string | undefined): string {
	if (!location) return 'no Location';
	try {
		const url = new URL(location);
		return `${url.origin}${url.pathname}`;
	} catch {
		return location.startsWith('/') ? location.split('?')[0] : 'an invalid Location';
	}
}

export function graphErrorDetails(response: FailedResponse): GraphErrorDetails {
	if (response.status !== undefined && response.status >= 300 && response.status < 400) {
		return {
			status: response.status,
			uncertain: false,
			code: 'RedirectNotFollowed',
			message: `answered ${response.status} with a redirect to ${redirectTarget(response.headers.location)}; redirects are not followed, so neither the request nor the access token went there`,
			requestId: response.headers['request-id'],
		};
	}
	let body = response.body;
	if (Buffer.isBuffer(body)) body = body.toString('utf8');
	if (typeof body === 'string') {
		const text = body;
		try {
			body = JSON.parse(text);
		} catch {
			body = { error: { code: 'UnknownError', message: text.slice(0, 300) } };
		}
	}
	const error = (body as { error?: { code?: unknown; message?: unknown; innerError?: { code?: unknown } } } | undefined)?.error;
	const innerCode = error?.innerError?.code;
	return {
		status: response.status,
		code: typeof error?.code === 'string' ? error.code : response.networkCode ?? 'UnknownError',
		innerCode: typeof innerCode === 'string' ? innerCode : undefined,
		message:
			typeof error?.message === 'string'
				? error.message
				: response.networkCode
					? `Network error ${response.networkCode}`
					: `HTTP ${response.status ?? 'error'}`,
		requestId: response.headers['request-id'],
		uncertain: outcomeUncertain(response),
	};
}

/**
 * A request Graph refused or did not answer, typed: operations read `details` (status, Graph's
 * code and message, request id, whether the outcome is uncertain) and word their own message from
 * it; they never parse the message.
 */
export class GraphRequestError extends NodeApiError {
	constructor(
		node: INode,
		readonly details: GraphErrorDetails,
		options: { message: string; description?: string; itemIndex?: number },
	) {
		super(node, { ...details } as unknown as JsonObject, {
			message: options.message,
			description: options.description,
			httpCode: details.status ? String(details.status) : undefined,
			itemIndex: options.itemIndex,
		});
		// Kept on the context too: n8n carries it into the error output.
		this.context.graphCode = details.code;
	}

	get status(): number | undefined {
		return this.details.status;
	}

	get graphCode(): string {
		return this.details.code;
	}

	get uncertain(): boolean {
		return this.details.uncertain === true;
	}
}

/** The typed details of an error, when it is a Graph request error. */
export function graphDetailsOf(error: unknown): GraphErrorDetails | undefined {
	return error instanceof GraphRequestError ? error.details : undefined;
}

/**
 * Graph's answer as a typed error that names the code; built from plain data so no token leaks.
 * The default wording is the transport's; operations pass their own `message` for what they know.
 */
export function graphApiError(
	node: INode,
	details: GraphErrorDetails,
	options: { itemIndex?: number; description?: string; message?: string } = {},
): GraphRequestError {
	const policy = isAccessPolicyRefusal(details);
	return new GraphRequestError(node, details, {
		message:
			options.message ??
			(policy
				? `${ACCESS_POLICY_MESSAGE} (${details.code})`
				: `Microsoft Graph refused the request: ${details.code}: ${details.message}`),
		description:
			options.description ??
			(options.message !== undefined ? undefined : policy ? ACCESS_POLICY_DESCRIPTION + details.message : undefined) ??
			(options.message === undefined && details.requestId ? `Graph request-id ${details.requestId}` : undefined),
		itemIndex: options.itemIndex,
	});
}

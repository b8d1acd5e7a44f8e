import { NodeApiError, type INode, type JsonObject } from 'n8n-workflow';

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
	code: string;
	/** The more specific `innerError.code`, as in errors.md's badRequest > invalidRange. */
	innerCode?: string;
	message: string;
	requestId?: string;
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
	};
}

/** Graph's answer as a NodeApiError that names the code; built from plain data so no token leaks. */
export function graphApiError(
	node: INode,
	details: GraphErrorDetails,
	options: { itemIndex?: number; description?: string } = {},
): NodeApiError {
	const error = new NodeApiError(node, { ...details } as unknown as JsonObject, {
		message: `Microsoft Graph refused the request: ${details.code}: ${details.message}`,
		description:
			options.description ??
			(details.requestId ? `Graph request-id ${details.requestId}` : undefined),
		httpCode: details.status ? String(details.status) : undefined,
		itemIndex: options.itemIndex,
	});
	error.context.graphCode = details.code;
	return error;
}

/**
 * Test clients for the mail service. DirectClient calls the service in-process, the way
 * emulator/server.ts does after authentication; HttpClient talks to a running emulator over
 * loopback with a bearer token. Both answer the same TestResponse, so a test reads the same either way.
 */
import type { Caller, MailService, RawRequest, UrlContext } from '../../../emulator/contract';

export const TEST_URLS: UrlContext = {
	graphBaseUrl: 'http://graph.test',
	uploadBaseUrl: 'http://upload.test',
};

export interface TestResponse {
	status: number;
	/** Header names in lower case. */
	headers: Record<string, string>;
	/** Parsed JSON body, if any. */
	body: any;
	raw: Buffer;
}

export interface RequestOptions {
	headers?: Record<string, string>;
	/** Sent as JSON (Content-Type application/json unless given). */
	body?: unknown;
	/** Sent as-is instead of JSON. */
	rawBody?: string | Buffer;
}

export interface MailTestClient {
	readonly urls: UrlContext;
	request(method: string, url: string, options?: RequestOptions): Promise<TestResponse>;
	/** PUT / DELETE / GET on a pre-authenticated upload URL (never with a bearer token). */
	upload(method: string, uploadUrl: string, options?: RequestOptions): Promise<TestResponse>;
}

/** Splits `/me/messages?$top=5` (relative to /v1.0) or an absolute link into path + query. */
export function splitUrl(
	url: string,
	urls: UrlContext = TEST_URLS,
): { path: string; query: URLSearchParams } {
	let rest = url;
	for (const base of [`${urls.graphBaseUrl}/v1.0`, urls.uploadBaseUrl])
		if (rest.startsWith(base)) rest = rest.slice(base.length);
	const q = rest.indexOf('?');
	return q < 0
		? { path: rest, query: new URLSearchParams() }
		: { path: rest.slice(0, q), query: new URLSearchParams(rest.slice(q + 1)) };
}

function bodyAndHeaders(options: RequestOptions): {
	body: Buffer;
	headers: Record<string, string>;
} {
	const headers: Record<string, string> = {};
	for (const [k, v] of Object.entries(options.headers ?? {})) headers[k.toLowerCase()] = v;
	let body: Buffer = Buffer.alloc(0);
	if (options.rawBody !== undefined)
		body = Buffer.isBuffer(options.rawBody) ? options.rawBody : Buffer.from(options.rawBody);
	else if (options.body !== undefined) {
		body = Buffer.from(JSON.stringify(options.body));
		headers['content-type'] ??= 'application/json';
	}
	return { body, headers };
}

export function rawRequest(
	method: string,
	url: string,
	options: RequestOptions = {},
	urls: UrlContext = TEST_URLS,
): RawRequest {
	const { path, query } = splitUrl(url, urls);
	const { body, headers } = bodyAndHeaders(options);
	return { method, path, query, headers, body };
}

function lowerCaseHeaders(headers: Record<string, string> | undefined): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = v;
	return out;
}

export class DirectClient implements MailTestClient {
	constructor(
		readonly service: MailService,
		public caller: Caller,
		readonly urls: UrlContext = TEST_URLS,
	) {}

	as(caller: Caller): DirectClient {
		return new DirectClient(this.service, caller, this.urls);
	}

	async request(method: string, url: string, options: RequestOptions = {}): Promise<TestResponse> {
		const result = await this.service.handleGraph(
			rawRequest(method, url, options, this.urls),
			this.caller,
			this.urls,
		);
		const raw =
			result.raw ??
			(result.json !== undefined ? Buffer.from(JSON.stringify(result.json)) : Buffer.alloc(0));
		return {
			status: result.status,
			headers: lowerCaseHeaders(result.headers),
			body: result.json,
			raw,
		};
	}

	async upload(
		method: string,
		uploadUrl: string,
		options: RequestOptions = {},
	): Promise<TestResponse> {
		const result = await this.service.handleUpload(
			rawRequest(method, uploadUrl, options, this.urls),
			this.urls,
		);
		const raw =
			result.raw ??
			(result.json !== undefined ? Buffer.from(JSON.stringify(result.json)) : Buffer.alloc(0));
		return {
			status: result.status,
			headers: lowerCaseHeaders(result.headers),
			body: result.json,
			raw,
		};
	}
}

async function fetchResponse(
	url: string,
	method: string,
	options: RequestOptions,
	token?: string,
): Promise<TestResponse> {
	const { body, headers } = bodyAndHeaders(options);
	if (token) headers.authorization = `Bearer ${token}`;
	delete headers['content-length']; // fetch computes it
	const response = await fetch(url, {
		method,
		headers,
		body: body.length || method === 'POST' || method === 'PUT' ? body : undefined,
	});
	const raw = Buffer.from(await response.arrayBuffer());
	const responseHeaders: Record<string, string> = {};
	response.headers.forEach((value, key) => (responseHeaders[key] = value));
	const isJson = (responseHeaders['content-type'] ?? '').includes('json') && raw.length > 0;
	return {
		status: response.status,
		headers: responseHeaders,
		body: isJson ? JSON.parse(raw.toString('utf8')) : undefined,
		raw,
	};
}

export class HttpClient implements MailTestClient {
	constructor(
		readonly urls: UrlContext,
		public token: string,
	) {}

	withToken(token: string): HttpClient {
		return new HttpClient(this.urls, token);
	}

	request(method: string, url: string, options: RequestOptions = {}): Promise<TestResponse> {
		const full = /^https?:/.test(url) ? url : `${this.urls.graphBaseUrl}/v1.0${url}`;
		return fetchResponse(full, method, options, this.token);
	}

	upload(method: string, uploadUrl: string, options: RequestOptions = {}): Promise<TestResponse> {
		return fetchResponse(uploadUrl, method, options);
	}
}

/** Shorthands over any client. */
export function api(client: MailTestClient) {
	return {
		get: (url: string, options?: RequestOptions) => client.request('GET', url, options),
		post: (url: string, body?: unknown, options: RequestOptions = {}) =>
			client.request('POST', url, { ...options, body }),
		patch: (url: string, body: unknown, options: RequestOptions = {}) =>
			client.request('PATCH', url, { ...options, body }),
		delete: (url: string) => client.request('DELETE', url),
		upload: (method: string, uploadUrl: string, options?: RequestOptions) =>
			client.upload(method, uploadUrl, options),
	};
}

/** Follows @odata.nextLink to the end; returns every page. */
export async function allPages(
	client: MailTestClient,
	firstUrl: string,
	options?: RequestOptions,
): Promise<TestResponse[]> {
	const pages: TestResponse[] = [];
	let url: string | undefined = firstUrl;
	while (url) {
		const page = await client.request('GET', url, options);
		pages.push(page);
		if (page.status !== 200) break;
		url = page.body['@odata.nextLink'];
	}
	return pages;
}

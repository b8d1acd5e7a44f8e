import {
	NodeApiError,
	NodeOperationError,
	type JsonObject,
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestMethods,
	type INode,
	type IHttpRequestOptions,
	type ILoadOptionsFunctions,
	type IPollFunctions,
} from 'n8n-workflow';

import { failedResponseOf, graphApiError, graphErrorDetails, type FailedResponse } from './graphError';
import { graphBaseUrlOf } from './graphBaseUrl';
import { KeyedLimiter } from './keyedLimiter';
import { MailboxBudget } from './mailboxBudget';
import {
	DEFAULT_BACKOFF,
	RETRYABLE_STATUSES,
	nextDelayMs,
	parseRetryAfterMs,
	type BackoffPolicy,
} from './retryAfter';

export const CREDENTIAL_TYPE = 'graphMailOAuth2Api';

export type GraphContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions;

export interface GraphRequest {
	method: IHttpRequestMethods;
	/** A path under /v1.0 (`/me/sendMail`), or an absolute URL Graph gave us (`@odata.nextLink`). */
	path: string;
	qs?: IDataObject;
	body?: IDataObject | IDataObject[];
	headers?: Record<string, string>;
	/** Mailbox the request targets, for the in-flight cap: `me` or a user id / UPN. */
	mailbox: string;
	/** Safe to repeat after a lost response (reads, deletes, PUT). Sends are not. */
	idempotent?: boolean;
	itemIndex?: number;
	/** `arraybuffer`: the body comes back as raw bytes (a Buffer), e.g. an attachment's `$value`. Default JSON. */
	encoding?: 'arraybuffer';
	/**
	 * What the request costs against the mailbox's budgets: requests (a `$batch` counts its
	 * sub-requests) and upload bytes. Default: 1 request, the JSON body's size for POST/PATCH/PUT.
	 */
	cost?: { requests?: number; uploadBytes?: number };
}

export interface GraphResponse<T = IDataObject> {
	status: number;
	headers: Record<string, string>;
	body: T;
}

/** A final failure, with how hard the client tried (`gaveUp`: a retryable answer, but the backoff policy ran out). */
export interface GraphFailure {
	failure: FailedResponse;
	attempts: number;
	waitedMs: number;
	gaveUp: boolean;
}

export type GraphOutcome<T> = { response: GraphResponse<T> } | GraphFailure;

type SendOutcome<T> = { response: GraphResponse<T> } | { failure: FailedResponse };

export interface GraphClientOptions {
	/** 1 to 4 (Outlook's limit); default 4. */
	maxInFlightPerMailbox?: number;
	backoff?: BackoffPolicy;
	timeoutMs?: number;
	/** Per-mailbox request and upload budgets to pace by; `false` turns pacing off. Default: Outlook's limits. */
	budget?: MailboxBudget | false;
}

export interface GraphClientStats {
	/** HTTP requests sent (a `$batch` once). */
	requests: number;
	/** Waits before a retry (Retry-After or backoff). */
	retries: number;
	/** Time spent waiting before retries, in ms. */
	waitedMs: number;
	/** Time spent waiting for room in a mailbox budget, in ms. */
	pacedMs: number;
}

/** "after 3 attempts and 4.2 s of waiting" */
export function describeAttempts(attempts: number, waitedMs: number): string {
	return `after ${attempts} attempt${attempts === 1 ? '' : 's'} and ${(waitedMs / 1000).toFixed(1)} s of waiting`;
}

const NETWORK_RETRY_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE', 'ECONNREFUSED']);

/**
 * The only way the nodes talk to Graph: signs with the credential (n8n-core adds the bearer token
 * and refreshes it on 401), keeps every request on the credential's Graph host, caps requests in
 * flight per mailbox, and retries 429/503/504 after Retry-After. One client per node execution.
 */
export class GraphClient {
	readonly stats: GraphClientStats = { requests: 0, retries: 0, waitedMs: 0, pacedMs: 0 };

	private readonly limiter: KeyedLimiter;
	private readonly backoff: BackoffPolicy;
	private readonly timeoutMs: number;
	private readonly origin: string;
	private readonly budget: MailboxBudget | undefined;

	private constructor(
		private readonly ctx: GraphContext,
		readonly baseUrl: string,
		options: GraphClientOptions,
	) {
		this.limiter = new KeyedLimiter(Math.max(1, Math.min(4, options.maxInFlightPerMailbox ?? 4)));
		this.backoff = options.backoff ?? DEFAULT_BACKOFF;
		this.timeoutMs = options.timeoutMs ?? 120_000;
		this.origin = new URL(baseUrl).origin;
		this.budget = options.budget === false ? undefined : (options.budget ?? new MailboxBudget());
	}

	static async create(ctx: GraphContext, options: GraphClientOptions = {}): Promise<GraphClient> {
		const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
		const base = graphBaseUrlOf(credentials);
		if (typeof base !== 'string') {
			throw new NodeOperationError(ctx.getNode(), base.problem, {
				description: 'Open the Microsoft Graph Mail credential and correct the field',
			});
		}
		return new GraphClient(ctx, base, options);
	}

	/** Absolute URL for a request, refusing any host but the credential's Graph host. */
	resolveUrl(path: string, itemIndex?: number): string {
		if (!/^https?:\/\//i.test(path)) return `${this.baseUrl}/v1.0${path.startsWith('/') ? '' : '/'}${path}`;
		let url: URL;
		try {
			url = new URL(path);
		} catch {
			throw new NodeOperationError(this.ctx.getNode(), `Graph returned a link that is not a URL`, { itemIndex });
		}
		if (url.origin !== this.origin || !url.pathname.startsWith(new URL(`${this.baseUrl}/v1.0/`).pathname)) {
			throw new NodeOperationError(
				this.ctx.getNode(),
				`Refused to follow a link to ${url.origin}: only ${this.origin} receives the access token`,
				{
					itemIndex,
					description: 'Graph returned a paging link on another host. Nothing was sent there.',
				},
			);
		}
		return url.toString();
	}

	async request<T = IDataObject>(request: GraphRequest): Promise<GraphResponse<T>> {
		const outcome = await this.attempt<T>(request);
		if ('response' in outcome) return outcome.response;
		const details = graphErrorDetails(outcome.failure);
		throw graphApiError(this.ctx.getNode(), details, {
			itemIndex: request.itemIndex,
			description: outcome.gaveUp
				? `Graph still answered ${details.status ?? details.code} ${describeAttempts(outcome.attempts, outcome.waitedMs)}.${details.requestId ? ` Graph request-id ${details.requestId}` : ''}`
				: undefined,
		});
	}

	/**
	 * Like `request`, but a final failure is returned rather than thrown, for callers that must
	 * tell "Graph refused" from "the answer was lost" (a lost answer to a send is not a refusal).
	 * `weight` is the number of in-flight slots the request takes (a `$batch` takes all of them).
	 */
	async attempt<T = IDataObject>(request: GraphRequest, weight = 1): Promise<GraphOutcome<T>> {
		const url = this.resolveUrl(request.path, request.itemIndex);
		const idempotent = request.idempotent ?? ['GET', 'HEAD', 'DELETE', 'PUT'].includes(request.method);
		const requests = request.cost?.requests ?? 1;
		const uploadBytes =
			request.cost?.uploadBytes ??
			(['POST', 'PATCH', 'PUT'].includes(request.method) && request.body !== undefined
				? Buffer.byteLength(JSON.stringify(request.body))
				: 0);
		let waitedMs = 0;
		for (let attempt = 1; ; attempt++) {
			// Pace first, then take a slot: a request waiting for budget holds no slot.
			await this.pace(request.mailbox, requests, uploadBytes);
			const outcome = await this.limiter.run(
				request.mailbox.toLowerCase(),
				async () => await this.send<T>(url, request),
				weight,
			);
			if ('response' in outcome) return outcome;
			const { failure } = outcome;
			const retryable =
				(failure.status !== undefined && RETRYABLE_STATUSES.has(failure.status) && (failure.status !== 504 || idempotent)) ||
				(failure.status === undefined && idempotent && NETWORK_RETRY_CODES.has(failure.networkCode ?? ''));
			const delay = retryable
				? nextDelayMs(this.backoff, attempt, waitedMs, parseRetryAfterMs(failure.headers['retry-after'], Date.now()))
				: undefined;
			if (delay === undefined) return { failure, attempts: attempt, waitedMs, gaveUp: retryable };
			await this.wait(delay);
			waitedMs += delay;
		}
	}

	/** Waits out a Retry-After or backoff delay, counted in the stats. */
	async wait(delayMs: number): Promise<void> {
		this.stats.retries++;
		this.stats.waitedMs += delayMs;
		await sleep(delayMs);
	}

	/**
	 * Waits until `requests` requests with `uploadBytes` of body fit the mailbox's budgets, then
	 * counts them. Requests made through `request`/`attempt` are paced already; other traffic to
	 * the mailbox (upload-session PUTs) calls this itself.
	 */
	async pace(mailbox: string, requests: number, uploadBytes: number): Promise<void> {
		if (!this.budget) return;
		await this.budget.reserve(mailbox, requests, uploadBytes, async (ms) => {
			this.stats.pacedMs += ms;
			await sleep(ms);
		});
	}

	/** The node the client works for (errors name it). */
	get node(): INode {
		return this.ctx.getNode();
	}

	get backoffPolicy(): BackoffPolicy {
		return this.backoff;
	}

	get maxInFlightPerMailbox(): number {
		return this.limiter.limit;
	}

	private async send<T>(url: string, request: GraphRequest): Promise<SendOutcome<T>> {
		const options: IHttpRequestOptions = {
			method: request.method,
			url,
			qs: request.qs,
			headers: { ...(request.body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...request.headers },
			body: request.body,
			json: request.encoding === undefined,
			...(request.encoding !== undefined ? { encoding: request.encoding } : {}),
			returnFullResponse: true,
			timeout: this.timeoutMs,
		};
		this.stats.requests++;
		try {
			const full = (await this.ctx.helpers.httpRequestWithAuthentication.call(
				this.ctx,
				CREDENTIAL_TYPE,
				options,
			)) as { statusCode: number; headers: Record<string, unknown>; body: T };
			const headers: Record<string, string> = {};
			for (const [name, value] of Object.entries(full.headers ?? {})) headers[name.toLowerCase()] = String(value);
			return { response: { status: full.statusCode, headers, body: full.body } };
		} catch (error) {
			const failure = failedResponseOf(error);
			if (failure.status === undefined && !failure.networkCode) {
				// Not an HTTP answer (e.g. "The credential needs to be reconnected"): surface its message.
				throw new NodeApiError(this.ctx.getNode(), error as JsonObject, { itemIndex: request.itemIndex });
			}
			return { failure };
		}
	}
}

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
	type ITriggerFunctions,
	type IHookFunctions,
} from 'n8n-workflow';

import {
	AppOnlyRenewal,
	appOnlyTokenError,
	appOnlyTokenFailureOf,
	credentialTypeOf,
	usesAppOnly,
} from './appOnlyAuth';
import {
	failedResponseOf,
	graphApiError,
	graphErrorDetails,
	type FailedResponse,
} from './graphError';
import { graphBaseUrlOf } from './graphBaseUrl';
import { loginApiError, loginFailureOf, type LoginFailure } from './loginError';
import { AdaptiveLimit } from './adaptiveLimit';
import { KeyedLimiter } from '../helpers/concurrency';
import { MailboxBudget } from './mailboxBudget';
import {
	DEFAULT_BACKOFF,
	RETRYABLE_STATUSES,
	nextDelayMs,
	parseRetryAfterMs,
	type BackoffPolicy,
} from './retryAfter';

/**
 * Graph then answers with immutable ids, which stay valid when a message moves between folders
 * (a sent draft moving to Sent Items, a message to Deleted Items).
 */
export const IMMUTABLE_ID_HEADERS: Readonly<Record<string, string>> = {
	Prefer: 'IdType="ImmutableId"',
};

export type GraphContext =
	| IExecuteFunctions
	| IPollFunctions
	| ILoadOptionsFunctions
	| ITriggerFunctions
	| IHookFunctions;

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
	/**
	 * `arraybuffer`: the body comes back as raw bytes (a Buffer), e.g. an attachment's `$value`;
	 * `stream`: as a readable stream, never held whole (a message's MIME). Default JSON.
	 */
	encoding?: 'arraybuffer' | 'stream';
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

/** What one HTTP exchange gave (before any retry). */
type ExchangeResult<T> =
	| { response: GraphResponse<T> }
	| { failure: FailedResponse }
	| { loginFailure: LoginFailure };

/** Attempts at renewing the token when the login host has a server error (the first included). */
const LOGIN_ATTEMPTS = 3;
/** Same-origin redirects followed for one read before giving up. */
const MAX_REDIRECTS = 3;

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

const NETWORK_RETRY_CODES = new Set([
	'ECONNRESET',
	'ETIMEDOUT',
	'ECONNABORTED',
	'EPIPE',
	'ECONNREFUSED',
]);

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
	/** Per mailbox: how many serial batches to keep in flight, adapted to Graph's 429s. */
	private readonly inFlightLimits = new Map<string, AdaptiveLimit>();
	/** Set once the login host refused or failed for good: later requests fail at once, without another refresh. */
	private loginFailure: { failure: LoginFailure; attempts: number } | undefined;
	/** n8n-core's "needs to be reconnected" (a revoked or expired refresh token), kept for the same reason. */
	private reconnectError: unknown;
	/** The app-only credential could not get a token (wrong secret, no consent, ...): later requests fail at once. */
	private appOnlyFailure: string | undefined;

	private constructor(
		private readonly ctx: GraphContext,
		readonly baseUrl: string,
		options: GraphClientOptions,
		private readonly loginHost: string,
		/** `graphMailOAuth2Api` (delegated) or `graphMailAppOnlyApi`: the only place the choice is made. */
		private readonly credentialType: string,
		/** App-only: renews the stored token shortly before it expires. */
		private readonly renewal?: AppOnlyRenewal,
	) {
		this.limiter = new KeyedLimiter(Math.max(1, Math.min(4, options.maxInFlightPerMailbox ?? 4)));
		this.backoff = options.backoff ?? DEFAULT_BACKOFF;
		this.timeoutMs = options.timeoutMs ?? 120_000;
		this.origin = new URL(baseUrl).origin;
		this.budget = options.budget === false ? undefined : (options.budget ?? new MailboxBudget());
	}

	static async create(ctx: GraphContext, options: GraphClientOptions = {}): Promise<GraphClient> {
		const node = ctx.getNode();
		const credentialType = credentialTypeOf(node);
		const credentials = await ctx.getCredentials(credentialType);
		const base = graphBaseUrlOf(credentials);
		if (typeof base !== 'string') {
			throw new NodeOperationError(ctx.getNode(), base.problem, {
				description: 'Open the Microsoft Graph Mail credential and correct the field',
			});
		}
		const appOnly = usesAppOnly(node);
		return new GraphClient(
			ctx,
			base,
			options,
			appOnly ? 'the login host' : loginHostOf(credentials.accessTokenUrl),
			credentialType,
			appOnly ? new AppOnlyRenewal(node, credentials) : undefined,
		);
	}

	/** Whether an absolute URL is under the credential's Graph base (`<origin>/v1.0/`). */
	private onGraph(url: URL): boolean {
		return (
			url.origin === this.origin &&
			url.pathname.startsWith(new URL(`${this.baseUrl}/v1.0/`).pathname)
		);
	}

	/** Absolute URL for a request, refusing any host but the credential's Graph host. */
	resolveUrl(path: string, itemIndex?: number): string {
		if (!/^https?:\/\//i.test(path))
			return `${this.baseUrl}/v1.0${path.startsWith('/') ? '' : '/'}${path}`;
		let url: URL;
		try {
			url = new URL(path);
		} catch {
			throw new NodeOperationError(this.ctx.getNode(), `Graph returned a link that is not a URL`, {
				itemIndex,
			});
		}
		if (!this.onGraph(url)) {
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
		const outcome = await this.requestOutcome<T>(request);
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
	 * Like `request` (retries included), but a final failure is returned rather than thrown, for callers that must
	 * tell "Graph refused" from "the answer was lost" (a lost answer to a send is not a refusal).
	 * `weight` is the number of in-flight slots the request takes (a `$batch` takes all of them).
	 */
	async requestOutcome<T = IDataObject>(
		request: GraphRequest,
		weight = 1,
	): Promise<GraphOutcome<T>> {
		this.throwIfLoginFailed(request.itemIndex);
		let url = this.resolveUrl(request.path, request.itemIndex);
		let redirects = 0;
		let current = request;
		let loginAttempts = 0;
		const idempotent =
			request.idempotent ?? ['GET', 'HEAD', 'DELETE', 'PUT'].includes(request.method);
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
				async () => await this.send<T>(url, current),
				weight,
			);
			if ('response' in outcome) return outcome;
			if ('loginFailure' in outcome) {
				loginAttempts++;
				if (outcome.loginFailure.retryable && loginAttempts < LOGIN_ATTEMPTS) {
					await this.wait(1000 * loginAttempts);
					continue;
				}
				this.loginFailure = { failure: outcome.loginFailure, attempts: loginAttempts };
				this.throwIfLoginFailed(request.itemIndex);
			}
			const { failure } = outcome as { failure: FailedResponse };
			const sameOrigin = this.sameOriginRedirect(request, failure, url);
			if (sameOrigin !== undefined && redirects < MAX_REDIRECTS) {
				redirects++;
				url = sameOrigin;
				// The Location carries its own query.
				current = { ...request, qs: undefined };
				continue;
			}
			const retryable =
				(failure.status !== undefined &&
					RETRYABLE_STATUSES.has(failure.status) &&
					(failure.status !== 504 || idempotent)) ||
				(failure.status === undefined &&
					idempotent &&
					NETWORK_RETRY_CODES.has(failure.networkCode ?? ''));
			const delay = retryable
				? nextDelayMs(
						this.backoff,
						attempt,
						waitedMs,
						parseRetryAfterMs(failure.headers['retry-after'], Date.now()),
					)
				: undefined;
			if (delay === undefined) return { failure, attempts: attempt, waitedMs, gaveUp: retryable };
			await this.wait(delay);
			waitedMs += delay;
		}
	}

	/** Fails at once when the login host already refused in this execution (no refresh loop). */
	private throwIfLoginFailed(itemIndex?: number): void {
		if (this.appOnlyFailure !== undefined)
			throw appOnlyTokenError(this.ctx.getNode(), this.appOnlyFailure, itemIndex);
		if (this.reconnectError !== undefined) {
			throw new NodeApiError(this.ctx.getNode(), this.reconnectError as JsonObject, { itemIndex });
		}
		if (!this.loginFailure) return;
		throw loginApiError(this.ctx.getNode(), this.loginFailure.failure, {
			loginHost: this.loginHost,
			attempts: this.loginFailure.attempts,
			itemIndex,
		});
	}

	/**
	 * Where a redirect of a read points, when that is under the Graph base (followed, with the
	 * token, since it stays on the Graph host). Anything else is not followed: the 3xx is the answer.
	 */
	private sameOriginRedirect(
		request: GraphRequest,
		failure: FailedResponse,
		from: string,
	): string | undefined {
		if (failure.status === undefined || failure.status < 300 || failure.status >= 400)
			return undefined;
		if (request.method !== 'GET' || !failure.headers.location) return undefined;
		try {
			const target = new URL(failure.headers.location, from);
			return this.onGraph(target) ? target.toString() : undefined;
		} catch {
			return undefined;
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

	/** The mailbox's adaptive in-flight limit (this execution's view of the mailbox's capacity). */
	inFlightLimit(mailbox: string): AdaptiveLimit {
		const key = mailbox.toLowerCase();
		let limit = this.inFlightLimits.get(key);
		if (!limit) {
			limit = new AdaptiveLimit({ max: this.limiter.limit });
			this.inFlightLimits.set(key, limit);
		}
		return limit;
	}

	private async send<T>(url: string, request: GraphRequest): Promise<ExchangeResult<T>> {
		const options: IHttpRequestOptions = {
			method: request.method,
			url,
			qs: request.qs,
			headers: {
				...(request.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
				...request.headers,
			},
			body: request.body,
			json: request.encoding === undefined,
			...(request.encoding !== undefined ? { encoding: request.encoding } : {}),
			returnFullResponse: true,
			// n8n re-sends the Authorization header on cross-origin redirects: a 3xx comes back as
			// the answer, and only a read redirected within the Graph base is followed (in attempt).
			disableFollowRedirect: true,
			timeout: this.timeoutMs,
		};
		this.stats.requests++;
		const renewing = this.renewal?.options(Date.now());
		try {
			const full = (await this.ctx.helpers.httpRequestWithAuthentication.call(
				this.ctx,
				this.credentialType,
				options,
				renewing,
			)) as { statusCode: number; headers: Record<string, unknown>; body: T };
			this.renewal?.renewed(renewing);
			const headers: Record<string, string> = {};
			for (const [name, value] of Object.entries(full.headers ?? {}))
				headers[name.toLowerCase()] = String(value);
			return { response: { status: full.statusCode, headers, body: full.body } };
		} catch (error) {
			const tokenFailure = appOnlyTokenFailureOf(error);
			if (tokenFailure) {
				if (!tokenFailure.retryable) this.appOnlyFailure = tokenFailure.message;
				throw appOnlyTokenError(this.ctx.getNode(), tokenFailure.message, request.itemIndex);
			}
			const loginFailure = loginFailureOf(error, (url) => this.onGraph(url));
			if (loginFailure) return { loginFailure };
			const failure = failedResponseOf(error);
			if (failure.status === undefined && !failure.networkCode) {
				// Not an HTTP answer (e.g. "The credential needs to be reconnected"): surface its message.
				if (needsReconnect(error)) this.reconnectError = error;
				throw new NodeApiError(this.ctx.getNode(), error as JsonObject, {
					itemIndex: request.itemIndex,
				});
			}
			return { failure };
		}
	}
}

/** The login host's origin from the credential's token URL, for messages. */
function loginHostOf(accessTokenUrl: unknown): string {
	try {
		return new URL(String(accessTokenUrl)).origin;
	} catch {
		return 'the login host';
	}
}

/** n8n-core's error for a refresh token the login host refused for good (`invalid_grant`). */
function needsReconnect(error: unknown): boolean {
	const seen = new Set<unknown>();
	let current: unknown = error;
	while (current && typeof current === 'object' && !seen.has(current)) {
		seen.add(current);
		const candidate = current as { failure?: { cause?: unknown }; cause?: unknown };
		if (candidate.failure?.cause === 'credential-invalid') return true;
		current = candidate.cause;
	}
	return false;
}

/**
 * Failures at the login host (the token endpoint n8n-core calls to renew the access token after
 * Graph answers 401), told apart from Graph's own answers. n8n-core surfaces them as errors of
 * @n8n/client-oauth2 (`code` EAUTH with the OAuth error body, ESTATUS with a status and a body
 * that was not JSON) or as an HTTP client error whose URL is not on the Graph host (a 5xx, or no
 * connection). Knows nothing of items or operations.
 */
import { NodeApiError, type INode, type JsonObject } from 'n8n-workflow';

export interface LoginFailure {
	/** HTTP status the login host answered, when known. */
	status?: number;
	/** OAuth error code, e.g. `invalid_client`. */
	error?: string;
	/** e.g. `AADSTS7000215`. */
	aadsts?: string;
	/** First line of the login host's description (AADSTS text; never a token or secret). */
	description?: string;
	/** The answer was not JSON (an HTML page, for example). */
	notJson?: boolean;
	/** No answer at all (connection refused, reset, timeout). */
	networkCode?: string;
	/** A server error or no answer: worth a couple of retries. */
	retryable: boolean;
}

interface Candidate {
	code?: unknown;
	status?: unknown;
	body?: unknown;
	config?: { url?: unknown };
	response?: { status?: unknown; data?: unknown; config?: { url?: unknown } };
	cause?: unknown;
}

function parseUrl(url: unknown): URL | undefined {
	if (typeof url !== 'string') return undefined;
	try {
		return new URL(url);
	} catch {
		return undefined;
	}
}

function parseBody(body: unknown): Record<string, unknown> | undefined {
	if (body && typeof body === 'object' && !Buffer.isBuffer(body))
		return body as Record<string, unknown>;
	const text = Buffer.isBuffer(body)
		? body.toString('utf8')
		: typeof body === 'string'
			? body
			: undefined;
	if (text === undefined) return undefined;
	try {
		const parsed: unknown = JSON.parse(text);
		return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
	} catch {
		return undefined;
	}
}

/** The OAuth error body's parts (`error`, AADSTS code, first line of `error_description`). */
function fromOAuthBody(
	body: Record<string, unknown> | undefined,
): Pick<LoginFailure, 'error' | 'aadsts' | 'description'> {
	if (!body) return {};
	const description =
		typeof body.error_description === 'string'
			? (body.error_description.split(/\r?\n/)[0] ?? '').trim()
			: undefined;
	const codes = Array.isArray(body.error_codes) ? body.error_codes : [];
	const fromText = description ? /AADSTS(\d+)/.exec(description)?.[1] : undefined;
	const code = fromText ?? (typeof codes[0] === 'number' ? String(codes[0]) : undefined);
	return {
		error: typeof body.error === 'string' ? body.error : undefined,
		aadsts: code ? `AADSTS${code}` : undefined,
		description: description ? description.slice(0, 300) : undefined,
	};
}

/**
 * The login failure inside whatever n8n-core threw, or undefined when the error is not one
 * (Graph's own answers: requests to URLs for which `onGraph` holds; login and Graph may share a host).
 */
export function loginFailureOf(
	error: unknown,
	onGraph: (url: URL) => boolean,
): LoginFailure | undefined {
	const seen = new Set<unknown>();
	let current: unknown = error;
	while (current && typeof current === 'object' && !seen.has(current)) {
		seen.add(current);
		const candidate = current as Candidate;
		if (candidate.code === 'EAUTH' && 'body' in candidate) {
			return { ...fromOAuthBody(parseBody(candidate.body)), retryable: false };
		}
		if (candidate.code === 'ESTATUS' && typeof candidate.status === 'number') {
			const body = parseBody(candidate.body);
			const status = candidate.status;
			return {
				status,
				...fromOAuthBody(body),
				notJson: body === undefined,
				retryable: status >= 500,
			};
		}
		const url = candidate.config?.url ?? candidate.response?.config?.url;
		const parsed = parseUrl(url);
		if (parsed !== undefined && !onGraph(parsed)) {
			const status =
				typeof candidate.response?.status === 'number' ? candidate.response.status : undefined;
			const body = parseBody(candidate.response?.data);
			const networkCode =
				status === undefined && typeof candidate.code === 'string' ? candidate.code : undefined;
			return {
				status,
				...fromOAuthBody(body),
				notJson: status !== undefined && body === undefined,
				networkCode,
				retryable: status === undefined || status >= 500,
			};
		}
		current = candidate.cause;
	}
	return undefined;
}

/** What to do about the common AADSTS codes (Microsoft's error reference, and the README's troubleshooting table). */
const ADVICE: Array<{ codes: string[]; advice: string }> = [
	{
		codes: ['AADSTS7000215'],
		advice:
			"The credential's Client Secret is wrong: in the app registration, copy the secret's Value (not its Secret ID) into the credential, then reconnect.",
	},
	{
		codes: ['AADSTS7000222'],
		advice:
			"The credential's Client Secret has expired: create a new client secret in the app registration, paste its Value into the credential, then reconnect.",
	},
	{
		codes: ['AADSTS7000218'],
		advice:
			"The credential has no Client Secret: paste the secret's Value from the app registration, then reconnect.",
	},
	{
		codes: [
			'AADSTS700082',
			'AADSTS70008',
			'AADSTS50173',
			'AADSTS700084',
			'AADSTS70043',
			'AADSTS50078',
			'AADSTS50076',
			'AADSTS50079',
		],
		advice:
			'The sign-in has expired or was revoked (or needs multi-factor sign-in again): open the credential and press Connect to sign in again.',
	},
	{
		codes: ['AADSTS65001', 'AADSTS65004', 'AADSTS90094'],
		advice:
			"Consent for the app's permissions is missing: have an admin grant consent in the app registration (or sign in again and accept), then reconnect.",
	},
	{
		codes: [
			'AADSTS90002',
			'AADSTS50194',
			'AADSTS700016',
			'AADSTS9002332',
			'AADSTS90130',
			'AADSTS50020',
		],
		advice:
			"The credential's Tenant, Cloud or Client ID does not match the app registration: set Tenant to the directory where the app is registered (its tenant ID or domain), check the Client ID and Cloud, then reconnect.",
	},
];

function adviceFor(failure: LoginFailure, loginHost: string): string {
	const known = failure.aadsts
		? ADVICE.find((entry) => entry.codes.includes(failure.aadsts!))
		: undefined;
	if (known) return known.advice;
	if (failure.networkCode)
		return `Check that n8n can reach ${loginHost} (proxy, firewall, DNS), then try again.`;
	if (failure.status !== undefined && failure.status >= 500) {
		return `The sign-in service had a problem; try again later. Microsoft's service status is at https://status.cloud.microsoft.`;
	}
	if (failure.notJson) {
		return `The answer was not a token: check the credential's Cloud and Login URL (${loginHost}) and any proxy between n8n and it.`;
	}
	if (failure.aadsts)
		return `See https://login.microsoftonline.com/error?code=${failure.aadsts.replace(/^AADSTS/, '')} for this code; reconnecting the credential helps in most cases.`;
	return 'Open the credential, check its fields and press Connect to sign in again.';
}

/** "Microsoft sign-in refused to renew the access token: AADSTS7000215 invalid_client: Invalid client secret provided. ..." */
export function loginApiError(
	node: INode,
	failure: LoginFailure,
	options: { loginHost: string; attempts: number; itemIndex?: number },
): NodeApiError {
	const where = `the login host ${options.loginHost}`;
	let what: string;
	if (failure.networkCode)
		what = `could not reach ${where} to renew the access token (${failure.networkCode})`;
	else if (failure.error || failure.aadsts) {
		what = `refused to renew the access token: ${[failure.aadsts, failure.error].filter(Boolean).join(' ')}${failure.description ? `: ${failure.description.replace(/^AADSTS\d+:\s*/, '')}` : ''}`;
	} else if (failure.notJson)
		what = `answered ${failure.status ?? 'a page'} with a page that is not a token (${where})`;
	else what = `answered ${failure.status ?? 'an error'} while renewing the access token (${where})`;
	const tries = options.attempts > 1 ? ` (${options.attempts} attempts)` : '';
	const error = new NodeApiError(
		node,
		{
			status: failure.status,
			error: failure.error,
			aadsts: failure.aadsts,
		} as unknown as JsonObject,
		{
			message: `Microsoft sign-in ${what}${tries}`,
			description: `${adviceFor(failure, options.loginHost)} Microsoft Graph was not the problem: no mail was sent or read after the sign-in failed.`,
			httpCode: failure.status ? String(failure.status) : undefined,
			itemIndex: options.itemIndex,
		},
	);
	error.context.loginError =
		failure.aadsts ??
		failure.error ??
		(failure.status ? `HTTP ${failure.status}` : failure.networkCode);
	return error;
}

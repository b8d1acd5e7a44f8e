/**
 * App-only access (OAuth 2.0 client credentials grant) for Microsoft Graph: the token request
 * with a client secret or a certificate-signed client assertion, a per-process token cache with
 * one token request at a time, and the identity platform's errors in words. Knows no node.
 */
import { X509Certificate, createHash, createPrivateKey, randomUUID, sign } from 'node:crypto';

import {
	BASE_URL_PATTERN,
	CHINA_GRAPH,
	CHINA_LOGIN_HOSTS,
	CLOUD_HOSTS,
	type CloudName,
} from './cloudEndpoints';

/** Application permissions the nodes use: Send needs Mail.Send; reading, drafts and exactly-once need Mail.ReadWrite. */
export const REQUIRED_ROLES = ['Mail.Send', 'Mail.ReadWrite'];

/** A token is renewed this long before Microsoft says it expires. */
export const RENEW_BEFORE_MS = 5 * 60 * 1000;

/** A tenant GUID or a verified domain; `common`, `organizations` and `consumers` have no app-only tokens. */
export const APP_ONLY_TENANT_PATTERN =
	'^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\\.)+[a-zA-Z]{2,63})$';

export interface AppOnlyToken {
	accessToken: string;
	/** Epoch ms. */
	expiresAt: number;
	/** The token's `roles` claim, when the token is a readable JWT. */
	roles?: string[];
}

/** Thrown for every failure to get a token; `retryable` for a server error or no answer. */
export class AppOnlyTokenError extends Error {
	readonly appOnlyTokenError = true;

	constructor(
		message: string,
		readonly retryable: boolean,
		readonly aadsts?: string,
	) {
		super(message);
		this.name = 'AppOnlyTokenError';
	}
}

type Data = Record<string, unknown>;

function text(data: Data, name: string): string {
	const value = data[name];
	return typeof value === 'string' ? value.trim() : '';
}

/** Token endpoint and Graph base of the credential, or why they cannot be derived. */
export function appOnlyEndpoints(data: Data): {
	tokenUrl: string;
	graphBase: string;
	scope: string;
} {
	const cloud = (text(data, 'cloud') || 'global') as CloudName;
	const tenant = text(data, 'tenantId');
	if (!new RegExp(APP_ONLY_TENANT_PATTERN).test(tenant)) {
		throw new AppOnlyTokenError(
			`The credential's Tenant "${tenant}" is not valid for app-only access: use the tenant ID (a GUID) or a verified domain, not common, organizations or consumers`,
			false,
		);
	}
	let login: string;
	let graph: string;
	if (cloud === 'custom') {
		login = text(data, 'customLoginUrl');
		graph = text(data, 'customGraphUrl');
		for (const [label, url] of [
			['Login Base URL', login],
			['Graph Base URL', graph],
		] as const) {
			if (!new RegExp(BASE_URL_PATTERN).test(url)) {
				throw new AppOnlyTokenError(
					`The credential's ${label} "${url}" is not valid: use https, or http on a loopback host`,
					false,
				);
			}
		}
	} else if (cloud === 'china') {
		login = text(data, 'chinaLoginHost') || CHINA_LOGIN_HOSTS[0];
		graph = CHINA_GRAPH;
	} else {
		const hosts = CLOUD_HOSTS[cloud];
		if (!hosts)
			throw new AppOnlyTokenError(`The credential's Cloud "${String(cloud)}" is not known`, false);
		({ login, graph } = hosts);
	}
	login = login.replace(/\/+$/, '');
	graph = graph.replace(/\/+$/, '');
	return {
		tokenUrl: `${login}/${encodeURIComponent(tenant)}/oauth2/v2.0/token`,
		graphBase: graph,
		scope: `${graph}/.default`,
	};
}

/** The value, or undefined when the input does not parse. */
function parsed<T>(make: () => T): T | undefined {
	try {
		return make();
	} catch {
		return undefined;
	}
}

function base64url(value: Buffer | string): string {
	return Buffer.from(value).toString('base64url');
}

/**
 * The signed client assertion Microsoft documents for certificate credentials: an RS256 JWT whose
 * header names the certificate (x5t#S256 and x5t), with aud = the token endpoint, iss = sub = the
 * client ID, a fresh jti, and nbf/exp around now (10 minutes).
 */
export function clientAssertion(options: {
	clientId: string;
	tokenUrl: string;
	privateKeyPem: string;
	certificatePem: string;
	nowSec: number;
	jti?: string;
}): string {
	const certificate = parsed(() => new X509Certificate(options.certificatePem));
	if (!certificate) {
		throw new AppOnlyTokenError(
			'The credential\'s Certificate is not a PEM certificate ("-----BEGIN CERTIFICATE-----")',
			false,
		);
	}
	const key = parsed(() => createPrivateKey(options.privateKeyPem));
	if (!key) {
		throw new AppOnlyTokenError(
			'The credential\'s Private Key is not an unencrypted PEM private key ("-----BEGIN PRIVATE KEY-----")',
			false,
		);
	}
	if (key.asymmetricKeyType !== 'rsa')
		throw new AppOnlyTokenError("The credential's Private Key must be an RSA key", false);
	if (!certificate.checkPrivateKey(key)) {
		throw new AppOnlyTokenError(
			"The credential's Private Key does not belong to its Certificate",
			false,
		);
	}
	const header = {
		alg: 'RS256',
		typ: 'JWT',
		x5t: base64url(createHash('sha1').update(certificate.raw).digest()),
		'x5t#S256': base64url(createHash('sha256').update(certificate.raw).digest()),
	};
	const payload = {
		aud: options.tokenUrl,
		iss: options.clientId,
		sub: options.clientId,
		jti: options.jti ?? randomUUID(),
		nbf: options.nowSec,
		iat: options.nowSec,
		exp: options.nowSec + 600,
	};
	const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
	return `${signingInput}.${base64url(sign('sha256', Buffer.from(signingInput), key))}`;
}

/** The form body of the token request (no secret is ever logged: callers only send it). */
export function tokenRequestBody(
	data: Data,
	tokenUrl: string,
	scope: string,
	nowSec: number,
): string {
	const clientId = text(data, 'clientId');
	if (!clientId) throw new AppOnlyTokenError("The credential's Client ID is empty", false);
	const form = new URLSearchParams({
		client_id: clientId,
		scope,
		grant_type: 'client_credentials',
	});
	if (text(data, 'authMethod') === 'certificate') {
		form.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
		form.set(
			'client_assertion',
			clientAssertion({
				clientId,
				tokenUrl,
				privateKeyPem: text(data, 'privateKey'),
				certificatePem: text(data, 'certificate'),
				nowSec,
			}),
		);
	} else {
		const secret = typeof data.clientSecret === 'string' ? data.clientSecret : '';
		if (!secret) throw new AppOnlyTokenError("The credential's Client Secret is empty", false);
		form.set('client_secret', secret);
	}
	return form.toString();
}

/** The `roles` claim of a JWT access token (not verified: only to tell the user what is missing). */
export function rolesOf(accessToken: string): string[] | undefined {
	const parts = accessToken.split('.');
	const [, payloadPart] = parts;
	if (parts.length !== 3 || payloadPart === undefined) return undefined;
	try {
		const payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8')) as {
			roles?: unknown;
		};
		return Array.isArray(payload.roles)
			? payload.roles.filter((role): role is string => typeof role === 'string')
			: [];
	} catch {
		return undefined;
	}
}

/** Roles of REQUIRED_ROLES the token lacks (Mail.ReadWrite also covers reading). */
export function missingRoles(roles: string[]): string[] {
	const held = new Set(roles.map((role) => role.toLowerCase()));
	return REQUIRED_ROLES.filter((role) => !held.has(role.toLowerCase()));
}

const CONSENT_HINT =
	'In the Microsoft Entra admin center open the app registration, API permissions, add the Microsoft Graph application permissions Mail.Send and Mail.ReadWrite, and select "Grant admin consent".';

/** Why the identity platform refused, in words, for the common AADSTS codes. */
export function describeTokenFailure(status: number | undefined, body: unknown): AppOnlyTokenError {
	const parsed = typeof body === 'string' ? safeJson(body) : body;
	const record = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
	const description =
		typeof record.error_description === 'string'
			? (record.error_description.split(/\r?\n/)[0] ?? '').trim()
			: '';
	const aadsts = /AADSTS\d+/.exec(description)?.[0];
	const known: Record<string, string> = {
		AADSTS7000215:
			"The client secret is wrong: enter the secret's Value (not its Secret ID) from Certificates & secrets.",
		AADSTS7000222:
			'The client secret has expired: create a new one under Certificates & secrets and enter its Value.',
		AADSTS700027:
			"Microsoft does not know the certificate: upload the certificate (the .cer or PEM, public part only) under the app registration's Certificates & secrets.",
		AADSTS700024:
			'The client assertion is outside its valid time: check the clock of the n8n host.',
		AADSTS7000229: `The app has no service principal in this tenant: an administrator has not consented to it. ${CONSENT_HINT}`,
		AADSTS65001: `An administrator has not consented to the app's permissions. ${CONSENT_HINT}`,
		AADSTS700016:
			'No app with this Client ID exists in the tenant: check the Client ID and the Tenant.',
		AADSTS90002:
			'The tenant does not exist: check the Tenant (its ID or a verified domain) and the Cloud.',
		AADSTS7000218:
			"The request carried no client secret or certificate: fill in the credential's secret or certificate.",
		AADSTS1002012: 'The scope is not valid for the client credentials grant.',
	};
	const retryable = status === undefined || status >= 500;
	const explanation =
		(aadsts && known[aadsts]) ?? (description || `the login host answered ${status ?? 'nothing'}`);
	return new AppOnlyTokenError(
		`Could not get an app-only token${aadsts ? ` (${aadsts})` : ''}: ${explanation}`,
		retryable && !aadsts,
		aadsts,
	);
}

function safeJson(value: string): unknown {
	try {
		return JSON.parse(value);
	} catch {
		return undefined;
	}
}

/** Reads a token response; a token without any roles means no application permission was consented. */
export function parseTokenResponse(body: unknown, nowMs: number): AppOnlyToken {
	const parsed = typeof body === 'string' ? safeJson(body) : body;
	const record = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
	const accessToken = record.access_token;
	if (typeof accessToken !== 'string' || accessToken === '') {
		throw new AppOnlyTokenError('The login host answered without an access token', true);
	}
	const expiresIn = Number(record.expires_in);
	const roles = rolesOf(accessToken);
	if (roles !== undefined && roles.length === 0) {
		throw new AppOnlyTokenError(
			`Microsoft issued a token with no application permissions: an administrator has not consented to the app. ${CONSENT_HINT}`,
			false,
		);
	}
	return {
		accessToken,
		expiresAt: nowMs + (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 3599) * 1000,
		roles,
	};
}

/** One cache entry per app and key material: a secret change or another certificate is another entry. */
export function cacheKeyOf(data: Data, tokenUrl: string, scope: string): string {
	const material =
		text(data, 'authMethod') === 'certificate'
			? `cert:${text(data, 'certificate')}`
			: `secret:${typeof data.clientSecret === 'string' ? data.clientSecret : ''}`;
	return createHash('sha256')
		.update([tokenUrl, scope, text(data, 'clientId'), material].join('\n'))
		.digest('hex');
}

/**
 * Tokens per app kept until RENEW_BEFORE_MS before they expire, and one token request at a time
 * per app (callers that arrive while it runs wait for it). n8n-core asks for a token when the
 * stored one is empty or Graph answered 401: `rejected` is then the token Graph refused, which is
 * never handed out again.
 */
export class AppOnlyTokenCache {
	private readonly tokens = new Map<string, AppOnlyToken>();
	private readonly pending = new Map<string, Promise<AppOnlyToken>>();

	async get(
		key: string,
		rejected: string | undefined,
		fetch: () => Promise<AppOnlyToken>,
		nowMs: number,
	): Promise<AppOnlyToken> {
		const cached = this.tokens.get(key);
		if (cached && cached.accessToken !== rejected && cached.expiresAt - RENEW_BEFORE_MS > nowMs)
			return cached;
		const running = this.pending.get(key);
		if (running) return await running;
		const request = fetch().then((token) => {
			this.tokens.set(key, token);
			return token;
		});
		this.pending.set(key, request);
		try {
			return await request;
		} finally {
			this.pending.delete(key);
		}
	}

	clear(): void {
		this.tokens.clear();
	}
}

export const appOnlyTokenCache = new AppOnlyTokenCache();

/** Posts the form to the token endpoint: status and body of the answer (thrown errors are "no answer"). */
export type TokenPost = (url: string, form: string) => Promise<{ status: number; body: unknown }>;

/** Gets a token (from the cache or the token endpoint). */
export async function appOnlyToken(
	data: Data,
	post: TokenPost,
	options: { rejected?: string; nowMs: number; cache?: AppOnlyTokenCache },
): Promise<AppOnlyToken> {
	const { tokenUrl, scope } = appOnlyEndpoints(data);
	const cache = options.cache ?? appOnlyTokenCache;
	return await cache.get(
		cacheKeyOf(data, tokenUrl, scope),
		options.rejected,
		async () => {
			const form = tokenRequestBody(data, tokenUrl, scope, Math.floor(options.nowMs / 1000));
			const answer = await post(tokenUrl, form).catch((error: unknown) => ({ unreachable: error }));
			if ('unreachable' in answer) {
				const code = (answer.unreachable as { code?: unknown } | undefined)?.code;
				throw new AppOnlyTokenError(
					`Could not reach the login host ${new URL(tokenUrl).origin}${typeof code === 'string' ? ` (${code})` : ''}`,
					true,
				);
			}
			if (answer.status < 200 || answer.status >= 300)
				throw describeTokenFailure(answer.status, answer.body);
			return parseTokenResponse(answer.body, Date.now());
		},
		options.nowMs,
	);
}

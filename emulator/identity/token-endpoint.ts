import { createHash, timingSafeEqual } from 'node:crypto';

import { AadError, aadErrorBody, newTrace } from './aad-error';
import { redeemClientCredentials } from './client-credentials';
import type { RegisteredApp } from './apps';
import type { Identity, TokenResponse } from './identity';
import { normaliseScopes } from './scopes';
import { isKnownTenant } from './tenant';
import type { AuthCodeGrant } from './token-store';

export interface TokenRequestInput {
	method: string;
	tenant: string;
	form: URLSearchParams;
	authorization?: string;
	clientRequestId?: string;
}

export interface TokenOutcome {
	status: number;
	json: TokenResponse | Record<string, unknown>;
}

function missing(name: string): AadError {
	return new AadError(
		400,
		'invalid_request',
		900144,
		`The request body must contain the following parameter: '${name}'.`,
	);
}

function invalidGrant(code: number, text: string, suberror?: string): AadError {
	return new AadError(400, 'invalid_grant', code, text, suberror);
}

/** RFC 6749 2.3.1: Basic credentials are form-urlencoded before base64. */
function parseBasic(authorization: string | undefined): { id: string; secret: string } | undefined {
	const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
	if (!match) return undefined;
	const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	if (colon < 0) return undefined;
	const unescape = (text: string) => {
		try {
			return decodeURIComponent(text.replace(/\+/g, ' '));
		} catch {
			return text;
		}
	};
	return { id: unescape(decoded.slice(0, colon)), secret: unescape(decoded.slice(colon + 1)) };
}

function sameSecret(a: string, b: string): boolean {
	const left = Buffer.from(a, 'utf8');
	const right = Buffer.from(b, 'utf8');
	return left.length === right.length && timingSafeEqual(left, right);
}

/** Client authentication: secret in the body or HTTP Basic. */
function authenticateClient(identity: Identity, input: TokenRequestInput): RegisteredApp {
	const basic = parseBasic(input.authorization);
	const bodyId = input.form.get('client_id') ?? undefined;
	if (basic && bodyId && basic.id.toLowerCase() !== bodyId.toLowerCase()) {
		throw new AadError(
			401,
			'invalid_client',
			7000216,
			'The client_id in the Authorization header does not match the client_id in the request body.',
		);
	}
	const clientId = bodyId ?? basic?.id;
	if (!clientId) throw missing('client_id');
	const app = identity.apps.find(clientId);
	if (!app) {
		throw new AadError(
			400,
			'unauthorized_client',
			700016,
			`Application with identifier '${clientId}' was not found in the directory. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
		);
	}
	const secret = input.form.get('client_secret') ?? basic?.secret;
	if (!app.clientSecret) {
		if (secret) {
			throw new AadError(
				401,
				'invalid_client',
				700025,
				"Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
			);
		}
		return app;
	}
	if (!secret) {
		throw new AadError(
			401,
			'invalid_client',
			7000218,
			"The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
		);
	}
	if (!sameSecret(secret, app.clientSecret)) {
		throw new AadError(
			401,
			'invalid_client',
			7000215,
			`Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`,
		);
	}
	return app;
}

function checkPkce(grant: AuthCodeGrant, verifier: string | null): void {
	if (!grant.codeChallenge) return;
	const expected =
		grant.codeChallengeMethod === 'S256' && verifier
			? createHash('sha256').update(verifier).digest('base64url')
			: verifier;
	if (!verifier || expected !== grant.codeChallenge) {
		throw invalidGrant(
			501481,
			'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
		);
	}
}

function redeemCode(identity: Identity, app: RegisteredApp, form: URLSearchParams): TokenResponse {
	const code = form.get('code');
	if (!code) throw missing('code');
	const grant = identity.tokens.findCode(code);
	if (!grant) throw invalidGrant(9002313, 'Invalid request. Request is malformed or invalid.');
	if (grant.redeemed) {
		throw invalidGrant(
			54005,
			'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
		);
	}
	if (grant.expiresAt <= Date.now()) {
		throw invalidGrant(
			70008,
			'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
		);
	}
	if (grant.clientId !== app.clientId)
		throw invalidGrant(70000, 'Provided grant is invalid or malformed.');
	const redirectUri = form.get('redirect_uri');
	if (!redirectUri) throw missing('redirect_uri');
	if (redirectUri !== grant.redirectUri) {
		throw invalidGrant(
			50011,
			`The redirect URI '${redirectUri}' specified in the request does not match the redirect URI used when the authorization code was requested.`,
		);
	}
	checkPkce(grant, form.get('code_verifier'));
	const user = identity.deps.directory().findUser(grant.userId);
	if (!user)
		throw invalidGrant(
			50173,
			'The provided grant has expired due to it being revoked, a fresh auth token is needed.',
		);
	grant.redeemed = true;
	return identity.issue({
		user,
		clientId: app.clientId,
		grantedScopes: grant.scopes,
		nonce: grant.nonce,
	});
}

function redeemRefreshToken(
	identity: Identity,
	app: RegisteredApp,
	form: URLSearchParams,
): TokenResponse {
	const token = form.get('refresh_token');
	if (!token) throw missing('refresh_token');
	const record = identity.tokens.findRefreshToken(token);
	if (!record) throw invalidGrant(9002313, 'Invalid request. Request is malformed or invalid.');
	if (record.clientId !== app.clientId)
		throw invalidGrant(70000, 'Provided grant is invalid or malformed.');
	const user = identity.deps.directory().findUser(record.userId);
	if (record.revoked || !user) {
		throw invalidGrant(
			50173,
			`The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '${new Date(record.issuedAt).toISOString()}'.`,
			'bad_token',
		);
	}
	if (record.expiresAt <= Date.now()) {
		throw invalidGrant(
			700082,
			`The refresh token has expired due to inactivity. The token was issued on ${new Date(record.issuedAt).toISOString()} and was inactive for 90.00:00:00.`,
			'bad_token',
		);
	}
	let tokenScopes = record.scopes;
	const requested = form.get('scope');
	if (requested) {
		const wanted = normaliseScopes(requested);
		const beyond = wanted.filter((scope) => !record.scopes.includes(scope));
		if (beyond.length > 0) {
			throw invalidGrant(
				65001,
				`The user or administrator has not consented to use the application with ID '${app.clientId}' named '${app.displayName}'. Send an interactive authorization request for this user and resource.`,
				'consent_required',
			);
		}
		tokenScopes = wanted;
	}
	const response = identity.issue({
		user,
		clientId: app.clientId,
		grantedScopes: record.scopes,
		tokenScopes,
	});
	identity.deps.counters.refreshes += 1;
	return response;
}

/** `POST /{tenant}/oauth2/v2.0/token` (form-encoded). */
export function handleToken(identity: Identity, input: TokenRequestInput): TokenOutcome {
	try {
		if (input.method !== 'POST')
			throw new AadError(
				400,
				'invalid_request',
				900561,
				'The endpoint only accepts POST requests.',
			);
		if (!isKnownTenant(input.tenant)) {
			throw new AadError(
				400,
				'invalid_request',
				90002,
				`Tenant '${input.tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
			);
		}
		const grantType = input.form.get('grant_type');
		if (!grantType) throw missing('grant_type');
		if (grantType === 'client_credentials')
			return { status: 200, json: redeemClientCredentials(identity, input.form, input.tenant) };
		const app = authenticateClient(identity, input);
		if (grantType === 'authorization_code')
			return { status: 200, json: redeemCode(identity, app, input.form) };
		if (grantType === 'refresh_token')
			return { status: 200, json: redeemRefreshToken(identity, app, input.form) };
		throw new AadError(
			400,
			'unsupported_grant_type',
			70003,
			`The app requested an unsupported grant type '${grantType}'.`,
		);
	} catch (error) {
		if (!(error instanceof AadError)) throw error;
		return {
			status: error.status,
			json: aadErrorBody(error, newTrace(input.clientRequestId), identity.deps.loginBaseUrl()),
		};
	}
}

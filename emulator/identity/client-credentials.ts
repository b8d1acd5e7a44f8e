/**
 * The client credentials grant (app-only access): a client secret or a certificate-signed client
 * assertion (signature, audience, lifetime, issuer and thumbprint checked), a `<graph>/.default`
 * scope, and a JWT access token whose `roles` are the app's admin-consented application
 * permissions. Refusals carry the AADSTS codes Microsoft uses (wire facts 1.8).
 */
import {
	X509Certificate,
	createHash,
	createHmac,
	createPublicKey,
	randomBytes,
	timingSafeEqual,
	verify,
} from 'node:crypto';

import { AadError } from './aad-error';
import type { RegisteredApp } from './apps';
import type { Identity } from './identity';
import { TENANT_ID } from './tenant';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** What an app may do without a user: set through the control API (`appOnly` in POST /_emulator/apps). */
export interface AppOnlyConfig {
	/** Application permissions an administrator consented to (`roles` in the token). Empty: not consented. */
	roles: string[];
	/** Application access policy: the mailboxes (ids, UPNs or addresses) the app may use. Absent: all. */
	mailboxes?: string[];
	/** PEM certificates registered under Certificates & secrets. */
	certificates?: string[];
	/** Epoch ms after which the client secret is expired. */
	secretExpiresAt?: number;
	/** False: the app has no service principal in the tenant (never consented there). Default true. */
	servicePrincipal?: boolean;
}

/** Key that signs the emulator's app-only tokens (they are looked up on use; the signature makes them look real). */
const SIGNING_KEY = randomBytes(32);

function b64url(value: Buffer | string): string {
	return Buffer.from(value).toString('base64url');
}

function thumbprints(
	pem: string,
): { sha1: string; sha256: string; publicKey: ReturnType<typeof createPublicKey> } | undefined {
	try {
		const certificate = new X509Certificate(pem);
		return {
			sha1: createHash('sha1').update(certificate.raw).digest('base64url'),
			sha256: createHash('sha256').update(certificate.raw).digest('base64url'),
			publicKey: certificate.publicKey,
		};
	} catch {
		return undefined;
	}
}

function invalidClient(code: number, text: string): AadError {
	return new AadError(401, 'invalid_client', code, text);
}

function decodePart(part: string | undefined): Record<string, unknown> | undefined {
	try {
		const value: unknown = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));
		return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
	} catch {
		return undefined;
	}
}

function hexOf(base64url: string): string {
	return Buffer.from(base64url, 'base64url').toString('hex').toUpperCase();
}

/** Checks a certificate client assertion as the identity platform does. */
export function checkAssertion(
	app: RegisteredApp,
	assertion: string,
	tokenUrl: string,
	nowSec: number,
): void {
	const parts = assertion.split('.');
	const [headerPart, claimsPart, signaturePart] = parts;
	const header = decodePart(headerPart);
	const claims = decodePart(claimsPart);
	if (parts.length !== 3 || signaturePart === undefined || !header || !claims) {
		throw invalidClient(50027, 'JWT token is invalid or malformed.');
	}
	const sha256 = typeof header['x5t#S256'] === 'string' ? header['x5t#S256'] : undefined;
	const sha1 = typeof header.x5t === 'string' ? header.x5t : undefined;
	if (!sha256 && !sha1)
		throw invalidClient(
			50027,
			'Invalid JWT token. No certificate thumbprint specified in token header.',
		);
	const used = hexOf((sha1 ?? sha256) as string);
	const known = (app.appOnly?.certificates ?? [])
		.map(thumbprints)
		.find((cert) => cert && ((sha256 && cert.sha256 === sha256) || (sha1 && cert.sha1 === sha1)));
	if (!known) {
		throw invalidClient(
			700027,
			`Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '${used}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${app.clientId}'.]`,
		);
	}
	const signed =
		header.alg === 'RS256' &&
		verify(
			'sha256',
			Buffer.from(`${headerPart}.${claimsPart}`),
			known.publicKey,
			Buffer.from(signaturePart, 'base64url'),
		);
	if (!signed) {
		throw invalidClient(
			700027,
			`Client assertion contains an invalid signature. [Reason - The provided signature value did not match the expected signature value., Thumbprint of key used by client: '${used}']`,
		);
	}
	if (claims.iss !== app.clientId && String(claims.iss).toLowerCase() !== app.clientId) {
		throw invalidClient(
			700021,
			"Client assertion application identifier doesn't match 'client_id' parameter.",
		);
	}
	if (String(claims.sub).toLowerCase() !== app.clientId) {
		throw invalidClient(
			700021,
			"Client assertion application identifier doesn't match 'client_id' parameter.",
		);
	}
	if (claims.aud !== tokenUrl) {
		throw invalidClient(
			700212,
			`The audience claim '${String(claims.aud)}' of the client assertion does not match the token endpoint '${tokenUrl}'.`,
		);
	}
	const exp = Number(claims.exp);
	const nbf = claims.nbf === undefined ? undefined : Number(claims.nbf);
	if (!Number.isFinite(exp) || exp <= nowSec || (nbf !== undefined && nbf > nowSec + 300)) {
		throw invalidClient(
			700024,
			`Client assertion is not within its valid time range. Current time: ${new Date(nowSec * 1000).toISOString()}, assertion valid from ${nbf ? new Date(nbf * 1000).toISOString() : 'unknown'}, expiry time of assertion ${Number.isFinite(exp) ? new Date(exp * 1000).toISOString() : 'unknown'}.`,
		);
	}
}

function sameSecret(a: string, b: string): boolean {
	const left = Buffer.from(a, 'utf8');
	const right = Buffer.from(b, 'utf8');
	return left.length === right.length && timingSafeEqual(left, right);
}

/** The client: secret (body) or certificate assertion; app-only needs a confidential client. */
function authenticate(
	app: RegisteredApp,
	form: URLSearchParams,
	tokenUrl: string,
	nowMs: number,
): void {
	const assertion = form.get('client_assertion');
	const secret = form.get('client_secret');
	if (assertion) {
		if (form.get('client_assertion_type') !== CLIENT_ASSERTION_TYPE) {
			throw new AadError(
				400,
				'invalid_request',
				900144,
				"The request body must contain the following parameter: 'client_assertion_type'.",
			);
		}
		checkAssertion(app, assertion, tokenUrl, Math.floor(nowMs / 1000));
		return;
	}
	if (!secret)
		throw invalidClient(
			7000218,
			"The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
		);
	if (!app.clientSecret || !sameSecret(secret, app.clientSecret)) {
		throw invalidClient(
			7000215,
			`Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`,
		);
	}
	if (app.appOnly?.secretExpiresAt !== undefined && app.appOnly.secretExpiresAt <= nowMs) {
		throw invalidClient(
			7000222,
			`The provided client secret keys for app '${app.clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
		);
	}
}

/** `grant_type=client_credentials` at `/{tenant}/oauth2/v2.0/token`. */
export function redeemClientCredentials(
	identity: Identity,
	form: URLSearchParams,
	tenant: string,
): Record<string, unknown> {
	const clientId = form.get('client_id');
	if (!clientId)
		throw new AadError(
			400,
			'invalid_request',
			900144,
			"The request body must contain the following parameter: 'client_id'.",
		);
	const app = identity.apps.find(clientId);
	if (!app) {
		throw new AadError(
			400,
			'unauthorized_client',
			700016,
			`Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
		);
	}
	const now = Date.now();
	authenticate(app, form, `${identity.deps.loginBaseUrl()}/${tenant}/oauth2/v2.0/token`, now);
	const scope = form.get('scope') ?? '';
	if (!/^\S+\/\.default$/.test(scope.trim())) {
		throw new AadError(
			400,
			'invalid_scope',
			1002012,
			`The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
		);
	}
	if (!app.appOnly || app.appOnly.servicePrincipal === false) {
		throw invalidClient(
			7000229,
			`The client application ${app.clientId} is missing service principal in the tenant ${TENANT_ID}. See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119`,
		);
	}
	const lifetime = Math.round(identity.deps.settings.accessTokenLifetimeSec);
	const nowSec = Math.floor(now / 1000);
	const resource = scope.trim().replace(/\/\.default$/, '');
	const header = b64url(JSON.stringify({ typ: 'JWT', alg: 'HS256' }));
	const claims = b64url(
		JSON.stringify({
			aud: resource,
			iss: `https://sts.windows.net/${TENANT_ID}/`,
			iat: nowSec,
			nbf: nowSec,
			exp: nowSec + lifetime,
			appid: app.clientId,
			app_displayname: app.displayName,
			idtyp: 'app',
			roles: [...app.appOnly.roles],
			tid: TENANT_ID,
		}),
	);
	const signature = createHmac('sha256', SIGNING_KEY)
		.update(`${header}.${claims}`)
		.digest('base64url');
	const accessToken = `${header}.${claims}.${signature}`;
	identity.tokens.registerAccessToken(accessToken, {
		userId: '',
		clientId: app.clientId,
		scopes: [...app.appOnly.roles],
		expiresAt: now + lifetime * 1000,
		app: { mailboxes: app.appOnly.mailboxes ? [...app.appOnly.mailboxes] : undefined },
	});
	identity.deps.counters.tokensIssued += 1;
	identity.deps.counters.appOnlyTokensIssued += 1;
	// No `scope` in the answer: app-only tokens carry roles, not scopes.
	return {
		token_type: 'Bearer',
		expires_in: lifetime,
		ext_expires_in: lifetime,
		access_token: accessToken,
	};
}

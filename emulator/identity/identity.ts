import type { Caller, EmulatorUser } from '../contract';
import type { CounterStore } from '../counters';
import type { RuntimeSettings } from '../settings';
import { AppRegistry, DEFAULT_APP } from './apps';
import { AadError } from './aad-error';
import { buildIdToken } from './id-token';
import { normaliseScopes } from './scopes';
import { TENANT_ID } from './tenant';
import { ACCESS_TOKEN_PREFIX, TokenStore } from './token-store';

/** The token endpoint's success JSON (and what `issueTokens` returns). */
export interface TokenResponse {
	token_type: 'Bearer';
	scope: string;
	expires_in: number;
	ext_expires_in: number;
	access_token: string;
	refresh_token?: string;
	id_token?: string;
}

export interface UserDirectory {
	listUsers(): EmulatorUser[];
	findUser(idOrUpn: string): EmulatorUser | undefined;
}

export interface IdentityDeps {
	directory: () => UserDirectory;
	settings: RuntimeSettings;
	counters: CounterStore;
	loginBaseUrl: () => string;
	/** The user the consent step picks silently, or undefined when a person must choose. */
	autoApproveUser: (loginHint?: string) => EmulatorUser | undefined;
}

export interface Grant {
	user: EmulatorUser;
	clientId: string;
	/** Everything consented (a refresh token carries all of it). */
	grantedScopes: string[];
	/** What this token is for; defaults to the whole grant. */
	tokenScopes?: string[];
	nonce?: string;
}

export type BearerCheck = { ok: true; caller: Caller } | { ok: false; message: string };

export interface ControlTokenRequest {
	userId?: string;
	upn?: string;
	scopes: string | string[];
	clientId?: string;
}

/** Apps, grants and tokens of the emulated identity platform. */
export class Identity {
	readonly apps = new AppRegistry();
	readonly tokens = new TokenStore();

	constructor(readonly deps: IdentityDeps) {}

	issuer(): string {
		return `${this.deps.loginBaseUrl()}/${TENANT_ID}/v2.0`;
	}

	/** Builds a token response for a grant; a refresh token only with offline_access, an id_token only with openid. */
	issue(grant: Grant): TokenResponse {
		const scopes = grant.tokenScopes ?? grant.grantedScopes;
		const lifetime = Math.round(this.deps.settings.accessTokenLifetimeSec);
		const accessToken = this.tokens.createAccessToken({
			userId: grant.user.id,
			clientId: grant.clientId,
			scopes: [...scopes],
			expiresAt: Date.now() + lifetime * 1000,
		});
		const response: TokenResponse = {
			token_type: 'Bearer',
			scope: scopes.join(' '),
			expires_in: lifetime,
			ext_expires_in: lifetime,
			access_token: accessToken,
		};
		if (grant.grantedScopes.includes('offline_access')) {
			response.refresh_token = this.tokens.createRefreshToken(
				grant.user.id,
				grant.clientId,
				grant.grantedScopes,
			);
		}
		if (scopes.includes('openid')) {
			response.id_token = buildIdToken({
				user: grant.user,
				clientId: grant.clientId,
				tenantId: TENANT_ID,
				issuer: this.issuer(),
				scopes,
				nonce: grant.nonce,
				nowSec: Math.floor(Date.now() / 1000),
			});
		}
		this.deps.counters.tokensIssued += 1;
		return response;
	}

	/** Control API: tokens as if the user had consented in the browser and the code was redeemed. */
	issueForControl(request: ControlTokenRequest): TokenResponse {
		const who = request.userId ?? request.upn;
		if (!who) throw new Error('userId or upn is required');
		const user = this.deps.directory().findUser(who);
		if (!user) throw new Error(`unknown user: ${who}`);
		if (typeof request.scopes !== 'string' && !Array.isArray(request.scopes))
			throw new Error('scopes (string or array) is required');
		const app = this.apps.find(request.clientId ?? DEFAULT_APP.clientId);
		if (!app) throw new Error(`unknown client: ${request.clientId}`);
		let scopes: string[];
		try {
			scopes = normaliseScopes(request.scopes);
		} catch (error) {
			throw new Error(error instanceof AadError ? error.message : String(error));
		}
		return this.issue({ user, clientId: app.clientId, grantedScopes: scopes });
	}

	/** Checks a Graph request's Authorization header. */
	authenticate(authorization: string | undefined): BearerCheck {
		const value = (authorization ?? '').trim();
		if (!value || /^Bearer$/i.test(value)) return { ok: false, message: 'Access token is empty.' };
		const match = /^Bearer\s+(\S+)$/i.exec(value);
		if (!match) return { ok: false, message: 'Access token validation failure.' };
		const token = match[1]!;
		const record = this.tokens.findAccessToken(token);
		if (!record) {
			// Ours but unknown (e.g. from before a restart) vs. something that is not a token at all.
			const looksLikeToken = token.startsWith(ACCESS_TOKEN_PREFIX) || token.split('.').length === 3;
			return {
				ok: false,
				message: looksLikeToken
					? 'Access token validation failure.'
					: 'CompactToken parsing failed with error code: 80049217',
			};
		}
		if (record.expiresAt <= Date.now())
			return { ok: false, message: 'Access token has expired or is not yet valid.' };
		if (record.app) {
			// An app-only token without consented application permissions has neither scp nor roles.
			if (record.scopes.length === 0)
				return { ok: false, message: 'Either scp or roles claim need to be present in the token.' };
			return {
				ok: true,
				caller: {
					userId: '',
					clientId: record.clientId,
					scopes: [...record.scopes],
					app: { ...record.app },
				},
			};
		}
		if (!this.deps.directory().findUser(record.userId))
			return { ok: false, message: 'Access token validation failure.' };
		return {
			ok: true,
			caller: { userId: record.userId, clientId: record.clientId, scopes: [...record.scopes] },
		};
	}

	reset(): void {
		this.apps.reset();
		this.tokens.reset();
	}

	toJSON(): { apps: unknown; refreshTokens: unknown } {
		return { apps: this.apps.toJSON(), refreshTokens: this.tokens.toJSON() };
	}

	load(state: unknown): void {
		const value = (state ?? {}) as { apps?: unknown; refreshTokens?: unknown };
		this.apps.load(value.apps);
		this.tokens.load(value.refreshTokens);
	}
}

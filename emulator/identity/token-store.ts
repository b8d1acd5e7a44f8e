import { randomToken } from '../util/ids';

export interface AuthCodeGrant {
	clientId: string;
	redirectUri: string;
	userId: string;
	scopes: string[];
	codeChallenge?: string;
	codeChallengeMethod?: 'S256' | 'plain';
	nonce?: string;
	expiresAt: number;
	redeemed: boolean;
}

export interface AccessTokenRecord {
	/** Empty for an app-only token (no user). */
	userId: string;
	clientId: string;
	/** Delegated scopes, or an app-only token's roles. */
	scopes: string[];
	expiresAt: number;
	/** App-only: the application access policy (mailboxes the app may use; absent = all). */
	app?: { mailboxes?: string[] };
}

export interface RefreshTokenRecord {
	token: string;
	userId: string;
	clientId: string;
	/** The whole consented grant: a refresh may ask for any subset of it. */
	scopes: string[];
	issuedAt: number;
	expiresAt: number;
	revoked: boolean;
}

/** Opaque access tokens start with this, so the bearer check can tell "ours but unknown" from garbage. */
export const ACCESS_TOKEN_PREFIX = 'EwEmu';
const REFRESH_TOKEN_PREFIX = 'M.Emu.';
/** Microsoft's default refresh-token lifetime outside SPAs. */
const REFRESH_TOKEN_LIFETIME_MS = 90 * 24 * 3600 * 1000;

/** Codes, access tokens and refresh tokens. Only refresh tokens are persisted. */
export class TokenStore {
	private codes = new Map<string, AuthCodeGrant>();
	private accessTokens = new Map<string, AccessTokenRecord>();
	private refreshTokens = new Map<string, RefreshTokenRecord>();

	constructor(private readonly now: () => number = Date.now) {}

	reset(): void {
		this.codes.clear();
		this.accessTokens.clear();
		this.refreshTokens.clear();
	}

	createCode(grant: Omit<AuthCodeGrant, 'redeemed'>): string {
		const code = randomToken(48);
		this.codes.set(code, { ...grant, redeemed: false });
		return code;
	}

	findCode(code: string): AuthCodeGrant | undefined {
		return this.codes.get(code);
	}

	createAccessToken(record: AccessTokenRecord): string {
		const token = ACCESS_TOKEN_PREFIX + randomToken(64);
		this.accessTokens.set(token, record);
		return token;
	}

	/** An access token minted elsewhere (the client credentials grant's JWT). */
	registerAccessToken(token: string, record: AccessTokenRecord): void {
		this.accessTokens.set(token, record);
	}

	findAccessToken(token: string): AccessTokenRecord | undefined {
		return this.accessTokens.get(token);
	}

	createRefreshToken(userId: string, clientId: string, scopes: string[]): string {
		const token = REFRESH_TOKEN_PREFIX + randomToken(96);
		const now = this.now();
		this.refreshTokens.set(token, {
			token,
			userId,
			clientId,
			scopes: [...scopes],
			issuedAt: now,
			expiresAt: now + REFRESH_TOKEN_LIFETIME_MS,
			revoked: false,
		});
		return token;
	}

	findRefreshToken(token: string): RefreshTokenRecord | undefined {
		return this.refreshTokens.get(token);
	}

	/** Makes access tokens (of one user, or all) expired now. Returns how many changed. */
	expireAccessTokens(userId?: string): number {
		let count = 0;
		const expired = this.now() - 1000;
		for (const record of this.accessTokens.values()) {
			if ((userId === undefined || record.userId === userId) && record.expiresAt > expired) {
				record.expiresAt = expired;
				count++;
			}
		}
		return count;
	}

	/** Revokes refresh tokens (of one user, or all). Returns how many changed. */
	revokeRefreshTokens(userId?: string): number {
		let count = 0;
		for (const record of this.refreshTokens.values()) {
			if ((userId === undefined || record.userId === userId) && !record.revoked) {
				record.revoked = true;
				count++;
			}
		}
		return count;
	}

	/** Makes refresh tokens (of one user, or all) expired, as after 90 days of inactivity. */
	expireRefreshTokens(userId?: string): number {
		let count = 0;
		const expired = this.now() - 1000;
		for (const record of this.refreshTokens.values()) {
			if ((userId === undefined || record.userId === userId) && record.expiresAt > expired) {
				record.expiresAt = expired;
				count++;
			}
		}
		return count;
	}

	toJSON(): RefreshTokenRecord[] {
		return [...this.refreshTokens.values()].map((record) => ({
			...record,
			scopes: [...record.scopes],
		}));
	}

	load(records: unknown): void {
		this.reset();
		if (!Array.isArray(records)) return;
		for (const record of records as RefreshTokenRecord[]) {
			if (record && typeof record.token === 'string' && typeof record.userId === 'string') {
				this.refreshTokens.set(record.token, { ...record, scopes: [...(record.scopes ?? [])] });
			}
		}
	}
}

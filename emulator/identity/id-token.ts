import { createHash } from 'node:crypto';

import type { EmulatorUser } from '../contract';

export interface IdTokenInput {
	user: EmulatorUser;
	clientId: string;
	tenantId: string;
	issuer: string;
	scopes: string[];
	nonce?: string;
	nowSec: number;
}

function base64UrlJson(value: unknown): string {
	return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** An unsigned JWT (`alg: none`), as the docs describe the id_token of the refresh response. */
export function buildIdToken(input: IdTokenInput): string {
	const { user, clientId, tenantId, nowSec } = input;
	// `sub` is pairwise per app in Entra ID: derive it from user and client.
	const sub = createHash('sha256')
		.update(`${user.id}:${clientId}`)
		.digest('base64url')
		.slice(0, 43);
	const claims: Record<string, unknown> = {
		aud: clientId,
		iss: input.issuer,
		iat: nowSec,
		nbf: nowSec,
		exp: nowSec + 3600,
		name: user.displayName,
		oid: user.id,
		preferred_username: user.userPrincipalName,
		sub,
		tid: tenantId,
		ver: '2.0',
	};
	if (input.scopes.includes('email')) claims.email = user.mail;
	if (input.nonce) claims.nonce = input.nonce;
	return `${base64UrlJson({ typ: 'JWT', alg: 'none' })}.${base64UrlJson(claims)}.`;
}

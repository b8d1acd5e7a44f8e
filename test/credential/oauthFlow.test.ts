import { ClientOAuth2 } from '@n8n/client-oauth2';
import { createHash, randomBytes } from 'node:crypto';

import type { Emulator } from '../../emulator/server';
import { startEmulator } from '../../emulator/server';
import { Engine } from '../harness/engine';
import { approveConsent } from './consentForm';

const REDIRECT_URI = 'http://127.0.0.1:5678/rest/oauth2-credential/callback';
const CREDENTIAL_ID = 'oauth-flow-credential';

/**
 * The credential through the same steps n8n takes: the editor's Connect builds the authorize URL
 * from the credential's derived fields, the callback exchanges the code with @n8n/client-oauth2
 * (as n8n's OAuth2CredentialController does), and n8n-core signs and refreshes node requests.
 */
describe('GraphMailOAuth2Api against the emulator', () => {
	let emulator: Emulator;
	let adele: { id: string; userPrincipalName: string };

	beforeAll(async () => {
		emulator = await startEmulator({ seed: 'demo' });
		adele = emulator.mail.findUser('adelev@contoso.onmicrosoft.com')!;
	});
	afterAll(async () => await emulator.stop());
	beforeEach(() => emulator.control.resetCounters());

	function credentialData(extra: Record<string, unknown> = {}) {
		return {
			cloud: 'custom',
			customLoginUrl: emulator.loginBaseUrl,
			customGraphUrl: emulator.graphBaseUrl,
			tenantId: 'contoso.onmicrosoft.com',
			clientId: emulator.app.clientId,
			clientSecret: emulator.app.clientSecret,
			...extra,
		};
	}

	/** What n8n's OAuth2CredentialController does between Connect and the callback. */
	async function connect(engine: Engine, data: Record<string, unknown>, pkce: boolean) {
		const resolved = await engine.credentials.resolve('graphMailOAuth2Api', data as never);
		const verifier = randomBytes(32).toString('base64url');
		const client = new ClientOAuth2({
			clientId: String(resolved.clientId),
			clientSecret: String(resolved.clientSecret),
			accessTokenUri: String(resolved.accessTokenUrl),
			authorizationUri: String(resolved.authUrl),
			redirectUri: REDIRECT_URI,
			scopes: [String(resolved.scope)],
			authentication: resolved.authentication as 'body',
			state: 'csrf-state-123',
			...(pkce
				? {
						query: {
							code_challenge: createHash('sha256').update(verifier).digest('base64url'),
							code_challenge_method: 'S256',
						},
					}
				: {}),
		});
		const authorizeUrl = new URL(client.code.getUri());
		for (const [name, value] of new URLSearchParams(String(resolved.authQueryParameters))) {
			authorizeUrl.searchParams.set(name, value);
		}
		const callback = await approveConsent(authorizeUrl.toString(), adele.id);
		expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI);
		expect(callback.searchParams.get('state')).toBe('csrf-state-123');
		const token = await client.code.getToken(callback.toString(), {
			body: {
				client_id: String(resolved.clientId),
				client_secret: String(resolved.clientSecret),
				...(pkce ? { code_verifier: verifier } : {}),
			},
		});
		return { authorizeUrl, token: token.data };
	}

	async function whoAmI(engine: Engine) {
		return await engine.runNode({
			credentialId: CREDENTIAL_ID,
			parameters: { resource: 'account', operation: 'get' },
		});
	}

	it.each([false, true])(
		'exchanges an authorization code (PKCE %s) and signs node requests with it',
		async (pkce) => {
			const engine = new Engine();
			const data = credentialData({ grantType: pkce ? 'pkce' : 'authorizationCode' });
			const { authorizeUrl, token } = await connect(engine, data, pkce);

			expect(authorizeUrl.origin + authorizeUrl.pathname).toBe(
				`${emulator.loginBaseUrl}/contoso.onmicrosoft.com/oauth2/v2.0/authorize`,
			);
			expect(authorizeUrl.searchParams.get('scope')).toBe(
				'openid offline_access User.Read Mail.Send Mail.ReadWrite MailboxSettings.Read',
			);
			expect(authorizeUrl.searchParams.get('response_mode')).toBe('query');
			expect(authorizeUrl.searchParams.get('prompt')).toBe('select_account');
			expect(token).toMatchObject({ token_type: 'Bearer', expires_in: expect.any(Number) });
			expect(token.refresh_token).toEqual(expect.any(String));
			expect(token.id_token).toEqual(expect.any(String));

			engine.addCredential({
				id: CREDENTIAL_ID,
				name: 'Graph Mail',
				type: 'graphMailOAuth2Api',
				data: { ...data, oauthTokenData: token } as never,
			});
			const result = await whoAmI(engine);
			expect(result.error).toBeUndefined();
			expect(result.items).toEqual([
				{
					json: {
						id: adele.id,
						displayName: 'Adele Vance',
						mail: expect.any(String),
						userPrincipalName: adele.userPrincipalName,
					},
					pairedItem: { item: 0 },
				},
			]);
		},
	);

	it('refreshes an expired access token on 401, keeps the rotated refresh token, and retries once', async () => {
		const engine = new Engine();
		const data = credentialData();
		const { token } = await connect(engine, data, false);
		engine.addCredential({
			id: CREDENTIAL_ID,
			name: 'Graph Mail',
			type: 'graphMailOAuth2Api',
			data: { ...data, oauthTokenData: token } as never,
		});
		emulator.control.expireAccessTokens(adele.id);

		const result = await whoAmI(engine);

		expect(result.error).toBeUndefined();
		expect(result.items[0]!.json.id).toBe(adele.id);
		expect(engine.credentials.tokenUpdates).toHaveLength(1);
		const saved = engine.credentials.stored(CREDENTIAL_ID).data.oauthTokenData as Record<
			string,
			string
		>;
		expect(saved.access_token).not.toBe(token.access_token);
		expect(saved.refresh_token).toEqual(expect.any(String));
		expect(saved.refresh_token).not.toBe(token.refresh_token);
		const counters = emulator.control.counters();
		expect(counters.refreshes).toBe(1);
		// One request refused with 401, one served after the refresh.
		expect(counters.requests).toBe(2);
		expect(counters.requestsByRoute.me).toBe(1);

		// The saved, rotated token works on the next run without another refresh.
		expect((await whoAmI(engine)).error).toBeUndefined();
		expect(engine.credentials.tokenUpdates).toHaveLength(1);
	});

	it('surfaces invalid_grant as "reconnect the credential"', async () => {
		const engine = new Engine();
		const data = credentialData();
		const { token } = await connect(engine, data, false);
		engine.addCredential({
			id: CREDENTIAL_ID,
			name: 'Graph Mail',
			type: 'graphMailOAuth2Api',
			data: { ...data, oauthTokenData: token } as never,
		});
		emulator.control.revokeRefreshTokens(adele.id);
		emulator.control.expireAccessTokens(adele.id);

		const result = await whoAmI(engine);

		expect(result.error?.message).toMatch(/The credential "Graph Mail" needs to be reconnected/);
		expect(engine.credentials.tokenUpdates).toHaveLength(0);
		expect(JSON.stringify(result.run.data)).not.toContain(String(token.refresh_token));
	});

	it('refuses to run with an invalid tenant before any request', async () => {
		const engine = new Engine();
		engine.addCredential({
			id: CREDENTIAL_ID,
			name: 'Graph Mail',
			type: 'graphMailOAuth2Api',
			data: {
				...credentialData({ tenantId: 'not a tenant' }),
				oauthTokenData: { access_token: 'x', token_type: 'Bearer' },
			} as never,
		});
		const result = await whoAmI(engine);
		expect(result.error?.message).toMatch(/Tenant "not a tenant" is not valid/);
		expect(emulator.control.counters().requests).toBe(0);
	});

	it('refuses a non-loopback http Graph URL before any request', async () => {
		const engine = new Engine();
		engine.addCredential({
			id: CREDENTIAL_ID,
			name: 'Graph Mail',
			type: 'graphMailOAuth2Api',
			data: {
				...credentialData({ customGraphUrl: 'http://graph.example.com' }),
				oauthTokenData: { access_token: 'x', token_type: 'Bearer' },
			} as never,
		});
		const result = await whoAmI(engine);
		expect(result.error?.message).toMatch(
			/Graph Base URL "http:\/\/graph.example.com" is not valid/,
		);
	});
});

import { createHash } from 'node:crypto';

import type { Emulator } from '../../emulator/server';
import { ADELE, ALEX, startTestEmulator } from './support/emulator';
import {
	parseConsentForm,
	postForm,
	startRedirectTarget,
	type RedirectTarget,
} from './support/http';

const SCOPES =
	'offline_access openid profile https://graph.microsoft.com/mail.read Mail.Send User.Read';

describe('identity platform', () => {
	let emulator: Emulator;
	let target: RedirectTarget;

	beforeAll(async () => {
		emulator = await startTestEmulator({ authCodeLifetimeSec: 2 });
		emulator.control.addUser({
			userPrincipalName: 'odd@contoso.onmicrosoft.com',
			displayName: 'Megan <Bowen> & Co',
		});
		target = await startRedirectTarget();
	});
	afterAll(async () => {
		await emulator.stop();
		await target.close();
	});
	beforeEach(() => {
		target.hits.length = 0;
	});

	function authorizeUrl(params: Record<string, string>, tenant = 'common'): string {
		const query = new URLSearchParams({
			client_id: emulator.app.clientId,
			response_type: 'code',
			redirect_uri: target.callbackUrl,
			scope: SCOPES,
			state: 'st-123',
			...params,
		});
		return `${emulator.loginBaseUrl}/${tenant}/oauth2/v2.0/authorize?${query}`;
	}

	/** GET the page, pick the user, press a button, follow the 302 to the redirect target. */
	async function consent(
		params: Record<string, string>,
		upn = ADELE,
		decision: 'accept' | 'cancel' = 'accept',
	): Promise<URLSearchParams> {
		const page = await fetch(authorizeUrl(params), { redirect: 'manual' });
		expect(page.status).toBe(200);
		const form = parseConsentForm(await page.text());
		const user = form.users.find((candidate) => candidate.upn === upn);
		expect(user).toBeDefined();
		const answer = await postForm(new URL(form.action, emulator.loginBaseUrl).toString(), {
			...form.hidden,
			user: user!.id,
			decision,
		});
		expect(answer.status).toBe(302);
		const location = answer.headers.get('location')!;
		const followed = await fetch(location);
		expect(followed.status).toBe(200);
		return target.hits.at(-1)!.query;
	}

	async function redeem(
		fields: Record<string, string>,
		headers: Record<string, string> = {},
	): Promise<{ status: number; body: Record<string, any> }> {
		const response = await postForm(
			`${emulator.loginBaseUrl}/common/oauth2/v2.0/token`,
			fields,
			headers,
		);
		return { status: response.status, body: (await response.json()) as Record<string, any> };
	}

	function codeGrant(code: string, extra: Record<string, string> = {}): Record<string, string> {
		return {
			client_id: emulator.app.clientId,
			client_secret: emulator.app.clientSecret,
			grant_type: 'authorization_code',
			code,
			redirect_uri: target.callbackUrl,
			...extra,
		};
	}

	function expectAadError(body: Record<string, any>, error: string, code: number): void {
		expect(body.error).toBe(error);
		expect(body.error_codes).toEqual([code]);
		expect(body.error_description).toMatch(
			new RegExp(
				`^AADSTS${code}: .+\\r\\nTrace ID: [0-9a-f-]{36}\\r\\nCorrelation ID: [0-9a-f-]{36}\\r\\nTimestamp: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ$`,
			),
		);
		expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
		expect(body.trace_id).toMatch(/^[0-9a-f-]{36}$/);
		expect(body.correlation_id).toMatch(/^[0-9a-f-]{36}$/);
		expect(body.error_uri).toBe(`${emulator.loginBaseUrl}/error?code=${code}`);
	}

	it('shows a consent page with users, scopes in words and accept/cancel buttons', async () => {
		const page = await fetch(authorizeUrl({ prompt: 'select_account' }));
		const html = await page.text();
		const form = parseConsentForm(html);
		expect(form.buttons).toEqual(['accept', 'cancel']);
		expect(form.users.map((user) => user.upn)).toEqual(expect.arrayContaining([ADELE, ALEX]));
		expect(form.scopes).toEqual([
			'offline_access',
			'openid',
			'profile',
			'Mail.Read',
			'Mail.Send',
			'User.Read',
		]);
		expect(html).toContain('Maintain access to data you have given it access to');
		expect(html).toContain('Read your mail');
		// Display names are escaped.
		expect(html).toContain('Megan &lt;Bowen&gt; &amp; Co');
		expect(form.hidden.state).toBe('st-123');
	});

	it('accept -> code + state at the redirect URI -> tokens with refresh and id tokens', async () => {
		const query = await consent({}, ALEX);
		expect(query.get('state')).toBe('st-123');
		const code = query.get('code')!;
		expect(code).toBeTruthy();
		const { status, body } = await redeem(codeGrant(code));
		expect(status).toBe(200);
		expect(Object.keys(body)).toEqual([
			'token_type',
			'scope',
			'expires_in',
			'ext_expires_in',
			'access_token',
			'refresh_token',
			'id_token',
		]);
		expect(body.token_type).toBe('Bearer');
		expect(body.scope).toBe('offline_access openid profile Mail.Read Mail.Send User.Read');
		expect(body.expires_in).toBe(3599);
		expect(body.ext_expires_in).toBe(3599);
		const [header = '', payload = '', signature] = (body.id_token as string).split('.');
		expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({
			typ: 'JWT',
			alg: 'none',
		});
		expect(signature).toBe('');
		const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
		const alex = emulator.mail.findUser(ALEX)!;
		expect(claims).toMatchObject({
			oid: alex.id,
			preferred_username: ALEX,
			name: alex.displayName,
			tid: emulator.tenantId,
			aud: emulator.app.clientId,
		});
		// The token works against Graph.
		const me = await fetch(`${emulator.graphBaseUrl}/v1.0/me`, {
			headers: { Authorization: `Bearer ${body.access_token}` },
		});
		expect(me.status).toBe(200);
		expect(((await me.json()) as { userPrincipalName: string }).userPrincipalName).toBe(ALEX);
	});

	it('cancel -> access_denied AADSTS65004 with state', async () => {
		const query = await consent({}, ADELE, 'cancel');
		expect(query.get('error')).toBe('access_denied');
		expect(query.get('error_description')).toMatch(
			/^AADSTS65004: User declined to consent to access the app\./,
		);
		expect(query.get('state')).toBe('st-123');
		expect(query.get('code')).toBeNull();
	});

	it('prompt=none without autoApprove -> login_required with state', async () => {
		const response = await fetch(authorizeUrl({ prompt: 'none' }), { redirect: 'manual' });
		expect(response.status).toBe(302);
		const location = new URL(response.headers.get('location')!);
		expect(location.origin + location.pathname).toBe(target.callbackUrl);
		expect(location.searchParams.get('error')).toBe('login_required');
		expect(location.searchParams.get('state')).toBe('st-123');
	});

	it('response_mode fragment and form_post', async () => {
		const emulatorAuto = await startTestEmulator({ autoApprove: ALEX });
		try {
			const base = (mode: string) =>
				`${emulatorAuto.loginBaseUrl}/organizations/oauth2/v2.0/authorize?${new URLSearchParams({ client_id: emulatorAuto.app.clientId, response_type: 'code', redirect_uri: target.callbackUrl, scope: 'Mail.Read', state: 's', response_mode: mode })}`;
			const fragment = await fetch(base('fragment'), { redirect: 'manual' });
			const hash = new URLSearchParams(new URL(fragment.headers.get('location')!).hash.slice(1));
			expect(hash.get('code')).toBeTruthy();
			expect(hash.get('state')).toBe('s');
			const formPost = await fetch(base('form_post'), { redirect: 'manual' });
			expect(formPost.status).toBe(200);
			const html = await formPost.text();
			expect(html).toContain(`action="${target.callbackUrl}"`);
			expect(html).toMatch(/name="code" value="[^"]+"/);
		} finally {
			await emulatorAuto.stop();
		}
	});

	it('autoApprove redirects at once, even with prompt=none or select_account', async () => {
		const auto = await startTestEmulator({ autoApprove: true });
		try {
			for (const prompt of ['none', 'select_account']) {
				const query = new URLSearchParams({
					client_id: auto.app.clientId,
					response_type: 'code',
					redirect_uri: target.callbackUrl,
					scope: SCOPES,
					state: 'x',
					prompt,
					login_hint: ALEX,
				});
				const response = await fetch(
					`${auto.loginBaseUrl}/${auto.tenantId}/oauth2/v2.0/authorize?${query}`,
					{ redirect: 'manual' },
				);
				expect(response.status).toBe(302);
				const code = new URL(response.headers.get('location')!).searchParams.get('code')!;
				const token = await postForm(
					`${auto.loginBaseUrl}/contoso.onmicrosoft.com/oauth2/v2.0/token`,
					{
						client_id: auto.app.clientId,
						client_secret: auto.app.clientSecret,
						grant_type: 'authorization_code',
						code,
						redirect_uri: target.callbackUrl,
					},
				);
				const idToken = ((await token.json()) as { id_token: string }).id_token;
				expect(
					JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString())
						.preferred_username,
				).toBe(ALEX);
			}
		} finally {
			await auto.stop();
		}
	});

	it('PKCE S256, plain (method absent) and a wrong verifier', async () => {
		const verifier = 'v'.repeat(20) + 'ThisIsntRandomButItNeedsToBe43CharactersLong';
		const challenge = createHash('sha256').update(verifier).digest('base64url');
		const s256 = (await consent({ code_challenge: challenge, code_challenge_method: 'S256' })).get(
			'code',
		)!;
		const wrong = await redeem(codeGrant(s256, { code_verifier: verifier + 'x' }));
		expect(wrong.status).toBe(400);
		expectAadError(wrong.body, 'invalid_grant', 501481);
		const missing = await redeem(codeGrant(s256));
		expectAadError(missing.body, 'invalid_grant', 501481);
		expect((await redeem(codeGrant(s256, { code_verifier: verifier }))).status).toBe(200);

		const plain = (await consent({ code_challenge: verifier })).get('code')!;
		expectAadError(
			(await redeem(codeGrant(plain, { code_verifier: challenge }))).body,
			'invalid_grant',
			501481,
		);
		expect((await redeem(codeGrant(plain, { code_verifier: verifier }))).status).toBe(200);
	});

	it('codes are single use (AADSTS54005) and expire (AADSTS70008); redirect_uri must match', async () => {
		const code = (await consent({})).get('code')!;
		const mismatch = await redeem(codeGrant(code, { redirect_uri: `${target.callbackUrl}/other` }));
		expect(mismatch.status).toBe(400);
		expect(mismatch.body.error).toBe('invalid_grant');
		expect((await redeem(codeGrant(code))).status).toBe(200);
		const reuse = await redeem(codeGrant(code));
		expect(reuse.status).toBe(400);
		expectAadError(reuse.body, 'invalid_grant', 54005);

		const stale = (await consent({})).get('code')!;
		await new Promise((resolve) => setTimeout(resolve, 2100));
		const expired = await redeem(codeGrant(stale));
		expect(expired.status).toBe(400);
		expectAadError(expired.body, 'invalid_grant', 70008);
	});

	it('client authentication: body secret, HTTP Basic, wrong and missing secrets', async () => {
		const basic = `Basic ${Buffer.from(`${encodeURIComponent(emulator.app.clientId)}:${encodeURIComponent(emulator.app.clientSecret)}`).toString('base64')}`;
		const viaBasic = (await consent({})).get('code')!;
		const { client_id: _id, client_secret: _secret, ...withoutClient } = codeGrant(viaBasic);
		expect((await redeem(withoutClient, { Authorization: basic })).status).toBe(200);

		const code = (await consent({})).get('code')!;
		const wrong = await redeem(codeGrant(code, { client_secret: 'nope' }));
		expect(wrong.status).toBe(401);
		expectAadError(wrong.body, 'invalid_client', 7000215);
		const { client_secret: _s, ...noSecret } = codeGrant(code);
		const missing = await redeem(noSecret);
		expect(missing.status).toBe(401);
		expectAadError(missing.body, 'invalid_client', 7000218);
		const wrongBasic = `Basic ${Buffer.from(`${emulator.app.clientId}:bad`).toString('base64')}`;
		expect((await redeem(withoutClient, { Authorization: wrongBasic })).status).toBe(401);
		// The code was not used up by the failed attempts.
		expect((await redeem(codeGrant(code))).status).toBe(200);
	});

	it('refresh tokens rotate; old ones stay usable until revoked; expired ones fail', async () => {
		const first = emulator.control.issueTokens({ upn: ADELE, scopes: SCOPES });
		const refresh = (token: string, extra: Record<string, string> = {}) =>
			redeem({
				client_id: emulator.app.clientId,
				client_secret: emulator.app.clientSecret,
				grant_type: 'refresh_token',
				refresh_token: token,
				...extra,
			});
		const before = emulator.control.counters().refreshes;
		const second = await refresh(first.refresh_token!);
		expect(second.status).toBe(200);
		expect(second.body.refresh_token).toBeTruthy();
		expect(second.body.refresh_token).not.toBe(first.refresh_token);
		expect(second.body.access_token).not.toBe(first.access_token);
		expect((await refresh(first.refresh_token!)).status).toBe(200);
		expect(emulator.control.counters().refreshes).toBe(before + 2);

		// A subset of the grant may be asked for; more is consent_required.
		const narrowed = await refresh(second.body.refresh_token, {
			scope: 'https://graph.microsoft.com/Mail.Read offline_access',
		});
		expect(narrowed.body.scope).toBe('offline_access Mail.Read');
		expect(narrowed.body.id_token).toBeUndefined();
		const wider = await refresh(second.body.refresh_token, { scope: 'Mail.ReadWrite' });
		expect(wider.body.error).toBe('invalid_grant');
		expect(wider.body.suberror).toBe('consent_required');

		expect(emulator.control.revokeRefreshTokens(ADELE)).toBeGreaterThan(0);
		const revoked = await refresh(second.body.refresh_token);
		expect(revoked.status).toBe(400);
		expectAadError(revoked.body, 'invalid_grant', 50173);

		const fresh = emulator.control.issueTokens({ upn: ADELE, scopes: SCOPES });
		emulator.control.expireRefreshTokens(ADELE);
		const expired = await refresh(fresh.refresh_token!);
		expect(expired.status).toBe(400);
		expectAadError(expired.body, 'invalid_grant', 700082);
	});

	it('refresh_token only with offline_access, id_token only with openid', async () => {
		const bare = emulator.control.issueTokens({ upn: ADELE, scopes: 'Mail.Read' });
		expect(bare.refresh_token).toBeUndefined();
		expect(bare.id_token).toBeUndefined();
		const offline = emulator.control.issueTokens({
			upn: ADELE,
			scopes: ['offline_access', 'Mail.Read'],
		});
		expect(offline.refresh_token).toBeTruthy();
		expect(offline.id_token).toBeUndefined();
		const oidc = emulator.control.issueTokens({ upn: ADELE, scopes: 'openid Mail.Read' });
		expect(oidc.refresh_token).toBeUndefined();
		expect(oidc.id_token).toBeTruthy();
	});

	it('scope rules: .default alone is fine, mixed with others is AADSTS70011', async () => {
		expect(
			emulator.control.issueTokens({
				upn: ADELE,
				scopes: 'https://graph.microsoft.com/.default offline_access',
			}).scope,
		).toBe('offline_access User.Read Mail.ReadWrite Mail.Send');
		const response = await fetch(
			authorizeUrl({ scope: 'https://graph.microsoft.com/.default Mail.Read' }),
			{ redirect: 'manual' },
		);
		const location = new URL(response.headers.get('location')!);
		expect(location.searchParams.get('error')).toBe('invalid_scope');
		expect(location.searchParams.get('error_description')).toMatch(/^AADSTS70011: /);
		expect(location.searchParams.get('state')).toBe('st-123');
	});

	it('unknown tenant, unknown client and a foreign redirect URI get an error page, not a redirect', async () => {
		const tenant = await fetch(authorizeUrl({}, 'fabrikam.onmicrosoft.com'), {
			redirect: 'manual',
		});
		expect(tenant.status).toBe(400);
		expect(await tenant.text()).toContain('AADSTS90002');
		const client = await fetch(
			authorizeUrl({ client_id: '00000000-0000-0000-0000-000000000001' }),
			{ redirect: 'manual' },
		);
		expect(client.status).toBe(400);
		expect(await client.text()).toContain('AADSTS700016');
		const redirect = await fetch(authorizeUrl({ redirect_uri: 'https://evil.example.com/cb' }), {
			redirect: 'manual',
		});
		expect(redirect.status).toBe(400);
		expect(await redirect.text()).toContain('AADSTS50011');
		const badType = await fetch(authorizeUrl({ response_type: 'token' }), { redirect: 'manual' });
		expect(new URL(badType.headers.get('location')!).searchParams.get('error')).toBe(
			'unsupported_response_type',
		);
	});

	it('registered apps need an exact redirect URI; public clients must not send a secret', async () => {
		const app = emulator.control.registerApp({
			clientId: 'b0b0b0b0-0000-4000-8000-000000000001',
			clientSecret: null,
			redirectUris: [target.callbackUrl],
		});
		expect(app.clientSecret).toBeUndefined();
		const other = await fetch(
			authorizeUrl({ client_id: app.clientId, redirect_uri: `${target.callbackUrl}x` }),
			{ redirect: 'manual' },
		);
		expect(other.status).toBe(400);
		const code = (await consent({ client_id: app.clientId })).get('code')!;
		const withSecret = await redeem({
			client_id: app.clientId,
			client_secret: 'x',
			grant_type: 'authorization_code',
			code,
			redirect_uri: target.callbackUrl,
		});
		expectAadError(withSecret.body, 'invalid_client', 700025);
		const ok = await redeem({
			client_id: app.clientId,
			grant_type: 'authorization_code',
			code,
			redirect_uri: target.callbackUrl,
		});
		expect(ok.status).toBe(200);
	});
});

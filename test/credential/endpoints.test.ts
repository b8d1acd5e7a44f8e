import { Engine } from '../harness/engine';

/** The credential's hidden OAuth endpoints are derived from its visible fields by n8n's own expression engine. */
describe('GraphMailOAuth2Api derived endpoints', () => {
	const engine = new Engine();
	const resolve = async (data: Record<string, unknown>) =>
		await engine.credentials.resolve('graphMailOAuth2Api', {
			clientId: 'id',
			clientSecret: 'secret',
			...data,
		} as never);

	it.each([
		['global', {}, 'https://login.microsoftonline.com'],
		['usGovHigh', {}, 'https://login.microsoftonline.us'],
		['usGovDod', {}, 'https://login.microsoftonline.us'],
		['china', {}, 'https://login.chinacloudapi.cn'],
		[
			'china',
			{ chinaLoginHost: 'https://login.partner.microsoftonline.cn' },
			'https://login.partner.microsoftonline.cn',
		],
		['custom', { customLoginUrl: 'http://127.0.0.1:4010/' }, 'http://127.0.0.1:4010'],
		[
			'custom',
			{ customLoginUrl: 'https://login.example.com/base' },
			'https://login.example.com/base',
		],
	])('cloud %s %j logs in at %s', async (cloud, extra, loginBase) => {
		const data = await resolve({ cloud, tenantId: 'contoso.onmicrosoft.com', ...extra });
		expect(data.authUrl).toBe(`${loginBase}/contoso.onmicrosoft.com/oauth2/v2.0/authorize`);
		expect(data.accessTokenUrl).toBe(`${loginBase}/contoso.onmicrosoft.com/oauth2/v2.0/token`);
	});

	it('defaults to the global cloud, tenant common, body authentication and the documented query', async () => {
		const data = await resolve({});
		expect(data.authUrl).toBe('https://login.microsoftonline.com/common/oauth2/v2.0/authorize');
		expect(data.authentication).toBe('body');
		expect(data.authQueryParameters).toBe('response_mode=query&prompt=select_account');
		expect(data.grantType).toBe('authorizationCode');
	});

	it('asks for least-privilege scopes plus the additional ones', async () => {
		expect((await resolve({})).scope).toBe(
			'openid offline_access User.Read Mail.Send Mail.ReadWrite MailboxSettings.Read',
		);
		expect(
			(await resolve({ additionalScopes: ' Mail.Send.Shared Mail.ReadWrite.Shared ' })).scope,
		).toBe(
			'openid offline_access User.Read Mail.Send Mail.ReadWrite MailboxSettings.Read Mail.Send.Shared Mail.ReadWrite.Shared',
		);
	});

	it.each([
		'common',
		'organizations',
		'consumers',
		'9188040d-6c67-4c5b-b112-36a304b66dad',
		'contoso.com',
	])('accepts tenant %s', async (tenantId) => {
		expect((await resolve({ tenantId })).authUrl).toBe(
			`https://login.microsoftonline.com/${tenantId}/oauth2/v2.0/authorize`,
		);
	});

	it.each(['', 'not a tenant', 'contoso', '../common', 'evil.com/x?'])(
		'names the mistake for tenant %j',
		async (tenantId) => {
			expect((await resolve({ tenantId })).authUrl).toBe(
				'https://login.microsoftonline.com/invalid-tenant-use-common-organizations-consumers-a-guid-or-a-domain/oauth2/v2.0/authorize',
			);
		},
	);

	it.each(['http://login.example.com', 'ftp://127.0.0.1', 'http://10.0.0.1:4010', ''])(
		'refuses custom login URL %j (https, or http on loopback only)',
		async (customLoginUrl) => {
			expect(String((await resolve({ cloud: 'custom', customLoginUrl })).authUrl)).toMatch(
				/^https:\/\/invalid-custom-url\.invalid\//,
			);
		},
	);
});

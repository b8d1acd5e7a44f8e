/**
 * The token cache (one request at a time, renewal before expiry, a refused token never reused),
 * the emulator's client-assertion checks, and the credential test n8n runs on Save.
 */
import {
	AppOnlyTokenCache,
	RENEW_BEFORE_MS,
	clientAssertion,
	type AppOnlyToken,
} from '../../credentials/appOnlyToken';
import { TENANT_DOMAIN } from '../../emulator/identity/tenant';
import { startEmulator, type Emulator } from '../../emulator/server';
import { graphMailAppOnlyTest } from '../../nodes/GraphMail/methods/appOnlyCredentialTest';
import { CERT, UNKNOWN_CERT } from './support';

describe('token cache', () => {
	const token = (name: string, expiresAt: number): AppOnlyToken => ({
		accessToken: name,
		expiresAt,
	});

	it('one request at a time; kept until shortly before expiry; a token Graph refused is not handed out again', async () => {
		const cache = new AppOnlyTokenCache();
		let fetches = 0;
		let release: () => void = () => {};
		const gate = new Promise<void>((resolve) => (release = resolve));
		const fetch = async () => {
			fetches++;
			await gate;
			return token(`t${fetches}`, 1_000_000 + 3600_000);
		};
		const waiting = Promise.all(
			[1, 2, 3, 4].map(() => cache.get('app', undefined, fetch, 1_000_000)),
		);
		release();
		expect((await waiting).map((t) => t.accessToken)).toEqual(['t1', 't1', 't1', 't1']);
		expect(fetches).toBe(1);
		expect(
			(await cache.get('app', undefined, fetch, 1_000_000 + 3600_000 - RENEW_BEFORE_MS - 1))
				.accessToken,
		).toBe('t1');
		expect(
			(await cache.get('app', undefined, fetch, 1_000_000 + 3600_000 - RENEW_BEFORE_MS))
				.accessToken,
		).toBe('t2');
		expect((await cache.get('app', 't2', fetch, 1_000_000)).accessToken).toBe('t3');
		expect(fetches).toBe(3);
	});

	it('a failed request is not cached: the next caller asks again', async () => {
		const cache = new AppOnlyTokenCache();
		let calls = 0;
		await expect(
			cache.get(
				'app',
				undefined,
				async () => {
					calls++;
					throw new Error('down');
				},
				0,
			),
		).rejects.toThrow('down');
		expect(
			(await cache.get('app', undefined, async () => token(`ok${++calls}`, 10_000_000), 0))
				.accessToken,
		).toBe('ok2');
	});
});

describe('emulator: client assertion checks', () => {
	let emulator: Emulator;
	let clientId: string;
	let tokenUrl: string;
	beforeAll(async () => {
		emulator = await startEmulator({ seed: 'demo' });
		clientId = emulator.control.registerApp({
			redirectUris: [],
			appOnly: { roles: ['Mail.Send'], certificates: [CERT.cert] },
		}).clientId;
		tokenUrl = `${emulator.loginBaseUrl}/${TENANT_DOMAIN}/oauth2/v2.0/token`;
	});
	afterAll(async () => await emulator.stop());

	async function redeem(assertion: string, url = tokenUrl) {
		const response = await fetch(url, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({
				client_id: clientId,
				grant_type: 'client_credentials',
				scope: `${emulator.graphBaseUrl}/.default`,
				client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
				client_assertion: assertion,
			}),
		});
		return { status: response.status, body: (await response.json()) as Record<string, unknown> };
	}
	const now = () => Math.floor(Date.now() / 1000);
	const sign = (overrides: Partial<Parameters<typeof clientAssertion>[0]> = {}) =>
		clientAssertion({
			clientId,
			tokenUrl,
			privateKeyPem: CERT.key,
			certificatePem: CERT.cert,
			nowSec: now(),
			...overrides,
		});

	it('accepts a good assertion: a JWT with the roles', async () => {
		const answer = await redeem(sign());
		expect(answer.status).toBe(200);
		const claims = JSON.parse(
			Buffer.from(String(answer.body.access_token).split('.')[1]!, 'base64url').toString('utf8'),
		);
		expect(claims).toMatchObject({ roles: ['Mail.Send'], appid: clientId, idtyp: 'app' });
	});

	it.each([
		['an expired assertion', () => sign({ nowSec: now() - 3600 }), 700024],
		[
			'another audience',
			() => sign({ tokenUrl: 'https://login.microsoftonline.com/x/oauth2/v2.0/token' }),
			700212,
		],
		[
			'an unknown certificate',
			() =>
				clientAssertion({
					clientId,
					tokenUrl,
					privateKeyPem: UNKNOWN_CERT.key,
					certificatePem: UNKNOWN_CERT.cert,
					nowSec: now(),
				}),
			700027,
		],
		[
			'a signature by another key under the registered thumbprint',
			() => {
				const good = sign().split('.');
				const other = clientAssertion({
					clientId,
					tokenUrl,
					privateKeyPem: UNKNOWN_CERT.key,
					certificatePem: UNKNOWN_CERT.cert,
					nowSec: now(),
				}).split('.');
				return `${good[0]}.${good[1]}.${other[2]}`;
			},
			700027,
		],
		['another issuer', () => sign({ clientId: '00000000-0000-0000-0000-000000000001' }), 700021],
	])('refuses %s', async (_name, make, code) => {
		const answer = await redeem(make());
		expect(answer.status).toBe(401);
		expect(answer.body.error_codes).toEqual([code]);
	});
});

describe('credential test (n8n runs it on Save)', () => {
	let emulator: Emulator;
	beforeAll(async () => {
		emulator = await startEmulator({ seed: 'demo' });
	});
	afterAll(async () => await emulator.stop());

	function data(clientId: string, secret: string) {
		return {
			cloud: 'custom',
			customLoginUrl: emulator.loginBaseUrl,
			customGraphUrl: emulator.graphBaseUrl,
			tenantId: TENANT_DOMAIN,
			clientId,
			authMethod: 'secret',
			clientSecret: secret,
		};
	}
	const run = (credentialData: Record<string, string>) =>
		graphMailAppOnlyTest.call({} as never, {
			id: 'c',
			name: 'c',
			type: 'graphMailAppOnlyApi',
			data: credentialData,
		});

	it('OK with both roles; names the missing role otherwise; names a wrong secret', async () => {
		const full = emulator.control.registerApp({
			redirectUris: [],
			appOnly: { roles: ['Mail.Send', 'Mail.ReadWrite'] },
		});
		expect(await run(data(full.clientId, full.clientSecret!))).toEqual({
			status: 'OK',
			message: 'Connection successful: app-only token with Mail.Send and Mail.ReadWrite',
		});
		const sendOnly = emulator.control.registerApp({
			redirectUris: [],
			appOnly: { roles: ['Mail.Send'] },
		});
		const missing = await run(data(sendOnly.clientId, sendOnly.clientSecret!));
		expect(missing.status).toBe('Error');
		expect(missing.message).toMatch(
			/lacks the application permission Mail\.ReadWrite \(it has: Mail\.Send\).*grant admin consent/,
		);
		const wrong = await run(data(full.clientId, 'wrong'));
		expect(wrong).toMatchObject({
			status: 'Error',
			message: expect.stringMatching(/AADSTS7000215/),
		});
		const common = await run({ ...data(full.clientId, full.clientSecret!), tenantId: 'common' });
		expect(common.message).toMatch(/not valid for app-only access/);
	});
});

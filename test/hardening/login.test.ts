import {
	connectCredential,
	startTestEnvironment,
	type TestEnvironment,
} from '../harness/environment';
import { getManyParams, run } from '../getMany/support';

/**
 * When renewing the access token fails at the login host (n8n-core refreshes after Graph's 401),
 * the error says so, with the AADSTS code and what to do; server errors are retried at most twice,
 * and one execution never refreshes in a loop.
 */
describe('login host failures', () => {
	let env: TestEnvironment;

	beforeAll(async () => {
		env = await startTestEnvironment();
		await connectCredential(env.engine, env.emulator, {
			userId: env.userId,
			credentialId: 'wrong-secret',
			extra: { clientSecret: 'not-the-secret' },
		});
	});
	afterAll(async () => await env?.stop());
	beforeEach(() => {
		env.emulator.control.clearFaults();
		env.emulator.control.resetCounters();
		// Graph answers 401 to the stored access token: n8n-core goes to the token endpoint.
		env.emulator.control.expireAccessTokens(env.userId);
	});

	const tokenRequests = () => env.emulator.control.counters().requestsByRoute.token ?? 0;
	const whoAmI = { resource: 'account', operation: 'get' };

	it('a wrong client secret: AADSTS7000215, what to do, and not a network or Graph error', async () => {
		const result = await run(env, whoAmI, { credentialId: 'wrong-secret' });
		expect(result.error?.message).toMatch(
			/^Microsoft sign-in refused to renew the access token: AADSTS7000215 invalid_client: /,
		);
		expect(result.error?.message).not.toMatch(/Network error|EAUTH|Microsoft Graph refused/);
		expect(result.error?.description).toMatch(
			/Client Secret is wrong: .*Value \(not its Secret ID\)/,
		);
		expect(JSON.stringify(result.run.data)).not.toContain('not-the-secret');
		expect(tokenRequests()).toBe(1);
	});

	it('three items with Continue On Fail: one token request, three clear item errors', async () => {
		const result = await run(env, getManyParams(undefined, { limit: 1 }), {
			credentialId: 'wrong-secret',
			continueOnFail: true,
			items: [{ json: {} }, { json: {} }, { json: {} }],
		});
		expect(result.items.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
		for (const item of result.items) expect(item.json.error).toMatch(/AADSTS7000215/);
		expect(tokenRequests()).toBe(1);
	});

	it('a revoked refresh token: "reconnect" for every item, one token request', async () => {
		await connectCredential(env.engine, env.emulator, {
			userId: env.userId,
			credentialId: 'revoked',
		});
		env.emulator.control.revokeRefreshTokens(env.userId);
		env.emulator.control.expireAccessTokens(env.userId);
		const result = await run(env, getManyParams(undefined, { limit: 1 }), {
			credentialId: 'revoked',
			continueOnFail: true,
			items: [{ json: {} }, { json: {} }, { json: {} }],
		});
		expect(result.items).toHaveLength(3);
		for (const item of result.items) expect(item.json.error).toMatch(/needs to be reconnected/);
		expect(tokenRequests()).toBe(1);
	});

	it('an HTML page with 200: the login host is named, no retry', async () => {
		env.emulator.control.injectFault({ route: 'token', kind: 'html', status: 200, probability: 1 });
		const result = await run(env, whoAmI);
		expect(result.error?.message).toBe(
			`Microsoft sign-in answered 200 with a page that is not a token (the login host ${env.emulator.loginBaseUrl}) [item 0]`,
		);
		expect(result.error?.description).toMatch(/Login URL/);
		expect(tokenRequests()).toBe(1);
	});

	it.each([500, 503])(
		'an HTML page with %i: retried at most twice, never as Graph throttling',
		async (status) => {
			env.emulator.control.injectFault({ route: 'token', kind: 'html', status, probability: 1 });
			const result = await run(env, getManyParams(undefined, { limit: 1 }), {
				continueOnFail: true,
				items: [{ json: {} }, { json: {} }],
			});
			expect(result.items).toHaveLength(2);
			result.items.forEach((item, index) => {
				expect(item.json.error).toBe(
					`Microsoft sign-in answered ${status} with a page that is not a token (the login host ${env.emulator.loginBaseUrl}) (3 attempts) [item ${index}]`,
				);
			});
			expect(tokenRequests()).toBe(3);
			// Each attempt is Graph's 401, then the token endpoint; the second item sends nothing.
			expect(env.emulator.control.counters().requests).toBe(3);
		},
	);
});

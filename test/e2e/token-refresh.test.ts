import { executeWorkflow, nodeOutput } from '../../scripts/lib/n8n-process';
import { delay, waitFor } from '../../scripts/lib/net';
import {
	connectedCredential,
	describeFailure,
	e2e,
	graphMailNode,
	homeOf,
	linearWorkflow,
	newUser,
	uniqueName,
	type E2e,
} from './helpers';

const whoAmI = (name: string, credential: { id: string; name: string }) =>
	graphMailNode(name, credential, { resource: 'account', operation: 'get' });

/** (3) n8n's own OAuth2 refresh, against the emulator's token endpoint. */
describe('tokens in a real n8n', () => {
	let env: E2e;

	beforeAll(async () => {
		env = await e2e();
	});

	it('refreshes an access token that expires in the middle of a run, and the run succeeds', async () => {
		const user = await newUser(env, 'refresh');
		const credential = await connectedCredential(env, user.userPrincipalName);
		const workflow = await env.client.createWorkflow(
			linearWorkflow(uniqueName('Token expires mid-run'), [
				whoAmI('Before', credential),
				{
					name: 'Wait',
					type: 'n8n-nodes-base.wait',
					typeVersion: 1.1,
					parameters: { resume: 'timeInterval', amount: 6, unit: 'seconds' },
				},
				whoAmI('After', credential),
			]),
		);
		const before = await env.emulator.counters();
		const running = executeWorkflow(env.state.runtime, homeOf(env.state), workflow.id);
		// Once "Before" has called /me, the run sits in the Wait node: expire the token now.
		await waitFor(
			'the first Graph call of the run',
			async () => {
				const now = await env.emulator.counters();
				return (now.requestsByRoute.me ?? 0) > (before.requestsByRoute.me ?? 0) ? true : undefined;
			},
			{ timeoutMs: 60_000, intervalMs: 100 },
		);
		const { expired } = await env.emulator.expireAccessTokens(user.id);
		expect(expired).toBeGreaterThan(0);

		const outcome = await running;
		expect(describeFailure(outcome)).toBe('');
		expect(nodeOutput(outcome.result!, 'Before')[0]!.json.userPrincipalName).toBe(
			user.userPrincipalName,
		);
		expect(nodeOutput(outcome.result!, 'After')[0]!.json.userPrincipalName).toBe(
			user.userPrincipalName,
		);
		const after = await env.emulator.counters();
		expect(after.refreshes - before.refreshes).toBe(1);
		// n8n saved the refreshed token: the next run needs no refresh.
		const again = await executeWorkflow(
			env.state.runtime,
			homeOf(env.state),
			(
				await env.client.createWorkflow(
					linearWorkflow(uniqueName('Token kept'), [whoAmI('Again', credential)]),
				)
			).id,
		);
		expect(describeFailure(again)).toBe('');
		expect((await env.emulator.counters()).refreshes).toBe(after.refreshes);
	});

	it('reports that the credential needs to be reconnected when the refresh token was revoked', async () => {
		const user = await newUser(env, 'revoked');
		const credential = await connectedCredential(env, user.userPrincipalName);
		const workflow = await env.client.createWorkflow(
			linearWorkflow(uniqueName('Token revoked'), [whoAmI('Who am I', credential)]),
		);
		await env.emulator.revokeRefreshTokens(user.id);
		await env.emulator.expireAccessTokens(user.id);
		await delay(10);
		const outcome = await executeWorkflow(env.state.runtime, homeOf(env.state), workflow.id);
		expect(outcome.ok).toBe(false);
		expect(outcome.errorMessage).toMatch(/needs to be reconnected/i);
		expect(outcome.errorMessage).toContain(credential.name);
	});
});

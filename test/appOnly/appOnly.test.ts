/**
 * App-only access in n8n's real engine against the emulator: the client credentials grant with a
 * secret and with a certificate, its failures in words, token caching, the application access
 * policy, Send with an attachment from a shared mailbox, Get Many and the trigger.
 */
import type { IDataObject } from 'n8n-workflow';

import { DEMO_USERS } from '../../emulator/mail/seeding/demo-seed';
import { startTestEnvironment, type TestEnvironment } from '../harness/environment';
import { Poller } from '../harness/poll';
import {
	APP_ONLY_CREDENTIAL,
	CERT,
	UNKNOWN_CERT,
	appOnlyCredential,
	appOnlyParams,
	appOnlyTokens,
	clearTokenCache,
} from './support';

const NOREPLY = 'noreply@contoso.onmicrosoft.com';
const MEGAN = DEMO_USERS.megan.userPrincipalName;

let env: TestEnvironment;

beforeAll(async () => {
	env = await startTestEnvironment();
	env.emulator.control.addUser({ userPrincipalName: NOREPLY, displayName: 'Contoso No-Reply' });
});
afterAll(async () => await env.stop());
beforeEach(() => clearTokenCache());

function send(credentialId: string, mailbox: string, subjects: string[], extra: IDataObject = {}) {
	return env.engine.runNode({
		credentialId,
		credentialType: APP_ONLY_CREDENTIAL,
		continueOnFail: true,
		parameters: appOnlyParams(mailbox, {
			resource: 'message',
			operation: 'send',
			toRecipients: MEGAN,
			subject: '={{ $json.subject }}',
			bodyContentType: 'text',
			bodyContent: 'Automated notification',
			...extra,
		}),
		items: subjects.map((subject) => ({ json: { subject } })),
	});
}

function inbox(userId: string, subject: string) {
	const folder = env.emulator.control
		.mailbox(userId)
		.folders.find((f) => f.wellKnownName === 'inbox');
	return (folder?.messages ?? []).filter((message) => message.subject === subject);
}

describe('client secret', () => {
	it('sends from a shared mailbox with one token for the whole run, and reuses it in the next run', async () => {
		const { id } = appOnlyCredential(env.engine, env.emulator);
		const before = appOnlyTokens(env.emulator);
		const first = await send(id, NOREPLY, [
			'secret 1',
			'secret 2',
			'secret 3',
			'secret 4',
			'secret 5',
		]);
		expect(first.error).toBeUndefined();
		expect(first.items.map((item) => item.json.error)).toEqual([
			undefined,
			undefined,
			undefined,
			undefined,
			undefined,
		]);
		const received = inbox(MEGAN, 'secret 3');
		expect(received).toHaveLength(1);
		expect(JSON.stringify(received[0]!.from).toLowerCase()).toContain(NOREPLY);
		// Five items in parallel started with an empty stored token: one token request.
		expect(appOnlyTokens(env.emulator) - before).toBe(1);
		const stored = env.engine.credentials.stored(id).data;
		expect(String(stored.accessToken)).toMatch(/^ey/);
		expect(Number(stored.expiresAt)).toBeGreaterThan(Date.now() + 30 * 60 * 1000);

		clearTokenCache(); // as after an n8n restart: the stored token is used, not a new one
		const second = await send(id, NOREPLY, ['secret 6']);
		expect(second.items[0]!.json.error).toBeUndefined();
		expect(appOnlyTokens(env.emulator) - before).toBe(1);
	});

	it('renews a token shortly before it expires, without waiting for a 401', async () => {
		const { id } = appOnlyCredential(env.engine, env.emulator);
		await send(id, NOREPLY, ['renew 1']);
		const stored = env.engine.credentials.stored(id);
		// As after a restart, with the stored token within five minutes of expiry.
		stored.data.expiresAt = Date.now() + 60_000;
		clearTokenCache();
		const before = appOnlyTokens(env.emulator);
		const unauthorizedBefore = env.engine.credentials.preAuthentications.filter(
			(call) => call.expired,
		).length;
		const run = await send(id, NOREPLY, ['renew 2', 'renew 3']);
		expect(run.items.map((item) => item.json.error)).toEqual([undefined, undefined]);
		expect(appOnlyTokens(env.emulator) - before).toBe(1);
		expect(env.engine.credentials.preAuthentications.filter((call) => call.expired).length).toBe(
			unauthorizedBefore,
		);
		expect(Number(env.engine.credentials.stored(id).data.expiresAt)).toBeGreaterThan(
			Date.now() + 30 * 60 * 1000,
		);
	});

	it('gets a new token when Graph answers 401 (token revoked early)', async () => {
		const { id } = appOnlyCredential(env.engine, env.emulator);
		await send(id, NOREPLY, ['revoked 1']);
		env.emulator.control.expireAccessTokens();
		const before = appOnlyTokens(env.emulator);
		const run = await send(id, NOREPLY, ['revoked 2']);
		expect(run.items[0]!.json.error).toBeUndefined();
		expect(appOnlyTokens(env.emulator) - before).toBe(1);
		expect(inbox(MEGAN, 'revoked 2')).toHaveLength(1);
	});

	it.each([
		['a wrong secret', { secret: 'not-the-secret' }, /AADSTS7000215.*client secret is wrong/],
		[
			'an expired secret',
			{ appOnly: { secretExpiresAt: Date.now() - 1000 } },
			/AADSTS7000222.*client secret has expired/,
		],
		[
			'an app without a service principal',
			{ appOnly: { servicePrincipal: false } },
			/AADSTS7000229.*administrator has not consented/,
		],
		[
			'an app without consented permissions',
			{ appOnly: { roles: [] } },
			/no application permissions.*Grant admin consent/,
		],
	])(
		'%s: a clear error for every item, one token request, nothing sent',
		async (_name, options, message) => {
			const { id } = appOnlyCredential(env.engine, env.emulator, options);
			const calls = env.engine.credentials.preAuthentications.length;
			const subject = `refused ${_name}`;
			const run = await send(id, NOREPLY, [subject, `${subject} 2`, `${subject} 3`]);
			expect(run.items).toHaveLength(3);
			for (const item of run.items) expect(String(item.json.error)).toMatch(message);
			expect(env.engine.credentials.preAuthentications.length - calls).toBe(1);
			expect(inbox(MEGAN, subject)).toHaveLength(0);
			expect(JSON.stringify(run.items)).not.toContain('not-the-secret');
		},
	);
});

describe('certificate', () => {
	it('signs a client assertion the emulator accepts, and lists the mailbox', async () => {
		const { id } = appOnlyCredential(env.engine, env.emulator, { certificate: CERT });
		const before = appOnlyTokens(env.emulator);
		await send(id, NOREPLY, ['certificate mail']);
		const run = await env.engine.runNode({
			credentialId: id,
			credentialType: APP_ONLY_CREDENTIAL,
			parameters: appOnlyParams(MEGAN, {
				resource: 'message',
				operation: 'getAll',
				returnAll: false,
				limit: 50,
			}),
		});
		expect(run.error).toBeUndefined();
		expect(run.items.map((item) => item.json.subject)).toContain('certificate mail');
		expect(appOnlyTokens(env.emulator) - before).toBe(1);
	});

	it('an unregistered certificate: AADSTS700027 in words', async () => {
		const { id } = appOnlyCredential(env.engine, env.emulator, { certificate: UNKNOWN_CERT });
		const run = await send(id, NOREPLY, ['unknown certificate']);
		expect(String(run.items[0]!.json.error)).toMatch(/AADSTS700027.*does not know the certificate/);
	});

	it('a private key that does not belong to the certificate is refused before any request', async () => {
		const { id } = appOnlyCredential(env.engine, env.emulator, {
			certificate: { key: UNKNOWN_CERT.key, cert: CERT.cert },
		});
		const requests = env.emulator.control.counters().requests;
		const run = await send(id, NOREPLY, ['mismatched key']);
		expect(String(run.items[0]!.json.error)).toMatch(
			/Private Key does not belong to its Certificate/,
		);
		expect(env.emulator.control.counters().requests).toBe(requests);
	});
});

describe('mailboxes', () => {
	it('a mailbox outside the application access policy names the policy; the allowed mailbox still sends', async () => {
		const { id } = appOnlyCredential(env.engine, env.emulator, {
			appOnly: { mailboxes: [NOREPLY] },
		});
		const run = await env.engine.runNode({
			credentialId: id,
			credentialType: APP_ONLY_CREDENTIAL,
			continueOnFail: true,
			parameters: appOnlyParams('={{ $json.mailbox }}', {
				resource: 'message',
				operation: 'send',
				toRecipients: MEGAN,
				subject: '={{ $json.subject }}',
				bodyContentType: 'text',
				bodyContent: 'x',
			}),
			items: [
				{ json: { mailbox: DEMO_USERS.alex.userPrincipalName, subject: 'policy blocked' } },
				{ json: { mailbox: NOREPLY, subject: 'policy allowed' } },
			],
		});
		expect(String(run.items[0]!.json.error)).toMatch(/outside the app's application access policy/);
		expect(inbox(MEGAN, 'policy blocked')).toHaveLength(0);
		expect(run.items[1]!.json.error).toBeUndefined();
		expect(inbox(MEGAN, 'policy allowed')).toHaveLength(1);
	});

	it("'me' and an empty mailbox are refused per item before any request", async () => {
		const { id } = appOnlyCredential(env.engine, env.emulator);
		const requests = env.emulator.control.counters().requests;
		const run = await env.engine.runNode({
			credentialId: id,
			credentialType: APP_ONLY_CREDENTIAL,
			continueOnFail: true,
			parameters: appOnlyParams('={{ $json.mailbox }}', {
				resource: 'message',
				operation: 'getAll',
				returnAll: false,
				limit: 5,
			}),
			items: [{ json: { mailbox: 'me' } }, { json: { mailbox: '' } }],
		});
		expect(String(run.items[0]!.json.error)).toMatch(/'me' is not a mailbox with app-only access/);
		expect(String(run.items[1]!.json.error)).toMatch(/No mailbox is set/);
		expect(env.emulator.control.counters().requests).toBe(requests);
	});

	it('Graph refuses an operation the app has no role for', async () => {
		const { id } = appOnlyCredential(env.engine, env.emulator, {
			appOnly: { roles: ['Mail.ReadWrite'] },
		});
		const run = await send(id, NOREPLY, ['no send role'], { options: { exactlyOnce: false } });
		expect(String(run.items[0]!.json.error)).toMatch(/no application permission for this request/);
		expect(inbox(MEGAN, 'no send role')).toHaveLength(0);
	});

	it('sends an attachment above 3 MB (upload session) from a shared mailbox', async () => {
		const { id } = appOnlyCredential(env.engine, env.emulator);
		const bytes = Buffer.alloc(3_500_000, 7);
		const run = await env.engine.runNode({
			credentialId: id,
			credentialType: APP_ONLY_CREDENTIAL,
			parameters: appOnlyParams(NOREPLY, {
				resource: 'message',
				operation: 'send',
				toRecipients: MEGAN,
				subject: 'big attachment',
				bodyContentType: 'text',
				bodyContent: 'see attached',
				options: { attachments: { attachment: [{ binaryPropertyName: 'data' }] } },
			}),
			items: [
				{
					json: {},
					binary: {
						data: {
							data: bytes.toString('base64'),
							mimeType: 'application/octet-stream',
							fileName: 'report.bin',
						},
					},
				},
			],
		});
		expect(run.error).toBeUndefined();
		const [message] = inbox(MEGAN, 'big attachment');
		expect(message!.attachments.map((a) => [a.name, a.size])).toEqual([['report.bin', 3_500_000]]);
		expect(env.emulator.control.counters().requestsByRoute.createUploadSession).toBeGreaterThan(0);
	});
});

describe('trigger', () => {
	it('polls a named mailbox with app-only access', async () => {
		const { id } = appOnlyCredential(env.engine, env.emulator);
		const poller = new Poller(env.engine, {
			credentialType: APP_ONLY_CREDENTIAL,
			credentialId: id,
			parameters: appOnlyParams(NOREPLY, {
				event: 'newMessage',
				folders: { folder: [{ folderId: { __rl: true, mode: 'id', value: 'inbox' } }] },
			}),
		});
		const first = await poller.poll();
		expect(first.error).toBeUndefined();
		expect(first.returned).toBeNull();
		env.emulator.control.deliver(NOREPLY, 'inbox', {
			subject: 'bounce notice',
			from: { address: MEGAN },
		});
		const second = await poller.poll();
		expect(second.error).toBeUndefined();
		expect(second.items.map((item) => item.json.subject)).toEqual(['bounce notice']);
	});
});

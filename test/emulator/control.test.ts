import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parseCliArgs } from '../../emulator/cli-args';
import type { Emulator } from '../../emulator/server';
import { ADELE, ALEX, graph, sendMailBody, startTestEmulator } from './support/emulator';
import { postForm } from './support/http';

async function control(
	emulator: Emulator,
	method: string,
	path: string,
	body?: unknown,
): Promise<{ status: number; json: any }> {
	const response = await fetch(`${emulator.url}/_emulator${path}`, {
		method,
		headers: {
			'X-Emulator-Key': emulator.controlKey,
			...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return { status: response.status, json: await response.json() };
}

describe('control API over HTTP', () => {
	let emulator: Emulator;

	beforeAll(async () => {
		emulator = await startTestEmulator();
	});
	afterAll(() => emulator.stop());

	it('users, tokens, counters and their reset', async () => {
		const users = await control(emulator, 'GET', '/users');
		expect(
			users.json.map((user: { userPrincipalName: string }) => user.userPrincipalName),
		).toContain(ADELE);
		const added = await control(emulator, 'POST', '/users', {
			userPrincipalName: 'new@contoso.onmicrosoft.com',
			displayName: 'New User',
		});
		expect(added.status).toBe(201);

		const tokens = await control(emulator, 'POST', '/tokens', {
			upn: ADELE,
			scopes: 'openid offline_access Mail.Send Mail.Read User.Read',
		});
		expect(tokens.status).toBe(200);
		expect(Object.keys(tokens.json)).toEqual([
			'token_type',
			'scope',
			'expires_in',
			'ext_expires_in',
			'access_token',
			'refresh_token',
			'id_token',
		]);
		const send = await graph(emulator, '/me/sendMail', {
			token: tokens.json.access_token,
			body: sendMailBody(ALEX),
		});
		expect(send.status).toBe(202);

		const counters = await control(emulator, 'GET', '/counters');
		expect(counters.json).toMatchObject({
			requests: 1,
			requestsByRoute: { sendMail: 1 },
			delivered: 1,
			tokensIssued: 1,
		});
		expect(Object.keys(counters.json).sort()).toEqual(
			[
				'requests',
				'requestsByRoute',
				'throttled429',
				'faultsServed',
				'delivered',
				'duplicatesDelivered',
				'bytesUploaded',
				'peakInFlightByMailbox',
				'uploadRequestsWithAuthorization',
				'tokensIssued',
				'appOnlyTokensIssued',
				'refreshes',
			].sort(),
		);
		await control(emulator, 'POST', '/counters/reset');
		expect((await control(emulator, 'GET', '/counters')).json).toMatchObject({
			requests: 0,
			delivered: 0,
			tokensIssued: 0,
			requestsByRoute: {},
		});

		// Expire / revoke over HTTP.
		expect(
			(await control(emulator, 'POST', '/tokens/expire', { userId: ADELE })).json.expired,
		).toBeGreaterThan(0);
		expect((await graph(emulator, '/me', { token: tokens.json.access_token })).status).toBe(401);
		expect((await control(emulator, 'POST', '/tokens/revoke', {})).json.revoked).toBeGreaterThan(0);
		const refresh = await postForm(`${emulator.loginBaseUrl}/common/oauth2/v2.0/token`, {
			grant_type: 'refresh_token',
			refresh_token: tokens.json.refresh_token,
			client_id: emulator.app.clientId,
			client_secret: emulator.app.clientSecret,
		});
		expect(refresh.status).toBe(400);
		expect(((await refresh.json()) as { error_codes: number[] }).error_codes).toEqual([50173]);
		expect(
			(await control(emulator, 'POST', '/tokens', { upn: 'ghost@x', scopes: 'Mail.Read' })).status,
		).toBe(400);
	});

	it('faults and options', async () => {
		const injected = await control(emulator, 'POST', '/faults', [
			{ kind: '503', route: 'me', times: 2 },
		]);
		expect(injected.json).toEqual([{ kind: '503', route: 'me', times: 2 }]);
		const token = emulator.control.issueTokens({ upn: ADELE, scopes: 'User.Read' }).access_token;
		expect((await graph(emulator, '/me', { token })).status).toBe(503);
		expect((await control(emulator, 'DELETE', '/faults')).status).toBe(200);
		expect((await graph(emulator, '/me', { token })).status).toBe(200);
		expect((await control(emulator, 'POST', '/faults', { kind: 'nope' })).status).toBe(400);

		expect(
			(await control(emulator, 'POST', '/options', { latencyMs: 120, maxConcurrentPerMailbox: 2 }))
				.status,
		).toBe(200);
		const started = Date.now();
		await graph(emulator, '/me', { token });
		expect(Date.now() - started).toBeGreaterThanOrEqual(110);
		expect((await control(emulator, 'POST', '/options', { latencyMs: -1 })).status).toBe(400);
		await control(emulator, 'POST', '/options', { latencyMs: 0, maxConcurrentPerMailbox: 4 });
	});

	it('apps, grants, folders, messages, mailbox snapshots, delta invalidation', async () => {
		const app = await control(emulator, 'POST', '/apps', {
			redirectUris: ['https://n8n.example.com/rest/oauth2-credential/callback'],
		});
		expect(app.status).toBe(201);
		expect(app.json.clientId).toMatch(/^[0-9a-f-]{36}$/);
		expect(app.json.clientSecret).toBeTruthy();
		expect(
			(
				await control(emulator, 'POST', '/grants', {
					mailboxId: ADELE,
					delegateId: ALEX,
					fullAccess: true,
				})
			).status,
		).toBe(200);
		const folder = await control(emulator, 'POST', '/folders', {
			userId: ADELE,
			displayName: 'Projects',
		});
		expect(folder.json.id).toBeTruthy();
		const one = await control(emulator, 'POST', '/messages', {
			userId: ADELE,
			folder: 'inbox',
			message: {
				subject: 'Seeded',
				from: { address: ALEX },
				attachments: [{ name: 'a.txt', contentType: 'text/plain', text: 'hello' }],
			},
		});
		expect(one.status).toBe(201);
		const many = await control(emulator, 'POST', '/messages', {
			userId: ADELE,
			folder: 'inbox',
			count: 3,
			template: { subject: 'Bulk' },
		});
		expect(many.json.ids).toHaveLength(3);
		const snapshot = await control(emulator, 'GET', `/mailboxes/${encodeURIComponent(ADELE)}`);
		const inbox = snapshot.json.folders.find(
			(f: { wellKnownName?: string }) => f.wellKnownName === 'inbox',
		);
		const ids = inbox.messages.map((m: { id: string }) => m.id);
		expect(ids).toEqual(expect.arrayContaining([one.json.id, ...many.json.ids]));
		const seeded = inbox.messages.find((m: { id: string }) => m.id === one.json.id);
		expect(seeded.attachments[0]).toMatchObject({ name: 'a.txt', size: 5 });
		expect((await control(emulator, 'POST', '/delta/invalidate')).status).toBe(200);
		expect((await control(emulator, 'GET', '/mailboxes/nobody')).status).toBe(400);
		expect((await control(emulator, 'GET', '/nothing')).status).toBe(404);
	});

	it('reset brings back the start state', async () => {
		emulator.control.injectFault({ kind: '503' });
		emulator.control.setOptions({ latencyMs: 400 });
		emulator.control.deliver(ADELE, 'inbox', { subject: 'to be wiped' });
		const token = emulator.control.issueTokens({ upn: ADELE, scopes: 'User.Read' }).access_token;
		expect((await control(emulator, 'POST', '/reset')).status).toBe(200);
		expect(emulator.control.faults()).toEqual([]);
		expect(emulator.control.users().map((u) => u.userPrincipalName)).not.toContain(
			'new@contoso.onmicrosoft.com',
		);
		expect((await graph(emulator, '/me', { token })).status).toBe(401);
		const fresh = emulator.control.issueTokens({ upn: ADELE, scopes: 'User.Read' }).access_token;
		const started = Date.now();
		expect((await graph(emulator, '/me', { token: fresh })).status).toBe(200);
		expect(Date.now() - started).toBeLessThan(300);
		// The refused old token and the new one.
		expect(emulator.control.counters().requests).toBe(2);
	});
});

describe('web view', () => {
	it('lists users, folders, messages and serves attachments, all escaped', async () => {
		const emulator = await startTestEmulator();
		try {
			emulator.control.addUser({
				userPrincipalName: 'odd@contoso.onmicrosoft.com',
				displayName: 'Megan <Bowen> & Co',
			});
			const id = emulator.control.deliver(ADELE, 'inbox', {
				subject: '<script>alert(1)</script> Quarterly',
				from: { address: ALEX },
				toRecipients: [{ address: ADELE }],
				body: { contentType: 'html', content: '<p>Hi <b>there</b></p>' },
				attachments: [
					{ name: 'report "q1".txt', contentType: 'text/plain', bytes: Buffer.from('numbers') },
				],
			});
			const home = await (await fetch(`${emulator.url}/`)).text();
			expect(home).toContain('Adele Vance');
			expect(home).toContain('Megan &lt;Bowen&gt; &amp; Co');
			const adeleId = emulator.mail.findUser(ADELE)!.id;
			const mailbox = await (await fetch(`${emulator.url}/web/users/${adeleId}`)).text();
			expect(mailbox).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Quarterly');
			expect(mailbox).not.toContain('<script>alert(1)');
			const message = await fetch(`${emulator.url}/web/users/${adeleId}/messages/${id}`);
			const html = await message.text();
			// The body in a frame without scripts or same origin; its links open in a new tab.
			expect(html).toContain(
				'<iframe sandbox="allow-popups allow-popups-to-escape-sandbox" id="body" srcdoc="&lt;base target=&quot;_blank&quot;&gt;&lt;p&gt;Hi &lt;b&gt;there&lt;/b&gt;&lt;/p&gt;">',
			);
			expect(html).toContain(ALEX);
			const link = /href="(\/web\/attachments\/[^"]+)"/.exec(html)![1];
			const attachment = await fetch(`${emulator.url}${link}`);
			expect(attachment.status).toBe(200);
			expect(attachment.headers.get('content-type')).toBe('text/plain');
			expect(attachment.headers.get('content-disposition')).toContain(
				"filename*=UTF-8''report%20%22q1%22.txt",
			);
			expect(await attachment.text()).toBe('numbers');
			expect((await fetch(`${emulator.url}/web/users/${adeleId}/messages/nope`)).status).toBe(404);
		} finally {
			await emulator.stop();
		}
	});
});

describe('state file', () => {
	it('saves mail, apps and refresh tokens on stop and loads them at start', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'emulator-state-'));
		const stateFile = join(dir, 'state.json');
		try {
			const first = await startTestEmulator({ stateFile });
			first.control.deliver(ADELE, 'inbox', { subject: 'persisted mail' });
			const app = first.control.registerApp({
				clientId: 'c0c0c0c0-0000-4000-8000-000000000002',
				clientSecret: 's3cret',
				redirectUris: ['https://app.example.com/cb'],
			});
			const tokens = first.control.issueTokens({
				upn: ALEX,
				scopes: 'offline_access Mail.Read',
				clientId: app.clientId,
			});
			await first.stop();
			const saved = JSON.parse(readFileSync(stateFile, 'utf8'));
			expect(saved.version).toBe(1);

			const second = await startTestEmulator({ stateFile });
			try {
				const inbox = second.control
					.mailbox(ADELE)
					.folders.find((f) => f.wellKnownName === 'inbox')!;
				expect(inbox.messages.map((m) => m.subject)).toContain('persisted mail');
				// Access tokens are not kept; the refresh token and the app are.
				expect((await graph(second, '/me/messages', { token: tokens.access_token })).status).toBe(
					401,
				);
				const refreshed = await postForm(`${second.loginBaseUrl}/common/oauth2/v2.0/token`, {
					grant_type: 'refresh_token',
					refresh_token: tokens.refresh_token!,
					client_id: app.clientId,
					client_secret: 's3cret',
				});
				expect(refreshed.status).toBe(200);
				const { access_token } = (await refreshed.json()) as { access_token: string };
				expect((await graph(second, '/me/messages', { token: access_token })).status).toBe(200);
				// Debounced save after a change.
				second.control.deliver(ALEX, 'inbox', { subject: 'second run' });
				await new Promise((resolve) => setTimeout(resolve, 400));
				expect(readFileSync(stateFile, 'utf8')).toContain('second run');
			} finally {
				await second.stop();
			}
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});

describe('CLI arguments', () => {
	it('parses every flag', () => {
		expect(
			parseCliArgs([
				'--port',
				'4010',
				'--state',
				's.json',
				'--auto-approve',
				'--server-time-ms',
				'50',
				'--latency-ms',
				'5',
				'--seed',
				'none',
			]).options,
		).toEqual({
			port: 4010,
			uploadPort: 4011,
			stateFile: 's.json',
			autoApprove: true,
			serverTimeMs: 50,
			latencyMs: 5,
			seed: 'none',
		});
		expect(
			parseCliArgs(['--auto-approve', ALEX, '--upload-port', '0', '--port', '0']).options,
		).toEqual({ port: 0, uploadPort: 0, autoApprove: ALEX });
		expect(parseCliArgs(['--help']).help).toBe(true);
		expect(() => parseCliArgs(['--seed', 'lots'])).toThrow(/seed/);
		expect(() => parseCliArgs(['--bogus'])).toThrow(/unknown/);
	});
});

/**
 * The emulator left running next to a browser (issue 12, part 5): a web page must not drive the
 * control API, read a mailbox through DNS rebinding, or make one request exhaust the process.
 * Everything over real HTTP on loopback.
 */
import { describeEmulator } from '../../emulator/cli-banner';
import type { Emulator } from '../../emulator/server';
import { EmulatorControlClient } from '../../scripts/lib/emulator-process';
import { accessTokenFor, ADELE, graph, startTestEmulator } from './support/emulator';
import { rawRequest } from './support/http';

/** Graph's error body, as the emulator answers. */
type GraphError = { error: { code: string; message: string } };

const MiB = 1024 * 1024;

describe('emulator hardening: the control API and the main listener', () => {
	let emulator: Emulator;
	let port: string;

	beforeAll(async () => {
		emulator = await startTestEmulator();
		port = new URL(emulator.url).port;
	});
	beforeEach(() => emulator.reset());
	afterAll(() => emulator.stop());

	function control(
		path: string,
		init: { method?: string; headers?: Record<string, string>; body?: string } = {},
	): Promise<Response> {
		return fetch(`${emulator.url}/_emulator${path}`, {
			method: init.method ?? 'POST',
			headers: init.headers,
			body: init.body,
		});
	}
	const withKey = (headers: Record<string, string> = {}) => ({
		'X-Emulator-Key': emulator.controlKey,
		...headers,
	});

	it('a cross-site form or text/plain post (no key) mints no token and registers no app', async () => {
		const text = { 'Content-Type': 'text/plain;charset=UTF-8' };
		const tokens = await control('/tokens', {
			headers: text,
			body: JSON.stringify({ upn: ADELE, scopes: 'Mail.Read offline_access' }),
		});
		expect(tokens.status).toBe(401);
		expect(await tokens.text()).not.toMatch(/access_token/);
		const app = await control('/apps', {
			headers: text,
			body: JSON.stringify({ redirectUris: ['https://evil.example/cb'] }),
		});
		expect(app.status).toBe(401);
		const reset = await control('/reset');
		expect(reset.status).toBe(401);
		expect((await control('/users', { method: 'GET' })).status).toBe(401);
		expect(emulator.control.counters().tokensIssued).toBe(0);
	});

	it('with the key, a body that is not declared JSON is 415 and changes nothing', async () => {
		const tokens = await control('/tokens', {
			headers: withKey({ 'Content-Type': 'text/plain' }),
			body: JSON.stringify({ upn: ADELE, scopes: 'Mail.Read' }),
		});
		expect(tokens.status).toBe(415);
		expect(emulator.control.counters().tokensIssued).toBe(0);
		const json = await control('/tokens', {
			headers: withKey({ 'Content-Type': 'application/json; charset=utf-8' }),
			body: JSON.stringify({ upn: ADELE, scopes: 'Mail.Read' }),
		});
		expect(json.status).toBe(200);
	});

	it("the scripts' control client carries the key (and a wrong key is refused)", async () => {
		const client = new EmulatorControlClient(emulator.url, emulator.controlKey);
		expect((await client.users()).map((user) => user.userPrincipalName)).toContain(ADELE);
		await expect(new EmulatorControlClient(emulator.url, 'not-the-key').users()).rejects.toThrow(
			/answered 401/,
		);
	});

	it('a foreign Host (DNS rebinding) is refused everywhere; IP literals and localhost are served', async () => {
		const adele = emulator.control.users().find((user) => user.userPrincipalName === ADELE)!;
		const mailbox = `${emulator.url}/web/users/${adele.id}`;
		const foreign = await rawRequest(mailbox, {
			headers: { Host: `rebind.attacker.example:${port}` },
		});
		expect(foreign.status).toBe(403);
		expect(foreign.body).not.toMatch(/inbox/i);
		const snapshot = await rawRequest(`${emulator.url}/_emulator/mailboxes/${adele.id}`, {
			headers: { Host: `rebind.attacker.example:${port}`, 'X-Emulator-Key': emulator.controlKey },
		});
		expect(snapshot.status).toBe(403);
		const consentPost = await rawRequest(`${emulator.url}/common/oauth2/v2.0/authorize`, {
			method: 'POST',
			headers: {
				Host: `rebind.attacker.example:${port}`,
				'Content-Type': 'application/x-www-form-urlencoded',
			},
			body: 'decision=accept',
		});
		expect(consentPost.status).toBe(403);
		for (const host of [
			`127.0.0.1:${port}`,
			`localhost:${port}`,
			`[::1]:${port}`,
			`LOCALHOST:${port}`,
		]) {
			expect({
				host,
				status: (await rawRequest(mailbox, { headers: { Host: host } })).status,
			}).toEqual({ host, status: 200 });
		}
	});

	it('a control body above 16 MiB is 413 (not delivered)', async () => {
		const body = JSON.stringify({
			userId: ADELE,
			message: { subject: 'huge', attachments: [{ name: 'big.txt', text: 'x'.repeat(17 * MiB) }] },
		});
		const response = await control('/messages', {
			headers: withKey({ 'Content-Type': 'application/json' }),
			body,
		});
		expect(response.status).toBe(413);
		expect(
			emulator.control
				.mailbox(ADELE)
				.folders.flatMap((folder) => folder.messages)
				.some((m) => m.subject === 'huge'),
		).toBe(false);
	});

	it('seeding more than 50,000 messages in one call is 400, not an aborted process', async () => {
		const seed = (count: number) =>
			control('/messages', {
				headers: withKey({ 'Content-Type': 'application/json' }),
				body: JSON.stringify({ userId: ADELE, count }),
			});
		const over = await seed(50_001);
		expect(over.status).toBe(400);
		expect(((await over.json()) as { error: string }).error).toMatch(
			/count must be an integer from 0 to 50000/,
		);
		expect((await seed(3_000_000)).status).toBe(400);
		expect((await seed(2.5)).status).toBe(400);
		expect((await seed(2)).status).toBe(201);
	});

	it('$filter and $search nested 5,000 deep are 400 with a Graph error; 100 levels still work', async () => {
		const token = await accessTokenFor(emulator, ADELE);
		const deep = (inner: string, depth: number) =>
			`${'('.repeat(depth)}${inner}${')'.repeat(depth)}`;
		const filter = await graph(
			emulator,
			`/me/messages?$filter=${encodeURIComponent(deep('isRead eq true', 5000))}`,
			{ token },
		);
		expect(filter.status).toBe(400);
		expect(((await filter.json()) as GraphError).error).toMatchObject({
			code: 'BadRequest',
			message: expect.stringMatching(/recursion limit/),
		});
		const nots = await graph(
			emulator,
			`/me/messages?$filter=${encodeURIComponent(`${'not '.repeat(2000)}isRead eq true`)}`,
			{ token },
		);
		expect(nots.status).toBe(400);
		const search = await graph(
			emulator,
			`/me/messages?$search=${encodeURIComponent(`"${deep('pizza', 5000)}"`)}`,
			{ token },
		);
		expect(search.status).toBe(400);
		expect(((await search.json()) as GraphError).error).toMatchObject({
			code: 'BadRequest',
			message: expect.stringMatching(/recursion limit/),
		});
		const fine = await graph(
			emulator,
			`/me/messages?$filter=${encodeURIComponent(deep('isRead eq true', 100))}`,
			{ token },
		);
		expect(fine.status).toBe(200);
		// a long flat chain (here 40,000 terms in a $batch URL) is no nesting: evaluating it costs no stack
		const chain = Array.from({ length: 40_000 }, () => 'isRead eq true').join(' or ');
		const batch = await graph(emulator, '/$batch', {
			token,
			body: {
				requests: [
					{
						id: '1',
						method: 'GET',
						url: `/me/messages?$top=1&$filter=${encodeURIComponent(chain)}`,
					},
				],
			},
		});
		expect(batch.status).toBe(200);
		expect(
			((await batch.json()) as { responses: Array<{ status: number }> }).responses[0]?.status,
		).toBe(200);
	});

	it('deeply nested MIME or JSON in one request is 400, not an exhausted heap or a 500', async () => {
		const token = await accessTokenFor(emulator, ADELE);
		// 20,000 nested multiparts (1.9 MB of base64) used to take gigabytes and abort the process
		const depth = 20_000;
		const opening = Array.from(
			{ length: depth },
			(_, i) => `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n`,
		).join('');
		const closing = Array.from({ length: depth }, (_, i) => `\r\n--b${depth - 1 - i}--`).join('');
		const mime = `To: ${ADELE}\r\nSubject: nested\r\n${opening}Content-Type: text/plain\r\n\r\nhi${closing}`;
		const nestedMime = await graph(emulator, '/me/sendMail', {
			token,
			body: Buffer.from(mime).toString('base64'),
			headers: { 'Content-Type': 'text/plain' },
		});
		expect(nestedMime.status).toBe(400);
		expect(((await nestedMime.json()) as GraphError).error.code).toBe('ErrorMimeContentInvalid');
		const deepItem = `${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}`;
		const itemAttachment = `{"message":{"toRecipients":[{"emailAddress":{"address":"${ADELE}"}}],"attachments":[{"@odata.type":"#microsoft.graph.itemAttachment","name":"x","item":${deepItem}}]}}`;
		const nestedJson = await graph(emulator, '/me/sendMail', { token, body: itemAttachment });
		expect(nestedJson.status).toBe(400);
		expect(((await nestedJson.json()) as GraphError).error.code).toBe('RequestBodyRead');
		const batchBody = `{"requests":[{"id":"1","method":"POST","url":"/me/messages","headers":{"Content-Type":"application/json"},"body":${deepItem}}]}`;
		const nestedBatch = await graph(emulator, '/$batch', { token, body: batchBody });
		expect(nestedBatch.status).toBe(400);
		expect(emulator.control.counters().delivered).toBe(0);
	});
});

describe('--host 0.0.0.0', () => {
	it('the banner names the address really bound and warns; on loopback it does not warn', async () => {
		const exposed = await startTestEmulator({ host: '0.0.0.0' });
		const local = await startTestEmulator();
		try {
			const banner = describeEmulator(exposed);
			expect(banner).toContain(
				`Listening     0.0.0.0:${exposed.bound.main.port} (main), 0.0.0.0:${exposed.bound.upload.port} (upload)`,
			);
			expect(banner).toMatch(
				/WARNING: listening on 0\.0\.0\.0:\d+ and 0\.0\.0\.0:\d+, reachable from other machines/,
			);
			expect(banner).toContain(`X-Emulator-Key: ${exposed.controlKey}`);
			expect(describeEmulator(local)).not.toMatch(/WARNING/);
			expect(describeEmulator(local)).toContain(`Listening     127.0.0.1:${local.bound.main.port}`);
		} finally {
			await Promise.all([exposed.stop(), local.stop()]);
		}
	});
});

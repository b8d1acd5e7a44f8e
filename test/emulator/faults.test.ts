import type { Emulator } from '../../emulator/server';
import {
	accessTokenFor,
	ADELE,
	ALEX,
	graph,
	sendMailBody,
	startTestEmulator,
} from './support/emulator';
import { rawRequest } from './support/http';

describe('fault injection', () => {
	let emulator: Emulator;
	let adele: string;

	beforeAll(async () => {
		emulator = await startTestEmulator();
		adele = await accessTokenFor(emulator, ADELE);
	});
	afterAll(() => emulator.stop());
	beforeEach(() => {
		emulator.control.clearFaults();
		emulator.control.resetCounters();
	});

	const inboxCount = (upn: string) =>
		emulator.control.mailbox(upn).folders.find((f) => f.wellKnownName === 'inbox')!.messages.length;

	/** sendMail over a raw connection, so a destroyed socket surfaces as an error. */
	function rawSendMail(
		subject: string,
	): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
		return rawRequest(`${emulator.graphBaseUrl}/v1.0/me/sendMail`, {
			method: 'POST',
			headers: { Authorization: `Bearer ${adele}`, 'Content-Type': 'application/json' },
			body: JSON.stringify(sendMailBody(ALEX, subject)),
		});
	}

	it('429 with the Retry-After as given (seconds, fractional, HTTP date), then the request passes', async () => {
		const date = new Date(Date.now() + 5000).toUTCString();
		emulator.control.injectFault([
			{ kind: '429', route: 'listMessages', retryAfter: '2.128' },
			{ kind: '429', route: 'listMessages', retryAfter: date },
		]);
		const first = await graph(emulator, '/me/messages', { token: adele });
		expect(first.status).toBe(429);
		expect(first.headers.get('retry-after')).toBe('2.128');
		expect(((await first.json()) as { error: { code: string } }).error.code).toBe(
			'TooManyRequests',
		);
		const second = await graph(emulator, '/me/messages', { token: adele });
		expect(second.headers.get('retry-after')).toBe(date);
		expect((await graph(emulator, '/me/messages', { token: adele })).status).toBe(200);
		expect(emulator.control.counters().faultsServed).toEqual({ '429': 2 });
		expect(emulator.control.counters().throttled429).toBe(0);
	});

	it('503 (with and without Retry-After) and 504; times counts down', async () => {
		emulator.control.injectFault({ kind: '503', route: 'me', retryAfter: '3', times: 2 });
		for (let i = 0; i < 2; i++) {
			const response = await graph(emulator, '/me', { token: adele });
			expect(response.status).toBe(503);
			expect(response.headers.get('retry-after')).toBe('3');
		}
		expect((await graph(emulator, '/me', { token: adele })).status).toBe(200);
		emulator.control.injectFault([
			{ kind: '503', route: 'me' },
			{ kind: '504', route: 'me' },
		]);
		const unavailable = await graph(emulator, '/me', { token: adele });
		expect(unavailable.status).toBe(503);
		expect(unavailable.headers.get('retry-after')).toBeNull();
		const timeout = await graph(emulator, '/me', { token: adele });
		expect(timeout.status).toBe(504);
		expect(
			((await timeout.json()) as { error: { innerError: object } }).error.innerError,
		).toBeDefined();
	});

	it('reset: the socket is destroyed before processing and nothing is committed', async () => {
		emulator.control.injectFault({ kind: 'reset', route: 'sendMail' });
		const before = inboxCount(ALEX);
		await expect(rawSendMail('never')).rejects.toThrow(/ECONNRESET|socket hang up/);
		expect(inboxCount(ALEX)).toBe(before);
		expect(emulator.control.counters().delivered).toBe(0);
		expect(emulator.control.counters().faultsServed.reset).toBe(1);
	});

	it('lostResponse: processed and committed, then the socket dies without an answer', async () => {
		emulator.control.injectFault({ kind: 'lostResponse', route: 'sendMail' });
		const before = inboxCount(ALEX);
		await expect(rawSendMail('delivered anyway')).rejects.toThrow(/ECONNRESET|socket hang up/);
		expect(inboxCount(ALEX)).toBe(before + 1);
		expect(emulator.control.counters().delivered).toBe(1);
		expect(emulator.control.counters().faultsServed.lostResponse).toBe(1);
		// The fault is used up: the next send answers normally.
		expect((await rawSendMail('second')).status).toBe(202);
	});

	it('latency adds delay; matching by method, mailbox and path pattern', async () => {
		emulator.control.injectFault({
			kind: 'latency',
			delayMs: 150,
			pathPattern: '^/me/messages$',
			method: 'GET',
		});
		const started = Date.now();
		expect((await graph(emulator, '/me/messages', { token: adele })).status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);

		emulator.control.injectFault({ kind: '503', mailbox: ALEX, times: 5 });
		expect((await graph(emulator, '/me', { token: adele })).status).toBe(200);
		const alex = await accessTokenFor(emulator, ALEX);
		expect((await graph(emulator, '/me', { token: alex })).status).toBe(503);
		emulator.control.clearFaults();
		emulator.control.injectFault({
			kind: '503',
			method: 'POST',
			route: ['createMessage', 'sendMail'],
		});
		expect((await graph(emulator, '/me/messages', { token: adele })).status).toBe(200);
		expect(
			(await graph(emulator, '/me/messages', { token: adele, body: { subject: 'd' } })).status,
		).toBe(503);
	});

	it('probability faults are seeded: the same sequence on every run', async () => {
		const pattern = async () => {
			emulator.control.clearFaults();
			emulator.control.injectFault({ kind: '503', route: 'me', probability: 0.5 });
			const statuses: number[] = [];
			for (let i = 0; i < 16; i++)
				statuses.push((await graph(emulator, '/me', { token: adele })).status);
			return statuses;
		};
		const first = await pattern();
		const second = await pattern();
		expect(first).toEqual(second);
		expect(first).toContain(503);
		expect(first).toContain(200);
	});

	it('faults on the upload listener', async () => {
		const draft = (await (
			await graph(emulator, '/me/messages', { token: adele, body: { subject: 'u' } })
		).json()) as { id: string };
		const session = (await (
			await graph(emulator, `/me/messages/${draft.id}/attachments/createUploadSession`, {
				token: adele,
				body: { AttachmentItem: { attachmentType: 'file', name: 'b.bin', size: 3_000_000 } },
			})
		).json()) as { uploadUrl: string };
		emulator.control.injectFault({ kind: '429', route: 'uploadChunk', retryAfter: '1' });
		const put = () =>
			fetch(session.uploadUrl, {
				method: 'PUT',
				body: Buffer.alloc(1000),
				headers: { 'Content-Range': 'bytes 0-999/3000000' },
			});
		const throttled = await put();
		expect(throttled.status).toBe(429);
		expect(throttled.headers.get('retry-after')).toBe('1');
		expect((await put()).status).toBe(200);
	});

	it('redirect, html and answer faults answer in place of the handler (nothing is done)', async () => {
		emulator.control.injectFault([
			{
				kind: 'redirect',
				route: 'sendMail',
				status: 307,
				location: 'http://127.0.0.1:9/elsewhere',
			},
			{ kind: 'html', route: 'me', status: 503 },
			{ kind: 'answer', route: 'me', status: 200, body: { odd: true } },
		]);
		const before = inboxCount(ALEX);
		const redirected = await graph(emulator, '/me/sendMail', {
			token: adele,
			body: sendMailBody(ALEX, 'r'),
			redirect: 'manual',
		});
		expect(redirected.status).toBe(307);
		expect(redirected.headers.get('location')).toBe('http://127.0.0.1:9/elsewhere');
		expect(inboxCount(ALEX)).toBe(before);
		const page = await graph(emulator, '/me', { token: adele });
		expect(page.status).toBe(503);
		expect(page.headers.get('content-type')).toMatch(/^text\/html/);
		expect(await page.text()).toMatch(/<h1>Service error 503<\/h1>/);
		const odd = await graph(emulator, '/me', { token: adele });
		expect(await odd.json()).toEqual({ odd: true });
		expect(emulator.control.counters().faultsServed).toEqual({ redirect: 1, html: 1, answer: 1 });
	});

	it("faults on the token endpoint (route 'token'), counted like the other routes", async () => {
		emulator.control.injectFault([
			{ kind: 'html', route: 'token', status: 500 },
			{ kind: 'redirect', route: 'token', status: 307, location: 'http://127.0.0.1:9/token' },
		]);
		const token = () =>
			fetch(`${emulator.loginBaseUrl}/common/oauth2/v2.0/token`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
				body: 'grant_type=refresh_token&refresh_token=x',
				redirect: 'manual',
			});
		const page = await token();
		expect(page.status).toBe(500);
		expect(page.headers.get('content-type')).toMatch(/^text\/html/);
		const moved = await token();
		expect(moved.status).toBe(307);
		expect(moved.headers.get('location')).toBe('http://127.0.0.1:9/token');
		expect((await token()).status).toBe(400);
		expect(emulator.control.counters().requestsByRoute.token).toBe(3);
		expect(emulator.control.counters().faultsServed).toEqual({ html: 1, redirect: 1 });
	});

	it('rejects malformed fault specs', () => {
		expect(() => emulator.control.injectFault({ kind: 'explode' as never })).toThrow(/kind/);
		expect(() => emulator.control.injectFault({ kind: 'latency' })).toThrow(/delayMs/);
		expect(() => emulator.control.injectFault({ kind: '429', probability: 2 })).toThrow(
			/probability/,
		);
		expect(() => emulator.control.injectFault({ kind: 'redirect' })).toThrow(/location/);
		expect(() =>
			emulator.control.injectFault({ kind: 'redirect', location: '/x', status: 200 }),
		).toThrow(/3xx/);
		expect(() => emulator.control.injectFault({ kind: 'answer' })).toThrow(/status/);
	});
});

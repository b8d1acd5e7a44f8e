import { MailboxThrottle } from '../../emulator/graph/throttle';
import type { Emulator } from '../../emulator/server';
import { accessTokenFor, ADELE, ALEX, graph, startTestEmulator } from './support/emulator';

describe('per-mailbox throttling over HTTP', () => {
	let emulator: Emulator;

	beforeAll(async () => {
		emulator = await startTestEmulator({ serverTimeMs: 100 });
	});
	afterAll(() => emulator.stop());

	it('admits at most 4 in flight per mailbox; the excess gets 429 + Retry-After; other mailboxes proceed', async () => {
		emulator.control.resetCounters();
		const adele = await accessTokenFor(emulator, ADELE);
		const alex = await accessTokenFor(emulator, ALEX);
		const burst = Array.from({ length: 20 }, () =>
			graph(emulator, '/me/messages', { token: adele }),
		);
		const other = Array.from({ length: 3 }, () => graph(emulator, '/me/messages', { token: alex }));
		const responses = await Promise.all(burst);
		const otherResponses = await Promise.all(other);

		const ok = responses.filter((response) => response.status === 200);
		const throttled = responses.filter((response) => response.status === 429);
		// Normally exactly 4 pass; a slow machine may let a late request into a freed slot.
		expect(ok.length).toBeGreaterThanOrEqual(4);
		expect(ok.length + throttled.length).toBe(20);
		expect(throttled.length).toBeGreaterThanOrEqual(8);
		for (const response of throttled) {
			expect(response.headers.get('retry-after')).toBe('1');
			const body = (await response.json()) as {
				error: { code: string; message: string; innerError: Record<string, string> };
			};
			expect(body.error.code).toBe('TooManyRequests');
			expect(body.error.message).toBe('Please retry again later.');
			expect(body.error.innerError).toMatchObject({
				code: '429',
				status: '429',
				message: 'Please retry after',
			});
		}
		expect(otherResponses.map((response) => response.status)).toEqual([200, 200, 200]);

		const counters = emulator.control.counters();
		const adeleId = emulator.mail.findUser(ADELE)!.id;
		const alexId = emulator.mail.findUser(ALEX)!.id;
		expect(counters.peakInFlightByMailbox[adeleId]).toBe(4);
		expect(counters.peakInFlightByMailbox[alexId]).toBe(3);
		expect(counters.throttled429).toBe(throttled.length);
	});

	it('honours maxConcurrentPerMailbox and per-route server time set at run time', async () => {
		emulator.control.setOptions({
			maxConcurrentPerMailbox: 2,
			serverTimeMs: { listMessages: 300 },
		});
		try {
			emulator.control.resetCounters();
			const token = await accessTokenFor(emulator, ADELE);
			const started = Date.now();
			const statuses = (
				await Promise.all(
					Array.from({ length: 5 }, () => graph(emulator, '/me/messages', { token })),
				)
			).map((r) => r.status);
			expect(statuses.filter((status) => status === 200)).toHaveLength(2);
			expect(Date.now() - started).toBeGreaterThanOrEqual(290);
			const meStarted = Date.now();
			await graph(emulator, '/me', { token });
			expect(Date.now() - meStarted).toBeLessThan(250);
			expect(
				emulator.control.counters().peakInFlightByMailbox[emulator.mail.findUser(ADELE)!.id],
			).toBe(2);
		} finally {
			emulator.control.setOptions({ maxConcurrentPerMailbox: 4, serverTimeMs: 100 });
		}
	});

	it('latencyMs delays answers without holding the in-flight slot', async () => {
		const fast = await startTestEmulator({ latencyMs: 150 });
		try {
			const token = await accessTokenFor(fast, ADELE);
			const started = Date.now();
			const statuses = (
				await Promise.all(Array.from({ length: 8 }, () => graph(fast, '/me/messages', { token })))
			).map((r) => r.status);
			expect(statuses).toEqual(Array(8).fill(200));
			expect(Date.now() - started).toBeGreaterThanOrEqual(140);
		} finally {
			await fast.stop();
		}
	});
});

describe('per-mailbox budgets', () => {
	it('request budget over HTTP: 429 with a Retry-After that says when room frees', async () => {
		const emulator = await startTestEmulator({ budgets: { requestsPerTenMinutes: 5 } });
		try {
			const token = await accessTokenFor(emulator, ADELE);
			for (let i = 0; i < 5; i++)
				expect((await graph(emulator, '/me/messages', { token })).status).toBe(200);
			const refused = await graph(emulator, '/me/messages', { token });
			expect(refused.status).toBe(429);
			const retryAfter = Number(refused.headers.get('retry-after'));
			expect(retryAfter).toBeGreaterThan(590);
			expect(retryAfter).toBeLessThanOrEqual(600);
			expect(
				(await graph(emulator, '/me/messages', { token: await accessTokenFor(emulator, ALEX) }))
					.status,
			).toBe(200);
		} finally {
			await emulator.stop();
		}
	});

	it('upload budget over HTTP counts PATCH/POST/PUT bodies', async () => {
		const emulator = await startTestEmulator({ budgets: { uploadBytesPerFiveMinutes: 1000 } });
		try {
			const token = await accessTokenFor(emulator, ADELE);
			const body = { subject: 'x'.repeat(600) };
			expect((await graph(emulator, '/me/messages', { token, body })).status).toBe(201);
			// GETs carry no upload bytes.
			expect((await graph(emulator, '/me/messages', { token })).status).toBe(200);
			const refused = await graph(emulator, '/me/messages', { token, body });
			expect(refused.status).toBe(429);
			const retryAfter = Number(refused.headers.get('retry-after'));
			expect(retryAfter).toBeGreaterThan(290);
			expect(retryAfter).toBeLessThanOrEqual(300);
		} finally {
			await emulator.stop();
		}
	});

	it('rolling windows free room as old entries age out (fake clock)', () => {
		let now = 1_000_000;
		const throttle = new MailboxThrottle(
			() => ({
				maxConcurrentPerMailbox: 4,
				requestsPerTenMinutes: 3,
				uploadBytesPerFiveMinutes: 100,
			}),
			() => now,
		);
		const admit = (bytes = 0) => {
			const admission = throttle.admit('box', bytes);
			if (admission.admitted) admission.release();
			return admission;
		};
		expect(admit().admitted).toBe(true);
		now += 60_000;
		expect(admit().admitted).toBe(true);
		expect(admit().admitted).toBe(true);
		const refused = admit();
		expect(refused).toEqual({ admitted: false, reason: 'requestBudget', retryAfterSec: 540 });
		now += 540_000;
		expect(admit().admitted).toBe(true);

		const bytes = new MailboxThrottle(
			() => ({
				maxConcurrentPerMailbox: 4,
				requestsPerTenMinutes: 100,
				uploadBytesPerFiveMinutes: 100,
			}),
			() => now,
		);
		const upload = (n: number) => {
			const admission = bytes.admit('box', n);
			if (admission.admitted) admission.release();
			return admission;
		};
		expect(upload(60).admitted).toBe(true);
		now += 100_000;
		expect(upload(30).admitted).toBe(true);
		expect(upload(20)).toEqual({ admitted: false, reason: 'uploadBudget', retryAfterSec: 200 });
		expect(upload(10).admitted).toBe(true);
		now += 200_000;
		expect(upload(20).admitted).toBe(true);
		// An empty window admits even a body larger than the whole budget.
		now += 400_000;
		expect(upload(500).admitted).toBe(true);
	});

	it('peaks count admitted requests only and never exceed the cap', () => {
		const throttle = new MailboxThrottle(() => ({
			maxConcurrentPerMailbox: 2,
			requestsPerTenMinutes: 100,
			uploadBytesPerFiveMinutes: 100,
		}));
		const first = throttle.admit('a', 0);
		const second = throttle.admit('a', 0);
		const third = throttle.admit('a', 0);
		expect([first.admitted, second.admitted, third.admitted]).toEqual([true, true, false]);
		expect(throttle.peaks()).toEqual({ a: 2 });
		if (first.admitted) first.release();
		expect(throttle.admit('a', 0).admitted).toBe(true);
		expect(throttle.peaks()).toEqual({ a: 2 });
	});
});

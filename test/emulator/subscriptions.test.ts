import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Emulator } from '../../emulator/server';
import { accessTokenFor, ADELE, graph, startTestEmulator } from './support/emulator';

/** A loopback endpoint that answers the validation request (or not) and records notifications. */
class Receiver {
	readonly bodies: Array<{ value: Array<Record<string, unknown>> }> = [];
	readonly validations: string[] = [];
	/** 'echo' answers as Graph demands; others fail the handshake. */
	validation: 'echo' | 'wrong' | 'slow' | 'html' = 'echo';
	private server!: Server;
	url = '';

	async start(): Promise<void> {
		this.server = createServer((req: IncomingMessage, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', () => {
				const token = new URL(req.url ?? '/', 'http://x').searchParams.get('validationToken');
				if (token !== null) {
					this.validations.push(token);
					if (this.validation === 'slow') return; // never answers: the 10-second limit applies
					if (this.validation === 'html')
						return void res.writeHead(200, { 'content-type': 'text/html' }).end(token);
					res
						.writeHead(200, { 'content-type': 'text/plain' })
						.end(this.validation === 'wrong' ? 'nope' : token);
					return;
				}
				this.bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
				res.writeHead(202).end();
			});
		});
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
	}

	entries(): Array<Record<string, unknown>> {
		return this.bodies.flatMap((body) => body.value);
	}

	async stop(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}
}

async function until(probe: () => boolean, timeoutMs = 5_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!probe()) {
		if (Date.now() > deadline) throw new Error('timed out');
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

describe('change-notification subscriptions', () => {
	let emulator: Emulator;
	let receiver: Receiver;
	let adele: string;
	const inIso = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
	const subscribe = (overrides: Record<string, unknown> = {}, token = adele) =>
		graph(emulator, '/subscriptions', {
			token,
			body: {
				changeType: 'created',
				notificationUrl: receiver.url,
				lifecycleNotificationUrl: receiver.url,
				resource: "me/mailFolders('inbox')/messages",
				expirationDateTime: inIso(60),
				clientState: 'secret-123',
				...overrides,
			},
		});

	beforeAll(async () => {
		emulator = await startTestEmulator();
		adele = await accessTokenFor(emulator, ADELE);
	});
	afterAll(() => emulator.stop());
	beforeEach(async () => {
		emulator.control.clearFaults();
		receiver = new Receiver();
		await receiver.start();
	});
	afterEach(async () => {
		for (const sub of emulator.control.subscriptions())
			emulator.control.subscriptionLifecycle('subscriptionRemoved', String(sub.id));
		await receiver.stop();
	});

	it('validates both URLs before answering 201, then POSTs a created notification per new inbox mail', async () => {
		const created = await subscribe();
		expect(created.status).toBe(201);
		const sub = (await created.json()) as Record<string, string>;
		expect(receiver.validations).toHaveLength(2);
		expect(sub).toMatchObject({
			changeType: 'created',
			clientState: 'secret-123',
			notificationUrl: receiver.url,
		});

		const id = emulator.control.deliver(ADELE, 'inbox', { subject: 'one' });
		emulator.control.deliver(ADELE, 'drafts', { subject: 'not watched' });
		await until(() => receiver.entries().length >= 1);
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(receiver.entries()).toEqual([
			expect.objectContaining({
				subscriptionId: sub.id,
				changeType: 'created',
				clientState: 'secret-123',
				tenantId: expect.any(String),
				subscriptionExpirationDateTime: sub.expirationDateTime,
				resourceData: expect.objectContaining({ id, '@odata.type': '#Microsoft.Graph.Message' }),
			}),
		]);
	});

	it('refuses a subscription whose endpoint does not echo the token as text/plain, or an expiry beyond 10,080 minutes', async () => {
		receiver.validation = 'wrong';
		const wrong = await subscribe();
		expect(wrong.status).toBe(400);
		expect(((await wrong.json()) as { error: { message: string } }).error.message).toMatch(
			/Subscription validation request failed/,
		);
		receiver.validation = 'html';
		expect((await subscribe()).status).toBe(400);
		receiver.validation = 'echo';
		const tooLong = await subscribe({ expirationDateTime: inIso(10_081) });
		expect(tooLong.status).toBe(400);
		expect(((await tooLong.json()) as { error: { message: string } }).error.message).toMatch(
			/10080 minutes/,
		);
		expect((await subscribe({ expirationDateTime: inIso(10_079) })).status).toBe(201);
		expect((await subscribe({ notificationUrl: 'http://example.com/hook' })).status).toBe(400);
		const foreign = await subscribe({ notificationUrl: 'https://example.com/hook' });
		expect(((await foreign.json()) as { error: { message: string } }).error.message).toMatch(
			/loopback/,
		);
		expect(emulator.control.subscriptions()).toHaveLength(1);
	});

	it("renews with PATCH, deletes with DELETE, lists only the caller's own; a lapsed one is gone", async () => {
		const sub = (await (await subscribe({ expirationDateTime: inIso(0.02) })).json()) as Record<
			string,
			string
		>;
		const renewed = await graph(emulator, `/subscriptions/${sub.id}`, {
			method: 'PATCH',
			token: adele,
			body: { expirationDateTime: inIso(120) },
		});
		expect(renewed.status).toBe(200);
		await new Promise((resolve) => setTimeout(resolve, 1_500));
		const listed = (await (await graph(emulator, '/subscriptions', { token: adele })).json()) as {
			value: unknown[];
		};
		expect(listed.value).toHaveLength(1);
		expect(
			(
				await graph(emulator, `/subscriptions/${sub.id}`, {
					method: 'PATCH',
					token: adele,
					body: { expirationDateTime: inIso(20_000) },
				})
			).status,
		).toBe(400);
		expect(
			(await graph(emulator, `/subscriptions/${sub.id}`, { method: 'DELETE', token: adele }))
				.status,
		).toBe(204);
		expect((await graph(emulator, `/subscriptions/${sub.id}`, { token: adele })).status).toBe(404);

		const lapsing = (await (await subscribe({ expirationDateTime: inIso(0.02) })).json()) as Record<
			string,
			string
		>;
		await new Promise((resolve) => setTimeout(resolve, 1_500));
		expect((await graph(emulator, `/subscriptions/${lapsing.id}`, { token: adele })).status).toBe(
			404,
		);
		emulator.control.deliver(ADELE, 'inbox', { subject: 'after lapse' });
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(receiver.entries()).toEqual([]);
	});

	it('refuses a subscription to mail without a mail read scope', async () => {
		const profileOnly = await accessTokenFor(emulator, ADELE, ['openid', 'User.Read']);
		expect((await subscribe({}, profileOnly)).status).toBe(403);
		expect(receiver.validations).toEqual([]);
	});

	it('sends lifecycle events to the lifecycle URL; subscriptionRemoved deletes the subscription', async () => {
		const sub = (await (await subscribe()).json()) as Record<string, string>;
		expect(emulator.control.subscriptionLifecycle('missed', sub.id)).toBe(1);
		expect(emulator.control.subscriptionLifecycle('subscriptionRemoved', sub.id)).toBe(1);
		await until(() => receiver.entries().length >= 2);
		expect(receiver.entries().map((e) => e.lifecycleEvent)).toEqual([
			'missed',
			'subscriptionRemoved',
		]);
		expect(receiver.entries().every((e) => e.clientState === 'secret-123')).toBe(true);
		expect(emulator.control.subscriptions()).toEqual([]);
	});

	it('notification faults drop, duplicate, delay and reorder POSTs', async () => {
		await subscribe();
		const subjectOf = (entry: Record<string, unknown>) =>
			String((entry.resourceData as { id: string }).id);
		emulator.control.injectFault([
			{ route: 'notification', kind: 'notificationDrop', times: 1 },
			{ route: 'notification', kind: 'notificationDuplicate', times: 1 },
		]);
		const dropped = emulator.control.deliver(ADELE, 'inbox', { subject: 'dropped' });
		const doubled = emulator.control.deliver(ADELE, 'inbox', { subject: 'doubled' });
		await until(() => receiver.entries().length >= 2);
		expect(receiver.entries().map(subjectOf)).toEqual([doubled, doubled]);
		expect(receiver.entries().map(subjectOf)).not.toContain(dropped);

		receiver.bodies.length = 0;
		emulator.control.injectFault({
			route: 'notification',
			kind: 'notificationReorder',
			times: 1,
			delayMs: 5_000,
		});
		const first = emulator.control.deliver(ADELE, 'inbox', { subject: 'first' });
		const second = emulator.control.deliver(ADELE, 'inbox', { subject: 'second' });
		await until(() => receiver.entries().length >= 2);
		expect(receiver.entries().map(subjectOf)).toEqual([second, first]);

		receiver.bodies.length = 0;
		emulator.control.injectFault({
			route: 'notification',
			kind: 'notificationDelay',
			times: 1,
			delayMs: 400,
		});
		const started = Date.now();
		emulator.control.deliver(ADELE, 'inbox', { subject: 'late' });
		await until(() => receiver.entries().length >= 1);
		expect(Date.now() - started).toBeGreaterThanOrEqual(390);
	});
});

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

interface SubResponse {
	id: string;
	status: number;
	headers: Record<string, string>;
	body?: { error?: { code: string; message: string } } & Record<string, unknown>;
}

describe('$batch', () => {
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
		emulator.control.setOptions({ serverTimeMs: 0 });
	});

	async function batch(
		requests: unknown[],
		token = adele,
	): Promise<{
		status: number;
		responses: SubResponse[];
		error?: { code: string; message: string };
	}> {
		const response = await graph(emulator, '/$batch', { token, body: { requests } });
		const body = (await response.json()) as {
			responses: SubResponse[];
			error?: { code: string; message: string };
		};
		return { status: response.status, responses: body.responses, error: body.error };
	}
	/** The sub-response with this id; one that is missing fails the test right there. */
	const byId =
		(responses: SubResponse[]) =>
		(id: string): SubResponse => {
			const found = responses.find((r) => r.id === id);
			if (!found)
				throw new Error(`no sub-response ${id} (got ${responses.map((r) => r.id).join(', ')})`);
			return found;
		};
	const get = (id: string, url = '/me/messages', extra: Record<string, unknown> = {}) => ({
		id,
		method: 'GET',
		url,
		...extra,
	});
	const send = (id: string, subject: string, extra: Record<string, unknown> = {}) => ({
		id,
		method: 'POST',
		url: '/me/sendMail',
		headers: { 'Content-Type': 'application/json' },
		body: sendMailBody(ALEX, subject),
		...extra,
	});

	it('runs sub-requests and answers 200 with one response each', async () => {
		const { status, responses } = await batch([get('1', '/me'), send('2', 'batched'), get('3')]);
		expect(status).toBe(200);
		const map = byId(responses);
		expect(map('1').status).toBe(200);
		expect(map('1').headers['Content-Type']).toMatch(/^application\/json/);
		expect(map('1').body?.userPrincipalName).toBe(ADELE);
		expect(map('2').status).toBe(202);
		expect(map('2').body).toBeUndefined();
		expect(map('3').status).toBe(200);
		const counters = emulator.control.counters();
		expect(counters.requests).toBe(1);
		expect(counters.requestsByRoute).toEqual({ batch: 1, me: 1, sendMail: 1, listMessages: 1 });
		expect(counters.delivered).toBe(1);
	});

	it('refuses more than 20 requests, duplicate ids and malformed payloads with 400', async () => {
		const many = Array.from({ length: 21 }, (_, i) => get(String(i + 1)));
		const tooMany = await batch(many);
		expect(tooMany.status).toBe(400);
		expect(tooMany.error?.code).toBe('BadRequest');
		expect((await batch(many.slice(0, 20))).status).toBe(200);
		expect((await batch([get('1'), get('1')])).status).toBe(400);
		expect((await batch([{ id: '1', url: '/me' }])).status).toBe(400);
		const notJson = await graph(emulator, '/$batch', { token: adele, body: '{nope' });
		expect(notJson.status).toBe(400);
	});

	it('accepts only the documented dependsOn patterns', async () => {
		expect(
			(
				await batch([
					get('1'),
					get('2', '/me', { dependsOn: ['1'] }),
					get('3', '/me', { dependsOn: ['2'] }),
				])
			).status,
		).toBe(200);
		expect(
			(
				await batch([
					get('1'),
					get('2', '/me', { dependsOn: ['1'] }),
					get('3', '/me', { dependsOn: ['1'] }),
				])
			).status,
		).toBe(200);
		// Serial chain declared out of order is still a chain.
		expect(
			(
				await batch([
					get('b', '/me', { dependsOn: ['a'] }),
					get('a'),
					get('c', '/me', { dependsOn: ['b'] }),
				])
			).status,
		).toBe(200);
		// Two roots, a request with two dependencies, an unknown id, a cycle: all 400.
		expect((await batch([get('1'), get('2'), get('3', '/me', { dependsOn: ['1'] })])).status).toBe(
			400,
		);
		expect(
			(
				await batch([
					get('1'),
					get('2', '/me', { dependsOn: ['1'] }),
					get('3', '/me', { dependsOn: ['1', '2'] }),
				])
			).status,
		).toBe(400);
		expect((await batch([get('1'), get('2', '/me', { dependsOn: ['9'] })])).status).toBe(400);
		expect(
			(
				await batch([
					get('1'),
					get('2', '/me', { dependsOn: ['3'] }),
					get('3', '/me', { dependsOn: ['2'] }),
				])
			).status,
		).toBe(400);
		// A tree that is neither a chain nor "all on the same".
		expect(
			(
				await batch([
					get('1'),
					get('2', '/me', { dependsOn: ['1'] }),
					get('3', '/me', { dependsOn: ['1'] }),
					get('4', '/me', { dependsOn: ['2'] }),
				])
			).status,
		).toBe(400);
	});

	it('a failed dependency gives 424 down the chain, and serial order is respected', async () => {
		const { responses } = await batch([
			get('1', '/users/nobody@contoso.onmicrosoft.com/messages'),
			send('2', 'never', { dependsOn: ['1'] }),
			get('3', '/me', { dependsOn: ['2'] }),
		]);
		const map = byId(responses);
		expect(map('1').status).toBe(404);
		expect(map('2').status).toBe(424);
		expect(map('3').status).toBe(424);
		expect(map('2').body?.error?.code).toBe('FailedDependency');
		expect(emulator.control.counters().delivered).toBe(0);

		const serial = await batch([
			send('a', 's1'),
			send('b', 's2', { dependsOn: ['a'] }),
			send('c', 's3', { dependsOn: ['b'] }),
		]);
		expect(serial.responses.map((r) => r.id)).toEqual(['a', 'b', 'c']);
	});

	it('a body needs a Content-Type, and a write needs a body', async () => {
		const { status, responses } = await batch([
			{ id: '1', method: 'POST', url: '/me/sendMail', body: sendMailBody(ALEX) },
			{ id: '2', method: 'POST', url: '/me/messages/abc/send' },
			{
				id: '3',
				method: 'POST',
				url: 'me/sendMail',
				headers: { 'content-type': 'application/json' },
				body: sendMailBody(ALEX),
			},
			{ id: '4', method: 'GET', url: 'https://graph.microsoft.com/v1.0/me' },
		]);
		expect(status).toBe(200);
		const map = byId(responses);
		expect(map('1').status).toBe(400);
		expect(map('1').body?.error).toMatchObject({
			code: 'BadRequest',
			message: 'Write request id : 1 does not contain Content-Type header or body.',
		});
		expect(map('2').status).toBe(400);
		expect(map('2').body?.error?.message).toBe(
			'Write request id : 2 does not contain Content-Type header or body.',
		);
		expect(map('3').status).toBe(202);
		expect(map('4').status).toBe(400);
	});

	it('checks scopes per sub-request', async () => {
		const readOnly = await accessTokenFor(emulator, ADELE, ['Mail.Read']);
		const map = byId((await batch([get('1'), send('2', 'x')], readOnly)).responses);
		expect(map('1').status).toBe(200);
		expect(map('2').status).toBe(403);
	});

	it('runs at most 4 sub-requests of one batch at a time per mailbox; the rest wait (no 429)', async () => {
		emulator.control.setOptions({ serverTimeMs: 100 });
		const started = Date.now();
		const { responses } = await batch(Array.from({ length: 12 }, (_, i) => get(String(i + 1))));
		const elapsed = Date.now() - started;
		expect(responses.map((r) => r.status)).toEqual(Array(12).fill(200));
		expect(elapsed).toBeGreaterThanOrEqual(290);
		const counters = emulator.control.counters();
		expect(counters.peakInFlightByMailbox[emulator.mail.findUser(ADELE)!.id]).toBe(4);
		expect(counters.throttled429).toBe(0);
	});

	it('sub-requests above the mailbox cap because of other requests get 429 sub-responses with Retry-After', async () => {
		emulator.control.setOptions({ serverTimeMs: { listMessages: 800, me: 0 } });
		const slow = Array.from({ length: 4 }, () => graph(emulator, '/me/messages', { token: adele }));
		// Wait until the four slow requests hold every slot of the mailbox.
		const adeleId = emulator.mail.findUser(ADELE)!.id;
		while ((emulator.control.counters().peakInFlightByMailbox[adeleId] ?? 0) < 4)
			await new Promise((resolve) => setTimeout(resolve, 10));
		const { status, responses } = await batch([
			get('1', '/me'),
			get('2', '/me'),
			send('3', 'throttled'),
		]);
		expect(status).toBe(200);
		for (const response of responses) {
			expect(response.status).toBe(429);
			expect(response.headers['Retry-After']).toBe('1');
			expect(response.body?.error?.code).toBe('TooManyRequests');
		}
		expect((await Promise.all(slow)).map((r) => r.status)).toEqual([200, 200, 200, 200]);
		expect(emulator.control.counters().delivered).toBe(0);
	});

	it('inBatch faults become sub-responses; faults without inBatch skip sub-requests', async () => {
		emulator.control.injectFault([
			{ kind: '503', route: 'me' },
			{ kind: '429', route: 'sendMail', retryAfter: '7', inBatch: true },
		]);
		const map = byId((await batch([get('1', '/me'), send('2', 'x'), get('3')])).responses);
		expect(map('1').status).toBe(200);
		expect(map('2').status).toBe(429);
		expect(map('2').headers['Retry-After']).toBe('7');
		expect(map('3').status).toBe(200);
		// The 503 fault is still there for a top-level request.
		expect((await graph(emulator, '/me', { token: adele })).status).toBe(503);
	});

	it('responses come in completion order', async () => {
		emulator.control.injectFault({ kind: 'latency', delayMs: 150, route: 'me', inBatch: true });
		const { responses } = await batch([get('1', '/me'), get('2'), get('3')]);
		expect(responses.map((r) => r.id)).toEqual(['2', '3', '1']);
	});

	it('lostResponse inside a batch: the batch commits, the answer is lost; reset commits nothing', async () => {
		const post = (requests: unknown[]) =>
			rawRequest(`${emulator.graphBaseUrl}/v1.0/$batch`, {
				method: 'POST',
				headers: { Authorization: `Bearer ${adele}`, 'Content-Type': 'application/json' },
				body: JSON.stringify({ requests }),
			});
		emulator.control.injectFault({ kind: 'lostResponse', route: 'sendMail', inBatch: true });
		await expect(post([send('1', 'a'), send('2', 'b')])).rejects.toThrow(
			/ECONNRESET|socket hang up/,
		);
		expect(emulator.control.counters().delivered).toBe(2);

		emulator.control.injectFault({ kind: 'reset', route: 'sendMail', inBatch: true });
		await expect(post([get('1', '/me'), send('2', 'c')])).rejects.toThrow(
			/ECONNRESET|socket hang up/,
		);
		expect(emulator.control.counters().delivered).toBe(2);
		expect(emulator.control.counters().requestsByRoute.me).toBeUndefined();
	});

	it('a fault on the batch route applies to the whole batch', async () => {
		emulator.control.injectFault({ kind: '429', route: 'batch', retryAfter: '4' });
		const response = await graph(emulator, '/$batch', {
			token: adele,
			body: { requests: [get('1')] },
		});
		expect(response.status).toBe(429);
		expect(response.headers.get('retry-after')).toBe('4');
	});
});

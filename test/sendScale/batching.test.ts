/**
 * Send at scale: `$batch` splitting (20 per batch, under ~4 MB), every sub-request's answer mapped
 * to its own item in input order, the in-flight cap per mailbox (the emulator counts the peak),
 * and mailboxes in parallel.
 */
import { setBinaryMode, storeBinary } from '../harness/binaryData';
import {
	ADELE,
	ALEX,
	deliveries,
	KEY_ID,
	mailItems,
	peakInFlight,
	perItemParams,
	quiet,
	run,
	runOk,
	sendBatches,
	sentCopies,
	startScaleEnvironment,
	subRequestCount,
	uniqueSubject,
	type SendEnvironment,
} from './support';

let env: SendEnvironment;

beforeAll(async () => {
	await setBinaryMode('default');
	env = await startScaleEnvironment();
});
afterAll(async () => {
	await env.stop();
});
beforeEach(() => quiet(env));

describe('$batch', () => {
	it('sends serial chains (dependsOn), one per in-flight slot, and returns every item in input order, once', async () => {
		const subject = uniqueSubject('Split 20');
		const items = await runOk(env, perItemParams(), { items: mailItems(45, subject) });
		// 45 mails, 4 slots: 4 chains of 11 or 12 (whole rounds of chains of at most 20).
		expect(sendBatches(env).map(subRequestCount).sort()).toEqual([11, 11, 11, 12]);
		for (const batch of sendBatches(env)) {
			const requests = batch.json!.requests as Array<{ id: string; dependsOn?: string[] }>;
			expect(requests.map((request) => request.dependsOn)).toEqual([
				undefined,
				...requests.slice(0, -1).map((request) => [request.id]),
			]);
		}
		// The look before sending: what the mailbox got since the run began, one GET (the 90 message
		// ids, 14 per filter, would take 7).
		const lookups = env.recorded.filter((r) => !sendBatches(env).includes(r));
		expect(lookups.map((r) => [r.method, decodeURIComponent(r.path).split('&')[0]])).toEqual([
			[
				'GET',
				expect.stringMatching(/\/messages\?\$filter=createdDateTime ge \d{4}-\d\d-\d\dT[\d:]+Z$/),
			],
		]);
		expect(env.recorded).toHaveLength(5);
		expect(items.map((item) => item.pairedItem)).toEqual(
			Array.from({ length: 45 }, (_, i) => ({ item: i })),
		);
		expect(items.map((item) => item.json.status)).toEqual(Array(45).fill('sent'));
		expect(
			items.every(
				(item) =>
					KEY_ID.test(String(item.json.internetMessageId)) && item.json.alreadySent === false,
			),
		).toBe(true);
		expect(deliveries(env)).toEqual({ delivered: 45, duplicates: 0 });
		const copies = sentCopies(env, subject);
		expect(copies.size).toBe(45);
		expect([...copies.values()].every((count) => count === 1)).toBe(true);
	});

	it('splits at the size limit: every batch under 4 MB', async () => {
		const subject = uniqueSubject('Split size');
		const file = await storeBinary(Buffer.alloc(1_000_000, 7), { fileName: 'one-mb.bin' });
		// One slot: one chain of 5 mails, cut by size.
		const items = await runOk(
			env,
			perItemParams(
				{ attachments: { attachment: [{ binaryPropertyName: 'data' }] } },
				{ maxInFlightPerMailbox: 1 },
			),
			{
				items: mailItems(5, subject).map((item) => ({ ...item, binary: { data: file } })),
			},
		);
		expect(items.map((item) => item.json.method)).toEqual(Array(5).fill('sendMail'));
		const batches = sendBatches(env);
		expect(batches.map(subRequestCount)).toEqual([2, 2, 1]);
		expect(
			batches.every((batch) => batch.bodyBytes < 3.6 * 1024 * 1024 && batch.status === 200),
		).toBe(true);
		expect(deliveries(env)).toEqual({ delivered: 5, duplicates: 0 });
	});

	it('maps mixed answers (202, 400, 403, 429 then 202) to the right items', async () => {
		env.emulator.control.injectFault({
			route: 'sendMail',
			kind: '429',
			retryAfter: '0.2',
			times: 2,
			inBatch: true,
		});
		const subject = uniqueSubject('Mixed');
		const items = mailItems(6, subject, (i) =>
			i === 1 ? { to: 'someone@[10.0.0.1]' } : i === 3 ? { from: ALEX.userPrincipalName } : {},
		);
		const result = await run(env, perItemParams(), { items, continueOnFail: true });
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.pairedItem)).toEqual(
			Array.from({ length: 6 }, (_, i) => ({ item: i })),
		);
		expect(result.items.map((item) => item.json.status ?? item.json.error)).toEqual([
			'sent',
			expect.stringMatching(
				/^To: Graph refused a recipient: At least one recipient isn't valid.*\[item 1\]$/,
			),
			'sent',
			`From: the connected account has no Send As or Send on Behalf permission on '${ALEX.userPrincipalName}' [item 3]`,
			'sent',
			'sent',
		]);
		const statuses = env.graphRequests('POST', /\/sendMail$/).map((r) => r.status);
		expect(statuses.filter((status) => status === 429)).toHaveLength(2);
		expect(statuses.filter((status) => status === 202)).toHaveLength(4);
		expect(deliveries(env)).toEqual({ delivered: 4, duplicates: 0 });
		expect([...sentCopies(env, subject).keys()].sort()).toEqual(
			[0, 2, 4, 5].map((i) => `${subject} ${i}`),
		);
	});

	it('a single mail is a plain request, not a batch', async () => {
		await runOk(env, perItemParams(), { items: mailItems(1, uniqueSubject('Single')) });
		expect(env.recorded.map((r) => `${r.method} ${r.path.replace(/\?.*/, '')}`)).toEqual([
			'GET /me/messages',
			'POST /me/sendMail',
		]);
	});
});

describe('requests in flight per mailbox', () => {
	it('never more than 4 (the emulator refuses the fifth with 429, none came)', async () => {
		env.emulator.control.setOptions({ serverTimeMs: { sendMail: 40 } });
		const subject = uniqueSubject('Cap 4');
		await runOk(env, perItemParams(), { items: mailItems(24, subject) });
		expect(peakInFlight(env)).toBe(4);
		expect(env.emulator.control.counters().throttled429).toBe(0);
		expect(deliveries(env)).toEqual({ delivered: 24, duplicates: 0 });
	});

	it('a lower cap holds: fewer chains at once', async () => {
		env.emulator.control.setOptions({ serverTimeMs: { sendMail: 40 } });
		const subject = uniqueSubject('Cap 2');
		await runOk(env, perItemParams({}, { maxInFlightPerMailbox: 2 }), {
			items: mailItems(9, subject),
		});
		expect(peakInFlight(env)).toBe(2);
		expect(sendBatches(env).map(subRequestCount).sort()).toEqual([4, 5]);
		expect(deliveries(env)).toEqual({ delivered: 9, duplicates: 0 });
	});

	it('draft-path items run a few at a time, within the cap', async () => {
		env.emulator.control.setOptions({ serverTimeMs: { createMessage: 40, sendDraft: 40 } });
		const subject = uniqueSubject('Drafts');
		const items = await runOk(env, perItemParams({ returnDetails: true }), {
			items: mailItems(10, subject),
		});
		expect(items.map((item) => item.json.method)).toEqual(Array(10).fill('draft'));
		expect(
			items.every(
				(item) =>
					KEY_ID.test(String(item.json.internetMessageId)) &&
					typeof item.json.messageId === 'string',
			),
		).toBe(true);
		expect(peakInFlight(env)).toBe(4);
		expect(env.emulator.control.counters().throttled429).toBe(0);
		expect(deliveries(env)).toEqual({ delivered: 10, duplicates: 0 });

		quiet(env);
		env.emulator.control.setOptions({ serverTimeMs: { createMessage: 20, sendDraft: 20 } });
		await runOk(env, perItemParams({ returnDetails: true }, { maxInFlightPerMailbox: 1 }), {
			items: mailItems(4, uniqueSubject('Drafts 1')),
		});
		expect(peakInFlight(env)).toBe(1);
	});

	it('mailboxes proceed in parallel, each within its own cap', async () => {
		const shared = [1, 2].map((n) => {
			const user = env.emulator.control.addUser({
				userPrincipalName: `bulk${n}-${Date.now()}@contoso.onmicrosoft.com`,
				displayName: `Bulk ${n}`,
			});
			env.emulator.control.grant({
				mailboxId: user.id,
				delegateId: ADELE.id,
				fullAccess: true,
				sendAs: true,
			});
			return user;
		});
		env.emulator.control.setOptions({ serverTimeMs: { sendMail: 300 } });
		const subject = uniqueSubject('Parallel');
		const mailboxes = ['', shared[0]!.userPrincipalName, shared[1]!.userPrincipalName];
		const started = Date.now();
		const items = await runOk(env, perItemParams(), {
			items: mailItems(12, subject, (i) => ({ mailbox: mailboxes[i % 3] })),
		});
		const elapsed = Date.now() - started;
		expect(items.map((item) => item.json.mailbox)).toEqual(
			Array.from({ length: 12 }, (_, i) => mailboxes[i % 3] || 'me'),
		);
		// Four sends per mailbox run at once (300 ms); one mailbox after the other would take 900 ms.
		expect(elapsed).toBeLessThan(850);
		for (const userId of [ADELE.id, ...shared.map((user) => user.id)])
			expect(peakInFlight(env, userId)).toBe(4);
		// Per mailbox 4 mails in 4 one-mail chains.
		expect(sendBatches(env).map(subRequestCount)).toEqual(Array(12).fill(1));
		expect(deliveries(env)).toEqual({ delivered: 12, duplicates: 0 });
		expect(sentCopies(env, subject, shared[1]!.id).size).toBe(4);
	});
});

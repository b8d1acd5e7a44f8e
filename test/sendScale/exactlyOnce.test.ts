/**
 * Exactly Once: under every fault kind -- on the `$batch`, on its sub-requests, on a single send and
 * on the draft path -- every mail is delivered once (the emulator counts deliveries and
 * duplicates); Retry On Fail after a mid-run failure and a Retry of the failed execution send
 * nothing twice and say which mails they skipped, while a new execution sends again. And its
 * limits: switched off, repeats go out; without a Sent Items copy a lost answer stays an error
 * rather than a blind re-send.
 */
import type { FaultSpec } from '../../emulator/contract';
import { setBinaryMode } from '../harness/binaryData';
import {
	ADELE,
	ALEX,
	deliveries,
	mailItems,
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

function expectOnceEach(subject: string, n: number): void {
	expect(deliveries(env)).toEqual({ delivered: n, duplicates: 0 });
	const copies = sentCopies(env, subject);
	expect(copies.size).toBe(n);
	expect([...copies.values()].every((count) => count === 1)).toBe(true);
}

type Case = [string, FaultSpec, number];

describe('every mail once, whatever the fault', () => {
	const N = 5;
	it.each<Case>([
		// [label, fault, sendMail sub-requests the emulator ran]
		['429 on the $batch', { route: 'batch', kind: '429', retryAfter: '0.1' }, N],
		['503 on the $batch', { route: 'batch', kind: '503', retryAfter: '0.1' }, N],
		['504 on the $batch (nothing ran; looked up, sent)', { route: 'batch', kind: '504' }, N],
		['connection reset before the $batch ran', { route: 'batch', kind: 'reset' }, N],
		[
			'$batch answer lost after it ran (looked up, not sent again)',
			{ route: 'batch', kind: 'lostResponse' },
			N,
		],
		[
			'429 on one sub-request',
			{ route: 'sendMail', kind: '429', retryAfter: '0.1', inBatch: true },
			N + 1,
		],
		['503 on one sub-request', { route: 'sendMail', kind: '503', inBatch: true }, N + 1],
		['504 on one sub-request', { route: 'sendMail', kind: '504', inBatch: true }, N + 1],
		['reset triggered by a sub-request', { route: 'sendMail', kind: 'reset', inBatch: true }, N],
		[
			'lostResponse triggered by a sub-request',
			{ route: 'sendMail', kind: 'lostResponse', inBatch: true },
			N,
		],
	])('%s', async (_label, fault, ranSendMail) => {
		env.emulator.control.injectFault(fault);
		const subject = uniqueSubject(`Fault ${fault.kind}`);
		const items = await runOk(env, perItemParams(), { items: mailItems(N, subject) });
		expect(items.map((item) => [item.json.status, item.json.alreadySent])).toEqual(
			Array(N).fill(['sent', false]),
		);
		expect(items.map((item) => item.pairedItem)).toEqual(
			Array.from({ length: N }, (_, i) => ({ item: i })),
		);
		expect(env.emulator.control.counters().faultsServed[fault.kind]).toBe(1);
		expect(env.emulator.control.counters().requestsByRoute.sendMail).toBe(ranSendMail);
		expectOnceEach(subject, N);
	});

	it.each<Case>([
		['429', { route: 'sendMail', kind: '429', retryAfter: '0.1' }, 1],
		['503', { route: 'sendMail', kind: '503' }, 2],
		['504 (looked up, sent)', { route: 'sendMail', kind: '504' }, 2],
		['reset before it ran', { route: 'sendMail', kind: 'reset' }, 1],
		[
			'answer lost after it ran (looked up, not sent again)',
			{ route: 'sendMail', kind: 'lostResponse' },
			1,
		],
	])('a single send: %s', async (_label, fault, deliveredBeforeAnswer) => {
		env.emulator.control.injectFault(fault);
		const subject = uniqueSubject(`Single ${fault.kind}`);
		const items = await runOk(env, perItemParams(), { items: mailItems(1, subject) });
		expect(items[0]!.json).toMatchObject({ status: 'sent', alreadySent: false });
		expect(env.graphRequests('POST', /\/sendMail$/).length).toBeGreaterThanOrEqual(
			deliveredBeforeAnswer,
		);
		expectOnceEach(subject, 1);
	});

	it.each<Case>([
		[
			'send answer lost (the draft is gone from Drafts: sent)',
			{ route: 'sendDraft', kind: 'lostResponse' },
			1,
		],
		['504 on the send (still a draft: sent again)', { route: 'sendDraft', kind: '504' }, 2],
		[
			'draft creation answer lost (that draft deleted, created again)',
			{ route: 'createMessage', kind: 'lostResponse' },
			1,
		],
	])('the draft path: %s', async (_label, fault, sendDrafts) => {
		env.emulator.control.injectFault(fault);
		const subject = uniqueSubject(`Draft ${fault.kind}`);
		const items = await runOk(env, perItemParams({ returnDetails: true }), {
			items: mailItems(2, subject),
		});
		expect(items.map((item) => [item.json.status, item.json.method])).toEqual([
			['sent', 'draft'],
			['sent', 'draft'],
		]);
		expect(env.graphRequests('POST', /\/send$/)).toHaveLength(2 + sendDrafts - 1);
		expectOnceEach(subject, 2);
		expect(env.folder(ADELE.id, 'drafts').filter((m) => m.subject.startsWith(subject))).toEqual([]);
	});

	it('10% random faults of every kind over 60 mails: all delivered once', async () => {
		env.emulator.control.injectFault([
			{ route: 'sendMail', kind: '429', retryAfter: '0.05', probability: 0.04, inBatch: true },
			{ route: 'sendMail', kind: '503', retryAfter: '0.05', probability: 0.03, inBatch: true },
			{ route: 'sendMail', kind: 'reset', probability: 0.015, inBatch: true },
			{ route: 'sendMail', kind: 'lostResponse', probability: 0.015, inBatch: true },
		]);
		const subject = uniqueSubject('Random faults');
		const items = await runOk(env, perItemParams(), { items: mailItems(60, subject) });
		expect(items.every((item) => item.json.status === 'sent')).toBe(true);
		expectOnceEach(subject, 60);
	});
});

describe('running again sends nothing twice', () => {
	it('Retry On Fail after a mid-run failure: the retry skips what was sent and finishes the rest', async () => {
		// Item 4 goes the draft path; its send is throttled once (no retries allowed), which fails the node.
		env.emulator.control.injectFault({ route: 'sendDraft', kind: '429', retryAfter: '0.1' });
		const subject = uniqueSubject('Retry on fail');
		const result = await run(
			env,
			perItemParams({ returnDetails: '={{ $json.n === 3 }}' }, { maxAttempts: 1 }),
			{
				items: mailItems(6, subject),
				retryOnFail: true,
				maxTries: 2,
			},
		);
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => [item.json.status, item.json.alreadySent])).toEqual([
			['skipped', true],
			['skipped', true],
			['skipped', true],
			['sent', false],
			['skipped', true],
			['skipped', true],
		]);
		expect(result.items[0]!.json.messageId).toEqual(expect.any(String));
		expect(result.items[0]!.json.skippedBecause).toMatch(
			/^This execution already sent this mail at .+, before a retry; it was not sent again$/,
		);
		expect(result.hints).toEqual([
			expect.objectContaining({
				type: 'warning',
				message: expect.stringMatching(/^5 mails were not sent again \(items 0, 1, 2, 4 and 5\)/),
			}),
		]);
		expectOnceEach(subject, 6);
	});

	it('Retry On Fail with an item that keeps failing: stops at it each time, sends nothing twice', async () => {
		const subject = uniqueSubject('Keeps failing');
		const items = mailItems(5, subject, (i) => (i === 2 ? { from: ALEX.userPrincipalName } : {}));
		const result = await run(env, perItemParams({}, { maxInFlightPerMailbox: 1 }), {
			items,
			retryOnFail: true,
			maxTries: 2,
		});
		expect(result.error?.message).toBe(
			`From: the connected account has no Send As or Send on Behalf permission on '${ALEX.userPrincipalName}' [item 2]`,
		);
		expect(result.error?.description).toMatch(
			/Items 3 and 4 were not sent: the node stopped at this error\./,
		);
		// First try: items 1, 2 sent, 3 refused, the rest never ran (424 in the chain); second try: 1, 2 found, 3 refused again.
		expect(
			env
				.graphRequests('POST', /\/sendMail$/)
				.map((r) => r.status)
				.filter((status) => status !== 424),
		).toEqual([202, 202, 403, 403]);
		expectOnceEach(subject, 2);
	});

	it('a new execution (Execute again in the editor, a new trigger) sends the same mails again', async () => {
		const subject = uniqueSubject('New execution');
		const items = mailItems(3, subject);
		await runOk(env, perItemParams(), { items, executionId: 'first-execution' });
		const again = await run(env, perItemParams(), { items, executionId: 'second-execution' });
		expect(again.items.map((item) => [item.json.status, item.json.alreadySent])).toEqual(
			Array(3).fill(['sent', false]),
		);
		expect(again.hints).toEqual([]);
		expect(deliveries(env)).toEqual({ delivered: 6, duplicates: 3 });
	});

	it('Same Work Key: a new execution of the same work (after a crash n8n cannot retry) sends only what is missing; another key sends', async () => {
		const subject = uniqueSubject('Same work');
		const items = mailItems(6, subject);
		// The first execution died after sending items 0-2 (here: it only had those).
		await runOk(env, perItemParams({}, { workKey: 'campaign-42' }), {
			items: items.slice(0, 3),
			executionId: 'killed-execution',
		});
		env.clear();
		const again = await run(env, perItemParams({}, { workKey: '={{ "campaign-" + 42 }}' }), {
			items,
			executionId: 'new-execution',
		});
		expect(again.items.map((item) => [item.json.status, item.json.alreadySent])).toEqual([
			...Array(3).fill(['skipped', true]),
			...Array(3).fill(['sent', false]),
		]);
		expect(deliveries(env)).toEqual({ delivered: 3, duplicates: 0 });
		env.clear();
		const other = await run(env, perItemParams({}, { workKey: 'campaign-43' }), {
			items,
			executionId: 'third-execution',
		});
		expect(other.items.map((item) => item.json.status)).toEqual(Array(6).fill('sent'));
	});

	it("n8n's Retry of a failed execution (a new execution carrying the failed one's custom data) sends nothing twice", async () => {
		const subject = uniqueSubject('Retried execution');
		const items = mailItems(8, subject);
		const first = await run(env, perItemParams(), { items, executionId: 'failed-execution' });
		expect(deliveries(env).delivered).toBe(8);
		const customData = first.run.data.resultData.metadata as Record<string, string>;
		expect(customData).toEqual({
			graphMailSendRun: 'failed-execution',
			graphMailSendRunAt: expect.stringMatching(/^\d{13}$/),
		});
		env.clear();
		const again = await run(env, perItemParams(), {
			items,
			executionId: 'retry-execution',
			mode: 'retry',
			customData,
		});
		expect(again.items.map((item) => [item.json.status, item.json.alreadySent])).toEqual(
			Array(8).fill(['skipped', true]),
		);
		expect(
			again.items.every(
				(item) =>
					typeof item.json.messageId === 'string' && typeof item.json.sentDateTime === 'string',
			),
		).toBe(true);
		expect(again.hints.map((hint) => hint.message)).toEqual([
			expect.stringMatching(
				/^8 mails were not sent again \(items 0, 1, 2, 3, 4, 5, 6 and 7\): this execution had already sent them/,
			),
		]);
		expect(deliveries(env)).toEqual({ delivered: 0, duplicates: 0 });
		// Only the look: 16 ids in two filters, two one-request chains.
		expect(env.recorded).toHaveLength(2);
		expect(sendBatches(env)).toHaveLength(0);
	});

	it('a large run looks once, at what the mailbox got since the run began: its Retry finds every mail sent, in one GET', async () => {
		const subject = uniqueSubject('Retried large');
		const items = mailItems(60, subject);
		const first = await run(env, perItemParams(), { items, executionId: 'large-failed' });
		expect(deliveries(env).delivered).toBe(60);
		// Before sending: one listing instead of 120 ids in 9 filters.
		const firstLooks = env.recorded.filter((r) => !sendBatches(env).includes(r));
		expect(firstLooks.map((r) => r.method)).toEqual(['GET']);
		const customData = first.run.data.resultData.metadata as Record<string, string>;
		env.clear();
		const again = await run(env, perItemParams(), {
			items,
			executionId: 'large-retry',
			mode: 'retry',
			customData,
		});
		expect(again.items.map((item) => [item.json.status, item.json.alreadySent])).toEqual(
			Array(60).fill(['skipped', true]),
		);
		expect(deliveries(env)).toEqual({ delivered: 0, duplicates: 0 });
		expect(env.recorded.map((r) => [r.method, decodeURIComponent(r.path).split('&')[0]])).toEqual([
			['GET', expect.stringMatching(/\?\$filter=createdDateTime ge /)],
		]);
	});

	it("a large run looks the ids up when the run's start is unknown, or when the listing fails", async () => {
		const subject = uniqueSubject('Large fallback');
		const items = mailItems(60, subject);
		const first = await run(env, perItemParams(), { items, executionId: 'fallback-failed' });
		expect(deliveries(env).delivered).toBe(60);
		const { graphMailSendRun } = first.run.data.resultData.metadata as Record<string, string>;
		// Custom data of a node version that kept no start time: 120 ids, 14 per filter, through $batch.
		env.clear();
		const unknownStart = await run(env, perItemParams(), {
			items,
			executionId: 'fallback-retry',
			mode: 'retry',
			customData: { graphMailSendRun: graphMailSendRun! },
		});
		expect(unknownStart.items.every((item) => item.json.alreadySent === true)).toBe(true);
		expect(env.recorded.map((r) => r.method)).toEqual(['POST', 'POST', 'POST', 'POST']);
		expect(env.recorded.map(subRequestCount).reduce((a, b) => a + b, 0)).toBe(9);
		// The listing refused (here: a 500 the client gives up on): the ids are looked up instead.
		env.clear();
		env.emulator.control.injectFault({
			route: 'listMessages',
			kind: 'answer',
			status: 500,
			body: { error: { code: 'InternalServerError', message: 'Listing failed.' } },
			times: 10,
		});
		const failedListing = await run(env, perItemParams({}, { maxAttempts: 1 }), {
			items,
			executionId: 'fallback-retry-2',
			mode: 'retry',
			customData: first.run.data.resultData.metadata as Record<string, string>,
		});
		env.emulator.control.clearFaults();
		expect(failedListing.items.every((item) => item.json.alreadySent === true)).toBe(true);
		expect(env.recorded.map((r) => [r.method, r.status])).toEqual([
			['GET', 500],
			...Array(4).fill(['POST', 200]),
		]);
		expect(deliveries(env)).toEqual({ delivered: 0, duplicates: 0 });
	});

	it("a Retry without the first execution's identity (started by an older node) looks by content, and a new one sends", async () => {
		const subject = uniqueSubject('Old retry');
		const items = mailItems(2, subject);
		// What an older version of the node did: content-only keys. A retry of such an execution finds them.
		const retried = await run(env, perItemParams(), {
			items,
			executionId: 'old-retry',
			mode: 'retry',
		});
		expect(retried.items.map((item) => item.json.status)).toEqual(['sent', 'sent']);
		expect(retried.hints.map((hint) => hint.message)).toEqual([
			expect.stringMatching(/^This Retry could not tell which mails/),
		]);
		env.clear();
		const retriedAgain = await run(env, perItemParams(), {
			items,
			executionId: 'old-retry-2',
			mode: 'retry',
		});
		expect(retriedAgain.items.map((item) => item.json.status)).toEqual(['skipped', 'skipped']);
		expect(deliveries(env)).toEqual({ delivered: 0, duplicates: 0 });
	});

	it('changed input is a new mail', async () => {
		const subject = uniqueSubject('Changed');
		await runOk(env, perItemParams(), { items: mailItems(2, subject) });
		env.clear();
		const again = await runOk(env, perItemParams(), {
			items: mailItems(2, subject, (i) => ({ order: i })),
		});
		expect(again.map((item) => item.json.alreadySent)).toEqual([false, false]);
		expect(deliveries(env)).toEqual({ delivered: 2, duplicates: 2 });
	});
});

describe('limits of the guarantee', () => {
	it('Exactly Once off: no key, no look, a re-run sends again', async () => {
		const subject = uniqueSubject('Off');
		const items = mailItems(3, subject);
		const first = await runOk(env, perItemParams({}, { exactlyOnce: false }), { items });
		expect(
			first.every(
				(item) => item.json.internetMessageId === undefined && item.json.alreadySent === undefined,
			),
		).toBe(true);
		expect(
			env
				.graphRequests('POST', /\/sendMail$/)
				.every(
					(r) =>
						(r.json!.message as { internetMessageId?: string }).internetMessageId === undefined,
				),
		).toBe(true);
		expect(env.recorded.filter((r) => r.method === 'GET')).toHaveLength(0);
		await runOk(env, perItemParams({}, { exactlyOnce: false }), { items });
		expect(deliveries(env)).toEqual({ delivered: 6, duplicates: 3 });
	});

	it('Save to Sent Items off: a lost answer is reported, never sent blindly again', async () => {
		env.emulator.control.injectFault({ route: 'sendMail', kind: 'lostResponse', inBatch: true });
		const subject = uniqueSubject('No copy');
		// One slot: the three mails in one batch, whose answer is lost.
		const result = await run(
			env,
			perItemParams({ saveToSentItems: false }, { maxInFlightPerMailbox: 1 }),
			{ items: mailItems(3, subject), continueOnFail: true },
		);
		expect(result.items.map((item) => item.json.error ?? item.json.status)).toEqual([
			expect.stringMatching(/^No definite answer to the send .*\[item 0\]$/),
			expect.stringMatching(/^No definite answer to the send .*\[item 1\]$/),
			expect.stringMatching(/^No definite answer to the send .*\[item 2\]$/),
		]);
		expect(result.items[0]!.json.errorDescription).toMatch(
			/may have been sent.*\. .*Save to Sent Items off/s,
		);
		expect(deliveries(env)).toEqual({ delivered: 3, duplicates: 0 });
	});

	it('the look needs read access: a clear error before anything is sent', async () => {
		const tokens = env.emulator.control.issueTokens({
			userId: ADELE.id,
			scopes: ['offline_access', 'Mail.Send'],
		});
		env.engine.addCredential({
			id: 'send-only',
			name: 'Send only',
			type: 'graphMailOAuth2Api',
			data: {
				...(env.engine.credentials.stored('graph-mail-credential').data as Record<string, unknown>),
				oauthTokenData: tokens as never,
			},
		});
		const subject = uniqueSubject('Send only');
		const result = await run(env, perItemParams(), {
			items: mailItems(2, subject),
			credentialId: 'send-only',
		});
		expect(result.error?.message).toMatch(
			/^Could not look for earlier sends in the connected account's mailbox: /,
		);
		expect(result.error?.description).toMatch(
			/Mail\.ReadWrite scope.*switch Don't Resend on Retry off/s,
		);
		expect(result.error?.description).toMatch(/Nothing was sent\./);
		expect(deliveries(env).delivered).toBe(0);
		await runOk(env, perItemParams({}, { exactlyOnce: false }), {
			items: mailItems(2, subject),
			credentialId: 'send-only',
		});
		expect(deliveries(env).delivered).toBe(2);
	});
});

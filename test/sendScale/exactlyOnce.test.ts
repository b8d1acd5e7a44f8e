/**
 * Exactly Once: under every fault kind -- on the `$batch`, on its sub-requests, on a single send and
 * on the draft path -- every mail is delivered once (the emulator counts deliveries and
 * duplicates); Retry On Fail after a mid-run failure and a re-run of the workflow send nothing
 * twice. And its limits: switched off, repeats go out; without a Sent Items copy a lost answer
 * stays an error rather than a blind re-send.
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
		['$batch answer lost after it ran (looked up, not sent again)', { route: 'batch', kind: 'lostResponse' }, N],
		['429 on one sub-request', { route: 'sendMail', kind: '429', retryAfter: '0.1', inBatch: true }, N + 1],
		['503 on one sub-request', { route: 'sendMail', kind: '503', inBatch: true }, N + 1],
		['504 on one sub-request', { route: 'sendMail', kind: '504', inBatch: true }, N + 1],
		['reset triggered by a sub-request', { route: 'sendMail', kind: 'reset', inBatch: true }, N],
		['lostResponse triggered by a sub-request', { route: 'sendMail', kind: 'lostResponse', inBatch: true }, N],
	])('%s', async (_label, fault, ranSendMail) => {
		env.emulator.control.injectFault(fault);
		const subject = uniqueSubject(`Fault ${fault.kind}`);
		const items = await runOk(env, perItemParams(), { items: mailItems(N, subject) });
		expect(items.map((item) => [item.json.status, item.json.alreadySent])).toEqual(Array(N).fill(['sent', false]));
		expect(items.map((item) => item.pairedItem)).toEqual(Array.from({ length: N }, (_, i) => ({ item: i })));
		expect(env.emulator.control.counters().faultsServed[fault.kind]).toBe(1);
		expect(env.emulator.control.counters().requestsByRoute.sendMail).toBe(ranSendMail);
		expectOnceEach(subject, N);
	});

	it.each<Case>([
		['429', { route: 'sendMail', kind: '429', retryAfter: '0.1' }, 1],
		['503', { route: 'sendMail', kind: '503' }, 2],
		['504 (looked up, sent)', { route: 'sendMail', kind: '504' }, 2],
		['reset before it ran', { route: 'sendMail', kind: 'reset' }, 1],
		['answer lost after it ran (looked up, not sent again)', { route: 'sendMail', kind: 'lostResponse' }, 1],
	])('a single send: %s', async (_label, fault, deliveredBeforeAnswer) => {
		env.emulator.control.injectFault(fault);
		const subject = uniqueSubject(`Single ${fault.kind}`);
		const items = await runOk(env, perItemParams(), { items: mailItems(1, subject) });
		expect(items[0].json).toMatchObject({ status: 'sent', alreadySent: false });
		expect(env.graphRequests('POST', /\/sendMail$/).length).toBeGreaterThanOrEqual(deliveredBeforeAnswer);
		expectOnceEach(subject, 1);
	});

	it.each<Case>([
		['send answer lost (the draft is gone from Drafts: sent)', { route: 'sendDraft', kind: 'lostResponse' }, 1],
		['504 on the send (still a draft: sent again)', { route: 'sendDraft', kind: '504' }, 2],
		['draft creation answer lost (that draft deleted, created again)', { route: 'createMessage', kind: 'lostResponse' }, 1],
	])('the draft path: %s', async (_label, fault, sendDrafts) => {
		env.emulator.control.injectFault(fault);
		const subject = uniqueSubject(`Draft ${fault.kind}`);
		const items = await runOk(env, perItemParams({ returnDetails: true }), { items: mailItems(2, subject) });
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
		const result = await run(env, perItemParams({ maxAttempts: 1, returnDetails: '={{ $json.n === 3 }}' }), {
			items: mailItems(6, subject),
			retryOnFail: true,
			maxTries: 2,
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => [item.json.status, item.json.alreadySent])).toEqual([
			['sent', true],
			['sent', true],
			['sent', true],
			['sent', false],
			['sent', true],
			['sent', true],
		]);
		expect(result.items[0].json.messageId).toEqual(expect.any(String));
		expectOnceEach(subject, 6);
	});

	it('Retry On Fail with an item that keeps failing: stops at it each time, sends nothing twice', async () => {
		const subject = uniqueSubject('Keeps failing');
		const items = mailItems(5, subject, (i) => (i === 2 ? { from: ALEX.userPrincipalName } : {}));
		const result = await run(env, perItemParams({ maxInFlightPerMailbox: 1 }), { items, retryOnFail: true, maxTries: 2 });
		expect(result.error?.message).toBe(`Item 3: From: the connected account has no Send As or Send on Behalf permission on '${ALEX.userPrincipalName}'`);
		expect(result.error?.description).toMatch(/Items 4 and 5 were not sent: the node stopped at this error\./);
		// First try: items 1, 2 sent, 3 refused, the rest not started; second try: 1, 2 found, 3 refused again.
		expect(env.graphRequests('POST', /\/sendMail$/).map((r) => r.status)).toEqual([202, 202, 403, 403]);
		expectOnceEach(subject, 2);
	});

	it('a re-run of the workflow (a new execution, same input) sends nothing new', async () => {
		const subject = uniqueSubject('Re-run');
		const items = mailItems(8, subject);
		await runOk(env, perItemParams(), { items, executionId: 'first-execution' });
		expect(deliveries(env).delivered).toBe(8);
		env.clear();
		const again = await runOk(env, perItemParams(), { items, executionId: 'retried-execution' });
		expect(again.map((item) => [item.json.status, item.json.alreadySent])).toEqual(Array(8).fill(['sent', true]));
		expect(again.every((item) => typeof item.json.messageId === 'string' && typeof item.json.sentDateTime === 'string')).toBe(true);
		expect(deliveries(env)).toEqual({ delivered: 0, duplicates: 0 });
		// Only the look: 16 ids in two filters, one $batch.
		expect(env.recorded).toHaveLength(1);
		expect(sendBatches(env)).toHaveLength(0);
	});

	it('changed input is a new mail', async () => {
		const subject = uniqueSubject('Changed');
		await runOk(env, perItemParams(), { items: mailItems(2, subject) });
		env.clear();
		const again = await runOk(env, perItemParams(), { items: mailItems(2, subject, (i) => ({ order: i })) });
		expect(again.map((item) => item.json.alreadySent)).toEqual([false, false]);
		expect(deliveries(env)).toEqual({ delivered: 2, duplicates: 2 });
	});
});

describe('limits of the guarantee', () => {
	it('Exactly Once off: no key, no look, a re-run sends again', async () => {
		const subject = uniqueSubject('Off');
		const items = mailItems(3, subject);
		const first = await runOk(env, perItemParams({ exactlyOnce: false }), { items });
		expect(first.every((item) => item.json.internetMessageId === undefined && item.json.alreadySent === undefined)).toBe(true);
		expect(env.graphRequests('POST', /\/sendMail$/).every((r) => (r.json!.message as { internetMessageId?: string }).internetMessageId === undefined)).toBe(true);
		expect(env.recorded.filter((r) => r.method === 'GET')).toHaveLength(0);
		await runOk(env, perItemParams({ exactlyOnce: false }), { items });
		expect(deliveries(env)).toEqual({ delivered: 6, duplicates: 3 });
	});

	it('Save to Sent Items off: a lost answer is reported, never sent blindly again', async () => {
		env.emulator.control.injectFault({ route: 'sendMail', kind: 'lostResponse', inBatch: true });
		const subject = uniqueSubject('No copy');
		const result = await run(env, perItemParams({ saveToSentItems: false }), { items: mailItems(3, subject), continueOnFail: true });
		expect(result.items.map((item) => item.json.error ?? item.json.status)).toEqual([
			expect.stringMatching(/^Item 1: no definite answer to the send/),
			expect.stringMatching(/^Item 2: no definite answer to the send/),
			expect.stringMatching(/^Item 3: no definite answer to the send/),
		]);
		expect(result.items[0].json.errorDescription).toMatch(/may have been sent.*\n.*Save to Sent Items off/s);
		expect(deliveries(env)).toEqual({ delivered: 3, duplicates: 0 });
	});

	it('the look needs read access: a clear error before anything is sent', async () => {
		const tokens = env.emulator.control.issueTokens({ userId: ADELE.id, scopes: ['offline_access', 'Mail.Send'] });
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
		const result = await run(env, perItemParams(), { items: mailItems(2, subject), credentialId: 'send-only' });
		expect(result.error?.message).toMatch(/^Exactly Once: could not look for earlier sends in the connected account's mailbox: /);
		expect(result.error?.description).toMatch(/Mail\.ReadWrite scope.*switch Exactly Once off/s);
		expect(result.error?.description).toMatch(/Nothing was sent\./);
		expect(deliveries(env).delivered).toBe(0);
		await runOk(env, perItemParams({ exactlyOnce: false }), { items: mailItems(2, subject), credentialId: 'send-only' });
		expect(deliveries(env).delivered).toBe(2);
	});
});

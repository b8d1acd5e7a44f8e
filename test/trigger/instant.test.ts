import { createHmac } from 'node:crypto';

import { connectCredential, startTestEnvironment, type TestEnvironment } from '../harness/environment';
import { InstantTrigger, until } from '../harness/instant';
import { deliver, subjects, triggerParams } from './support';

/**
 * Graph Mail Instant Trigger in n8n-core's real hook, trigger and webhook contexts, against the
 * emulator over HTTP: the emulator validates and notifies the node's webhook on a loopback server
 * (test/harness/instant.ts), the trigger reads through the delta cursors. The trigger runs on a
 * copy of the static data taken before the hooks ran, as n8n 2.40 starts it.
 */
describe('Graph Mail Instant Trigger in the engine', () => {
	let env: TestEnvironment;
	let trigger: InstantTrigger;
	const mail = (subject: string) => deliver(env, 'inbox', { subject, from: { address: 'sender@contoso.com' } });
	const ours = () => env.emulator.control.subscriptions().filter((s) => String(s.notificationUrl) === trigger.webhookUrl);
	const emittedTimes = (subject: string) => subjects(trigger.emitted).filter((s) => s === subject).length;
	const dropNextNotification = () => env.emulator.control.injectFault({ route: 'notification', kind: 'notificationDrop', times: 1 });
	const webhookPost = async (body: unknown) =>
		await fetch(trigger.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

	beforeAll(async () => {
		env = await startTestEnvironment();
	});

	afterAll(async () => {
		await env.stop();
	});

	beforeEach(async () => {
		trigger = new InstantTrigger(env, triggerParams(['inbox']));
		await trigger.start();
		await trigger.activate();
		await until('the subscription', () => ours().length === 1);
		// The first catch-up (which finds the subscription through Graph) has run.
		await new Promise((resolve) => setTimeout(resolve, 1_000));
	});

	afterEach(async () => {
		env.emulator.control.clearFaults();
		await trigger.deactivate();
		await trigger.stop();
		expect(trigger.errors).toEqual([]);
	});

	it('emits each mail seconds after its notification, once; the trigger keeps the secret the hooks made', async () => {
		const hooksSecret = trigger.savedPush?.clientState;
		expect(typeof hooksSecret).toBe('string');
		expect(trigger.emitted).toEqual([]);
		mail('Hello instant');
		await until('the mail emitted', () => emittedTimes('Hello instant') === 1, 5_000);
		// The trigger's copy of the static data started without the secret; its save (on emit) keeps it.
		expect(trigger.savedPush?.clientState).toBe(hooksSecret);
		mail('Hello again');
		await until('the second mail emitted', () => emittedTimes('Hello again') === 1, 5_000);
		expect(trigger.webhookCalls.filter((call) => call.status === 202).length).toBeGreaterThanOrEqual(2);
		expect(trigger.webhookCalls.filter((call) => call.status === 403)).toEqual([]);
	});

	it('refuses a notification with a forged clientState (403) and reads nothing for it', async () => {
		const [sub] = ours();
		const forged = await webhookPost({ value: [{ subscriptionId: sub.id, clientState: 'forged', changeType: 'created' }] });
		expect(forged.status).toBe(403);
		const missing = await webhookPost({ value: [{ subscriptionId: sub.id, changeType: 'created' }] });
		expect(missing.status).toBe(403);
		// The real secret is accepted: the refusal above is about the secret, not the request.
		const genuine = await webhookPost({ value: [{ subscriptionId: sub.id, clientState: trigger.savedPush?.clientState, changeType: 'created' }] });
		expect(genuine.status).toBe(202);
	});

	it('missed: a lost notification\'s mail is read as soon as Graph says it missed some', async () => {
		dropNextNotification();
		mail('Lost notification');
		await new Promise((resolve) => setTimeout(resolve, 1_500));
		expect(emittedTimes('Lost notification')).toBe(0);
		env.emulator.control.subscriptionLifecycle('missed', String(ours()[0].id));
		await until('the catch-up', () => emittedTimes('Lost notification') === 1, 5_000);
	});

	it('reauthorizationRequired: the subscription is renewed (PATCH), not replaced', async () => {
		const [before] = ours();
		await new Promise((resolve) => setTimeout(resolve, 1_100));
		env.emulator.control.subscriptionLifecycle('reauthorizationRequired', String(before.id));
		await until('the renewal', () => Date.parse(String(ours()[0]?.expirationDateTime)) > Date.parse(String(before.expirationDateTime)), 5_000);
		expect(ours().map((s) => s.id)).toEqual([before.id]);
	});

	it('subscriptionRemoved: a new subscription is made, the mail in between is caught up, later mail arrives through it', async () => {
		const [removed] = ours();
		dropNextNotification();
		mail('While removed');
		await new Promise((resolve) => setTimeout(resolve, 500));
		env.emulator.control.subscriptionLifecycle('subscriptionRemoved', String(removed.id));
		await until('a new subscription', () => ours().length === 1 && ours()[0].id !== removed.id, 5_000);
		await until('the catch-up', () => emittedTimes('While removed') === 1, 5_000);
		mail('Through the new subscription');
		await until('the next mail', () => emittedTimes('Through the new subscription') === 1, 5_000);
	});

	it('Listen for test event: a subscription of its own on the test URL answers with the new mail; the active one is untouched', async () => {
		const [active] = ours();
		await trigger.listenForTestEvent();
		const test = () => env.emulator.control.subscriptions().filter((s) => String(s.notificationUrl) === trigger.testWebhookUrl);
		expect(test()).toHaveLength(1);
		expect(ours().map((s) => s.id)).toEqual([active.id]);
		mail('Test event');
		await until('the test execution', () => trigger.webhookCalls.some((call) => call.mode === 'manual' && call.workflowData), 5_000);
		const answered = trigger.webhookCalls.find((call) => call.mode === 'manual' && call.workflowData)!;
		expect(answered.workflowData![0].map((item) => item.json.subject)).toEqual(['Test event']);
		await trigger.stopListening();
		expect(test()).toHaveLength(0);
		expect(ours().map((s) => s.id)).toEqual([active.id]);
		// The active workflow still got the mail, once.
		await until('the active trigger', () => emittedTimes('Test event') === 1, 5_000);
	});
});

describe('Graph Mail Instant Trigger in a quiet mailbox', () => {
	let env: TestEnvironment;
	let now: jest.SpyInstance<number, []>;
	let offsetMs = 0;
	const realNow = Date.now.bind(Date);

	beforeAll(async () => {
		env = await startTestEnvironment();
		// One clock for the node and the in-process emulator (subscription expiry, tokens), moved by hand.
		now = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offsetMs);
	});

	afterAll(async () => {
		now.mockRestore();
		await env.stop();
	});

	it('renews the subscription before it lapses although no mail comes, and the next mail still arrives', async () => {
		const trigger = new InstantTrigger(env, triggerParams(['inbox']));
		await trigger.start();
		const ours = () => env.emulator.control.subscriptions().filter((s) => String(s.notificationUrl) === trigger.webhookUrl);
		try {
			await trigger.activate();
			await until('the subscription', () => ours().length === 1);
			await new Promise((resolve) => setTimeout(resolve, 1_000));
			const [first] = ours();
			const firstExpiry = Date.parse(String(first.expirationDateTime));
			// 40 quiet hours: less than 36 h are left, the safety round renews.
			offsetMs += 40 * 60 * 60_000;
			await until('the renewal', () => Date.parse(String(ours()[0]?.expirationDateTime)) > firstExpiry, 10_000);
			expect(ours().map((s) => s.id)).toEqual([first.id]);
			// 40 more: past the first expiry. Still alive, and a mail is notified and emitted.
			offsetMs += 40 * 60 * 60_000;
			await new Promise((resolve) => setTimeout(resolve, 2_500));
			expect(ours().map((s) => s.id)).toEqual([first.id]);
			deliver(env, 'inbox', { subject: 'After a quiet week', from: { address: 'sender@contoso.com' } });
			await until('the mail', () => subjects(trigger.emitted).includes('After a quiet week'), 10_000);
		} finally {
			await trigger.deactivate();
			await trigger.stop();
		}
		expect(trigger.errors).toEqual([]);
	});
});

describe('Graph Mail Instant Trigger with a credential that has no client secret (PKCE)', () => {
	let env: TestEnvironment;

	beforeAll(async () => {
		env = await startTestEnvironment();
		await connectCredential(env.engine, env.emulator, { userId: env.userId, extra: { clientSecret: '' } });
	});

	afterAll(async () => {
		await env.stop();
	});

	it('refuses a clientState computed from public facts (client id and webhook id)', async () => {
		const trigger = new InstantTrigger(env, triggerParams(['inbox']));
		await trigger.start();
		try {
			await trigger.activate();
			const [sub] = env.emulator.control.subscriptions().filter((s) => String(s.notificationUrl) === trigger.webhookUrl);
			// What anyone who knows the app's client id and the webhook URL can compute.
			const guessed = createHmac('sha256', `|${env.emulator.app.clientId}`).update(`graph-mail-instant|${trigger.node.webhookId}`).digest('base64url');
			const forged = await fetch(trigger.webhookUrl, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ value: [{ subscriptionId: sub.id, clientState: guessed, changeType: 'created' }] }),
			});
			expect(forged.status).toBe(403);
			expect(trigger.savedPush?.clientState).not.toBe(guessed);
		} finally {
			await trigger.deactivate();
			await trigger.stop();
		}
	});
});

/**
 * Send at scale: Retry-After in each form (whole seconds, fractional, HTTP date), on a plain
 * request, on a `$batch` and on a sub-request inside one; and the backoff bounds (Max Attempts,
 * Max Retry Wait) ending in a clear error.
 */
import { setBinaryMode } from '../harness/binaryData';
import {
	deliveries,
	mailItems,
	perItemParams,
	quiet,
	run,
	runOk,
	sendBatches,
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

const httpDateIn = (ms: number) => new Date(Date.now() + ms).toUTCString();

describe('Retry-After, end to end', () => {
	it.each<[string, () => string, number]>([
		['whole seconds', () => '1', 1000],
		['fractional seconds', () => '0.2', 200],
		// An HTTP date has whole seconds: 2 s ahead is at least 1 s of waiting.
		['an HTTP date', () => httpDateIn(2000), 1000],
	])(
		'429 with Retry-After as %s on a single send: waits, then sends once',
		async (_label, retryAfter, minimumMs) => {
			env.emulator.control.injectFault({
				route: 'sendMail',
				kind: '429',
				retryAfter: retryAfter(),
			});
			const subject = uniqueSubject('Retry-After single');
			const started = Date.now();
			const items = await runOk(env, perItemParams(), { items: mailItems(1, subject) });
			expect(Date.now() - started).toBeGreaterThanOrEqual(minimumMs - 50);
			expect(items[0]!.json).toMatchObject({ status: 'sent' });
			expect(env.graphRequests('POST', /\/sendMail$/).map((r) => r.status)).toEqual([429, 202]);
			expect(deliveries(env)).toEqual({ delivered: 1, duplicates: 0 });
		},
	);

	it.each<[string, () => string, number]>([
		['whole seconds', () => '1', 1000],
		['fractional seconds', () => '0.3', 300],
		['an HTTP date', () => httpDateIn(2000), 1000],
	])(
		'a sub-request answered 429 with Retry-After as %s: sent again in a later batch',
		async (_label, retryAfter, minimumMs) => {
			env.emulator.control.injectFault({
				route: 'sendMail',
				kind: '429',
				retryAfter: retryAfter(),
				inBatch: true,
			});
			const subject = uniqueSubject('Retry-After batch');
			const started = Date.now();
			const items = await runOk(env, perItemParams(), { items: mailItems(5, subject) });
			expect(Date.now() - started).toBeGreaterThanOrEqual(minimumMs - 50);
			expect(items.map((item) => item.json.status)).toEqual(Array(5).fill('sent'));
			// The throttled one alone goes again last, after its Retry-After; the others were not held up.
			expect((sendBatches(env).at(-1)!.json!.requests as unknown[]).length).toBe(1);
			expect(env.emulator.control.counters().requestsByRoute.sendMail).toBe(6);
			expect(deliveries(env)).toEqual({ delivered: 5, duplicates: 0 });
		},
	);

	it('503 with Retry-After on the $batch itself: the whole batch again, once', async () => {
		env.emulator.control.injectFault({ route: 'batch', kind: '503', retryAfter: '0.2' });
		const subject = uniqueSubject('503 batch');
		const items = await runOk(env, perItemParams(), { items: mailItems(4, subject) });
		expect(items.map((item) => item.json.status)).toEqual(Array(4).fill('sent'));
		// Four one-mail chains; the one answered 503 goes again, once.
		expect(
			sendBatches(env)
				.map((batch) => batch.status)
				.sort(),
		).toEqual([200, 200, 200, 200, 503]);
		expect(deliveries(env)).toEqual({ delivered: 4, duplicates: 0 });
	});

	it('503 without Retry-After: exponential backoff, then sent', async () => {
		env.emulator.control.injectFault({ route: 'sendMail', kind: '503', times: 2 });
		const subject = uniqueSubject('503 backoff');
		const items = await runOk(env, perItemParams(), { items: mailItems(1, subject) });
		expect(items[0]!.json.status).toBe('sent');
		expect(env.graphRequests('POST', /\/sendMail$/).map((r) => r.status)).toEqual([503, 503, 202]);
	});
});

describe('backoff bounds', () => {
	it('Max Attempts: gives up with an error that says how often it tried; nothing sent', async () => {
		env.emulator.control.injectFault({
			route: 'sendMail',
			kind: '429',
			retryAfter: '0.1',
			times: 10,
		});
		const subject = uniqueSubject('Max attempts');
		const result = await run(env, perItemParams({}, { maxAttempts: 3 }), {
			items: mailItems(1, subject),
		});
		expect(result.error?.message).toMatch(
			/^Microsoft Graph refused the request: TooManyRequests.*\[item 0\]$/,
		);
		expect(result.error?.description).toMatch(
			/Graph still answered 429 after 3 attempts and 0\.2 s of waiting; nothing was sent/,
		);
		expect(result.error?.description).toMatch(/Max Attempts/);
		expect(env.graphRequests('POST', /\/sendMail$/)).toHaveLength(3);
		expect(deliveries(env).delivered).toBe(0);
	});

	it('Max Retry Wait: a Retry-After longer than allowed fails at once', async () => {
		env.emulator.control.injectFault({ route: 'sendMail', kind: '429', retryAfter: '30' });
		const subject = uniqueSubject('Max wait');
		const started = Date.now();
		const result = await run(env, perItemParams({}, { maxRetryWait: 1 }), {
			items: mailItems(1, subject),
		});
		expect(Date.now() - started).toBeLessThan(5000);
		expect(result.error?.description).toMatch(
			/Graph still answered 429 after 1 attempt and 0\.0 s of waiting/,
		);
		expect(env.graphRequests('POST', /\/sendMail$/)).toHaveLength(1);
	});

	it('inside a batch: only the throttled item fails (Continue On Fail), the others are sent once', async () => {
		// Three 429s for the first batch, a fourth for the first sub-request of the retry batch.
		env.emulator.control.injectFault({
			route: 'sendMail',
			kind: '429',
			retryAfter: '0.1',
			times: 4,
			inBatch: true,
		});
		const subject = uniqueSubject('Batch bound');
		const result = await run(env, perItemParams({}, { maxAttempts: 2 }), {
			items: mailItems(3, subject),
			continueOnFail: true,
		});
		const failed = result.items.filter((item) => item.json.error);
		expect(failed).toHaveLength(1);
		expect(failed[0]!.json.errorDescription).toMatch(
			/Graph still answered 429 after 2 attempts and 0\.1 s of waiting/,
		);
		expect(result.items.filter((item) => item.json.status === 'sent')).toHaveLength(2);
		expect(result.items.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
		expect(deliveries(env)).toEqual({ delivered: 2, duplicates: 0 });
	});
});

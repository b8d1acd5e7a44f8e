import { startTestEnvironment, type TestEnvironment } from '../harness/environment';
import type { Poller, PollResult } from '../harness/poll';
import { deliver, duplicates, graphDate, ids, poller, triggerParams } from './support';

/**
 * Issue 7's main guarantee, through n8n-core's real PollContext against the emulator: 2,000
 * messages delivered over many polls -- several stamped with the same second, some visible late
 * (receivedDateTime before the previous poll) -- with polls that fail (503, 429, connection reset
 * on the delta route), a restart from the saved static data, a round cut short by the poll budget
 * and the delta tokens invalidated mid-round: every message is emitted exactly once.
 */
describe('Graph Mail Trigger: every message exactly once', () => {
	let env: TestEnvironment;
	let trigger: Poller;
	const delivered: string[] = [];
	const emitted: string[] = [];
	let lastPollAt = Date.now();
	let serial = 0;

	beforeAll(async () => {
		env = await startTestEnvironment();
		trigger = poller(env, triggerParams(['inbox']));
	});
	afterAll(async () => await env?.stop());

	/** `count` messages: a third stamped with one shared second, a third visible late, the rest now. */
	function deliverBatch(count: number): void {
		const sameSecond = graphDate(Date.now());
		for (let i = 0; i < count; i++) {
			const n = ++serial;
			const kind = i % 3;
			const receivedDateTime =
				kind === 0
					? sameSecond
					: kind === 1
						? graphDate(lastPollAt - 1000 * (1 + (n % 600)))
						: undefined;
			delivered.push(
				deliver(env, 'inbox', {
					subject: `Mail ${n}`,
					from: { address: `sender${n % 7}@fabrikam.com` },
					...(receivedDateTime ? { receivedDateTime } : {}),
				}),
			);
		}
	}

	async function poll(on: Poller = trigger): Promise<PollResult> {
		const result = await on.poll();
		lastPollAt = Date.now();
		emitted.push(...ids(result.items));
		return result;
	}

	async function failingPoll(fault: 'reset' | '503' | '429'): Promise<void> {
		const before = trigger.nodeStaticData;
		// Three attempts: the trigger's own retries inside a poll, all refused.
		env.emulator.control.injectFault({ route: 'delta', kind: fault, retryAfter: '0', times: 3 });
		const result = await poll();
		expect(result.error).toBeDefined();
		expect(result.items).toEqual([]);
		expect(trigger.nodeStaticData).toEqual(before); // the cursor did not move
	}

	it('first poll starts from now: nothing already in the Inbox is emitted', async () => {
		const result = await poll();
		expect(result.error).toBeUndefined();
		expect(result.returned).toBeNull();
		expect(trigger.nodeStaticData).toMatchObject({
			version: 1,
			folders: { 'me|inbox': { link: expect.any(String) } },
		});
	});

	it('2,000 messages over 45 polls with failures, a restart, a budget cut and a broken token', async () => {
		for (let round = 0; round < 40; round++) {
			deliverBatch(20);
			if (round === 5) await failingPoll('503');
			if (round === 10) await failingPoll('429');
			if (round === 15) await failingPoll('reset');
			if (round === 20)
				env.emulator.control.injectFault({ route: 'delta', kind: '503', retryAfter: '0' }); // retried in the poll
			if (round === 25) env.emulator.control.invalidateDeltaTokens(); // between rounds: 410 on the deltaLink
			if (round === 30) trigger = trigger.restart(); // n8n restarted: only the saved static data is left
			env.emulator.control.resetCounters();
			const result = await poll();
			expect(result.error).toBeUndefined();
			expect(result.items.length).toBe(20);
			// the refused deltaLink, then the new initial round over the whole Inbox
			if (round === 25) expect(env.emulator.control.counters().requestsByRoute.delta).toBe(2);
		}
		expect(new Set(emitted).size).toBe(800);

		// 1,200 at once: more than one delta page. A tiny poll budget ends the poll after the first
		// page, leaving the round's nextLink as the cursor; then every token is invalidated.
		deliverBatch(1200);
		const cut = trigger.restart({ pollBudgetMs: 1 });
		const partial = await poll(cut);
		expect(partial.error).toBeUndefined();
		expect(partial.items.length).toBe(1000);
		expect(cut.nodeStaticData.folders).toMatchObject({
			'me|inbox': { link: expect.stringContaining('skiptoken') },
		});
		env.emulator.control.invalidateDeltaTokens();
		trigger = cut.restart({ pollBudgetMs: undefined });
		await failingPoll('503'); // still failing polls on the way
		const rest = await poll(); // 410 on the nextLink: a new initial round under the seen set
		expect(rest.error).toBeUndefined();
		expect(rest.items.length).toBe(200);
		const idle = await poll();
		expect(idle.returned).toBeNull();

		expect(delivered.length).toBe(2000);
		expect(duplicates(emitted)).toEqual([]);
		expect(emitted.length).toBe(2000);
		expect(new Set(emitted)).toEqual(new Set(delivered));
	});

	it('keeps the seen set bounded and the state small', () => {
		const state = trigger.nodeStaticData as {
			folders: Record<string, { seen: { entries: unknown[] } }>;
		};
		const entries = state.folders['me|inbox']!.seen.entries.length;
		expect(entries).toBeGreaterThanOrEqual(2000);
		expect(entries).toBeLessThanOrEqual(5000);
		expect(JSON.stringify(state).length).toBeLessThan(200_000);
	});
});

/**
 * transport/serialChains.ts: chain lengths, and the pool with a fake clock and chains that end
 * when the test says so.
 */
import {
	chainLengths,
	runSerialChains,
	type ChainEntry,
	type SerialChainPool,
} from '../../nodes/GraphMail/transport/serialChains';

interface Entry extends ChainEntry {
	name: string;
}

const entries = (count: number): Entry[] =>
	Array.from({ length: count }, (_, index) => ({
		index,
		attempts: 0,
		readyAt: 0,
		name: `e${index}`,
	}));

interface Started {
	chain: Entry[];
	at: number;
	/** Ends the chain: `again` go back (their readyAt set by the test), `throttled` as Graph said. */
	end: (outcome?: { again?: Entry[]; throttled?: boolean }) => void;
}

/** A pool whose chains stay running until the test ends them; the clock moves only in `wait`. */
function harness(options: { lanes?: number; longest?: number; pausedUntil?: () => number } = {}) {
	const clock = { now: 0 };
	const started: Started[] = [];
	const waits: number[] = [];
	let lanes = options.lanes ?? 2;
	let longest = options.longest ?? 20;
	let stopped = false;
	const pool: SerialChainPool<Entry> = {
		entries: [],
		lanes: () => lanes,
		longest: () => longest,
		pausedUntil: options.pausedUntil ?? (() => 0),
		now: () => clock.now,
		wait: async (ms) => {
			waits.push(ms);
			clock.now += ms;
		},
		stop: () => stopped,
		cut: (ready, length) => ready.slice(0, length),
		send: async (chain) =>
			await new Promise((resolve) => {
				started.push({
					chain,
					at: clock.now,
					end: (outcome = {}) =>
						resolve({ again: outcome.again ?? [], throttled: outcome.throttled ?? false }),
				});
			}),
	};
	return {
		clock,
		started,
		waits,
		pool,
		setLanes: (n: number) => (lanes = n),
		setLongest: (n: number) => (longest = n),
		stop: () => (stopped = true),
	};
}

/** Lets the pool's loop run until it waits for a chain again. */
const settle = async () => {
	for (let i = 0; i < 20; i++) await Promise.resolve();
};

const names = (chain: Entry[]) => chain.map((entry) => entry.name).join(',');

describe('chain lengths', () => {
	it('whole rounds of chains of at most `longest`, within one of each other', () => {
		const lengths = chainLengths(1000, 4, 20);
		expect(lengths).toHaveLength(52);
		expect(lengths.reduce((a, b) => a + b, 0)).toBe(1000);
		expect(new Set(lengths)).toEqual(new Set([19, 20]));
		expect(chainLengths(45, 4, 20)).toEqual([11, 11, 11, 12]);
		expect(chainLengths(3, 4, 20)).toEqual([1, 1, 1]);
		expect(chainLengths(45, 1, 20)).toEqual([15, 15, 15]);
		// Short chains below the cap: 10 over 2 lanes in chains of at most 4.
		expect(chainLengths(10, 2, 4)).toEqual([2, 3, 2, 3]);
	});
});

describe('the pool', () => {
	it('keeps as many chains running as the lanes allow and starts the next one as soon as one ends', async () => {
		const h = harness({ lanes: 2 });
		h.pool.entries = entries(8);
		const done = runSerialChains(h.pool);
		await settle();
		// 8 entries, 2 lanes, at most 20: one round of two chains of 4.
		expect(h.started.map((s) => names(s.chain))).toEqual(['e0,e1,e2,e3', 'e4,e5,e6,e7']);
		h.started[0]!.end();
		h.started[1]!.end();
		await expect(done).resolves.toEqual([]);
	});

	it('a chain broken by a throttle goes again once its wait is over, while the others still run (not after the round)', async () => {
		const h = harness({ lanes: 2 });
		h.pool.entries = entries(40);
		const done = runSerialChains(h.pool);
		await settle();
		expect(h.started.map((s) => s.chain.length)).toEqual([20, 20]);
		// The first chain's second sub-request is throttled: it and the 18 after it come back.
		const back = h.started[0]!.chain.slice(1);
		back[0]!.attempts = 1;
		for (const entry of back) entry.readyAt = 1000;
		h.started[0]!.end({ again: back, throttled: true });
		await settle();
		// It waits out the Retry-After, then goes in the free lane; the second chain still runs.
		expect(h.waits).toEqual([1000]);
		expect(h.started).toHaveLength(3);
		expect(h.started[2]!.at).toBe(1000);
		// The 19 are shared over both lanes; entries never tried go first, the throttled one last.
		expect(h.started[2]!.chain.map((e) => e.index)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
		h.started[1]!.end();
		await settle();
		expect(h.started[3]!.chain.map((e) => e.index)).toEqual([
			1, 11, 12, 13, 14, 15, 16, 17, 18, 19,
		]);
		h.started[2]!.end();
		h.started[3]!.end();
		await expect(done).resolves.toEqual([]);
	});

	it('short chains below the cap, long ones at it, planned again when the lanes change', async () => {
		const h = harness({ lanes: 1, longest: 4 });
		h.pool.entries = entries(30);
		const done = runSerialChains(h.pool);
		await settle();
		// 30 in chains of at most 4: 8 chains of 3 or 4.
		expect(h.started.map((s) => s.chain.length)).toEqual([3]);
		// The limit is back at its cap: 2 lanes, chains of up to 20 for the 27 left.
		h.setLanes(2);
		h.setLongest(20);
		h.started[0]!.end();
		await settle();
		expect(h.started.slice(1).map((s) => s.chain.length)).toEqual([13, 14]);
		h.started[1]!.end();
		h.started[2]!.end();
		await expect(done).resolves.toEqual([]);
	});

	it('during a pause a lane handed on by a chain that ran unthrottled is used at once; no lane beyond it starts before the pause ends', async () => {
		const clock = { pausedUntil: 0 };
		const h = harness({ lanes: 3, longest: 1, pausedUntil: () => clock.pausedUntil });
		h.pool.entries = entries(6);
		const done = runSerialChains(h.pool);
		await settle();
		expect(h.started.map((s) => names(s.chain))).toEqual(['e0', 'e1', 'e2']);
		// The third chain is throttled: a pause of 1 s.
		clock.pausedUntil = 1000;
		const third = h.started[2]!;
		third.chain[0]!.readyAt = 1000;
		third.chain[0]!.attempts = 1;
		third.end({ again: third.chain, throttled: true });
		await settle();
		expect(h.started).toHaveLength(3);
		// The first chain ends unthrottled: its lane goes on at once, inside the pause.
		h.started[0]!.end();
		await settle();
		expect(h.started.map((s) => `${names(s.chain)}@${s.at}`)).toEqual([
			'e0@0',
			'e1@0',
			'e2@0',
			'e3@0',
		]);
		// The throttled lane stays empty; the second chain's lane goes on when it ends.
		h.started[1]!.end();
		await settle();
		expect(h.started.slice(4).map((s) => `${names(s.chain)}@${s.at}`)).toEqual(['e4@0']);
		h.started[3]!.end();
		await settle();
		expect(h.started.slice(5).map((s) => `${names(s.chain)}@${s.at}`)).toEqual(['e5@0']);
		h.started[4]!.end();
		h.started[5]!.end();
		await settle();
		// Only the throttled entry is left, and nothing of ours runs: it waits out the pause.
		expect(h.waits).toEqual([1000]);
		expect(h.started.slice(6).map((s) => `${names(s.chain)}@${s.at}`)).toEqual(['e2@1000']);
		h.started[6]!.end();
		await expect(done).resolves.toEqual([]);
	});

	it('stop leaves what is still waiting unsent, after the running chains end', async () => {
		const h = harness({ lanes: 1, longest: 2 });
		h.pool.entries = entries(6);
		const done = runSerialChains(h.pool);
		await settle();
		expect(h.started).toHaveLength(1);
		h.stop();
		h.started[0]!.end();
		const unsent = await done;
		expect(unsent.map((e) => e.index).sort()).toEqual([2, 3, 4, 5]);
		expect(h.started).toHaveLength(1);
	});
});

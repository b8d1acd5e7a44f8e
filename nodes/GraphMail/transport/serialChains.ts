/**
 * Serial `$batch` chains of one mailbox run as a pool, not in rounds: a chain starts whenever a
 * lane of the mailbox's adaptive limit is free, cut from what is waiting at that moment, so a
 * chain broken by a throttle goes again as soon as its Retry-After has passed and a lane is free.
 *
 * How long a chain is decides how fast the limit learns: it hears back only when a whole chain
 * has answered. At the cap, chains are long (whole rounds of up to 20, so no lane idles at the
 * end); below it -- another sender has been met -- they are short, so that once the mailbox is
 * free again the limit grows back within a second instead of one 20-send chain (2 s) per step.
 *
 * Knows nothing of Graph: the caller sends a chain and says which of its entries go again.
 */
/** One sub-request waiting for a chain. */
export interface ChainEntry {
	index: number;
	/** Answers received so far: entries never tried go first, spreading probes over many entries. */
	attempts: number;
	/** When it may go (again). */
	readyAt: number;
}

/**
 * Chain lengths for `count` entries with `lanes` chains at once: whole rounds of chains of at most
 * `longest`, within one of each other, so that no lane idles at the end while others still run.
 */
export function chainLengths(count: number, lanes: number, longest: number): number[] {
	const width = Math.max(1, lanes);
	const chains = Math.min(count, Math.ceil(count / (Math.max(1, longest) * width)) * width);
	return Array.from(
		{ length: chains },
		(_, i) => Math.floor(((i + 1) * count) / chains) - Math.floor((i * count) / chains),
	);
}

export interface SerialChainPool<T extends ChainEntry> {
	entries: T[];
	/** Chains to keep in flight now (read before each start: the limit adapts). */
	lanes: () => number;
	/** The longest chain to start now (short while the limit is below its cap). */
	longest: () => number;
	/** No chain starts before this time (a throttled sub-request's Retry-After). */
	pausedUntil: () => number;
	now: () => number;
	wait: (ms: number) => Promise<void>;
	/** Asked before each chain starts: true leaves it and everything still waiting unsent. */
	stop?: () => boolean;
	/** The longest prefix of `ready` (at most `length`) that fits one batch. */
	cut: (ready: T[], length: number) => T[];
	/**
	 * Sends one chain; resolves with its entries that go again (their `readyAt` set) and whether
	 * Graph throttled it.
	 */
	send: (chain: T[]) => Promise<{ again: T[]; throttled: boolean }>;
}

/** The longest chain below the limit's cap: about half a second of sends, so it hears back quickly. */
export const SHORT_CHAIN = 4;

const freshFirst = (a: ChainEntry, b: ChainEntry) => a.attempts - b.attempts || a.index - b.index;

/** Runs every entry (and what goes again); resolves with the entries `stop` left unsent. */
export async function runSerialChains<T extends ChainEntry>(
	pool: SerialChainPool<T>,
): Promise<T[]> {
	let waiting = [...pool.entries];
	const running = new Set<Promise<void>>();
	/** The lengths of the chains still to start in this round, planned for these lanes and longest. */
	let plan = { lengths: [] as number[], lanes: 0, longest: 0 };
	const nextLength = (): number => {
		const lanes = pool.lanes();
		const longest = pool.longest();
		if (!plan.lengths.length || plan.lanes !== lanes || plan.longest !== longest) {
			plan = { lengths: chainLengths(waiting.length, lanes, longest), lanes, longest };
		}
		return plan.lengths.shift()!;
	};
	/**
	 * Lanes handed on during a pause: a chain that ended unthrottled held a slot of the mailbox, and
	 * the next chain may take it at once. The pause (a Retry-After) holds back only lanes beyond
	 * those, so a sender keeps the share it has instead of idling its lanes for a whole second.
	 */
	let handoffs = 0;
	for (;;) {
		if (!waiting.length || running.size >= pool.lanes()) {
			if (!running.size) return [];
			await Promise.race(running);
			continue;
		}
		const now = pool.now();
		const readyAt = Math.min(...waiting.map((e) => e.readyAt));
		const paused = pool.pausedUntil() > now;
		if (!paused) handoffs = 0;
		if (readyAt > now || (paused && !handoffs)) {
			if (paused && running.size) {
				// One of ours may end and hand its lane on before the pause is over.
				await Promise.race(running);
				continue;
			}
			await pool.wait(Math.max(readyAt, pool.pausedUntil()) - now);
			continue;
		}
		if (paused) handoffs--;
		if (pool.stop?.()) {
			await Promise.all(running);
			return waiting;
		}
		const ready = waiting.filter((entry) => entry.readyAt <= now).sort(freshFirst);
		const chain = pool.cut(ready, nextLength()).sort((a, b) => a.index - b.index);
		const taken = new Set(chain);
		waiting = waiting.filter((entry) => !taken.has(entry));
		const sending: Promise<void> = pool
			.send(chain)
			.then(({ again, throttled }) => {
				waiting.push(...again);
				if (!throttled) handoffs++;
			})
			.finally(() => running.delete(sending));
		running.add(sending);
	}
}

/** The one concurrency primitive of the nodes (no I/O). */

/**
 * At most `limit` slots in use per key (a mailbox), FIFO per key. A task may take several slots
 * (a `$batch`, which Graph runs 4 sub-requests at a time). Created per node execution (never
 * module state), so it holds for one execution on one worker.
 */
export class KeyedLimiter {
	private readonly used = new Map<string, number>();
	private readonly waiting = new Map<string, Array<{ weight: number; wake: () => void }>>();

	constructor(readonly limit: number) {}

	async run<T>(key: string, task: () => Promise<T>, weight = 1): Promise<T> {
		const slots = Math.max(1, Math.min(this.limit, weight));
		await this.acquire(key, slots);
		try {
			return await task();
		} finally {
			this.release(key, slots);
		}
	}

	private async acquire(key: string, slots: number): Promise<void> {
		const queue = this.waiting.get(key);
		if (!queue?.length && (this.used.get(key) ?? 0) + slots <= this.limit) {
			this.used.set(key, (this.used.get(key) ?? 0) + slots);
			return;
		}
		await new Promise<void>((wake) => {
			const list = queue ?? [];
			list.push({ weight: slots, wake });
			this.waiting.set(key, list);
		});
	}

	private release(key: string, slots: number): void {
		let used = (this.used.get(key) ?? slots) - slots;
		const queue = this.waiting.get(key);
		// Wake waiters in order while they fit; the head waits rather than being overtaken.
		while (queue?.length && used + queue[0].weight <= this.limit) {
			const next = queue.shift()!;
			used += next.weight;
			next.wake();
		}
		if (queue && queue.length === 0) this.waiting.delete(key);
		if (used === 0) this.used.delete(key);
		else this.used.set(key, used);
	}
}

/** Runs `task` over `inputs` with at most `concurrency` at a time, results in input order. */
export async function mapLimited<I, O>(inputs: I[], concurrency: number, task: (input: I, index: number) => Promise<O>): Promise<O[]> {
	const limiter = new KeyedLimiter(Math.max(1, concurrency));
	return await Promise.all(inputs.map(async (input, index) => await limiter.run('', async () => await task(input, index))));
}

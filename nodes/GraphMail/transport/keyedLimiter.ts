/**
 * At most `limit` tasks in flight per key (a mailbox), FIFO per key. Created per node
 * execution (never module state), so it holds for one execution on one worker.
 */
export class KeyedLimiter {
	private readonly running = new Map<string, number>();
	private readonly waiting = new Map<string, Array<() => void>>();

	constructor(private readonly limit: number) {}

	async run<T>(key: string, task: () => Promise<T>): Promise<T> {
		await this.acquire(key);
		try {
			return await task();
		} finally {
			this.release(key);
		}
	}

	private async acquire(key: string): Promise<void> {
		const inFlight = this.running.get(key) ?? 0;
		if (inFlight < this.limit) {
			this.running.set(key, inFlight + 1);
			return;
		}
		await new Promise<void>((resolve) => {
			const queue = this.waiting.get(key) ?? [];
			queue.push(resolve);
			this.waiting.set(key, queue);
		});
	}

	private release(key: string): void {
		const queue = this.waiting.get(key);
		const next = queue?.shift();
		if (next) {
			// The slot passes straight to the next waiter.
			next();
			return;
		}
		if (queue) this.waiting.delete(key);
		const inFlight = (this.running.get(key) ?? 1) - 1;
		if (inFlight === 0) this.running.delete(key);
		else this.running.set(key, inFlight);
	}
}

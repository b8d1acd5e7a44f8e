/** FIFO counting semaphore. */
export class Semaphore {
	private waiting: Array<() => void> = [];

	constructor(private available: number) {}

	async acquire(): Promise<() => void> {
		if (this.available > 0) {
			this.available -= 1;
		} else {
			await new Promise<void>((resolve) => this.waiting.push(resolve));
		}
		let released = false;
		return () => {
			if (released) return;
			released = true;
			const next = this.waiting.shift();
			if (next) next();
			else this.available += 1;
		};
	}
}

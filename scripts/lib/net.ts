import { createServer } from 'node:net';

/** A port that was free on 127.0.0.1 a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

/** Whether nothing listens on 127.0.0.1:port right now. */
export function portIsFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const server = createServer();
		server.unref();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/** `preferred` if free, else the next free one within 20, else any free port. */
export async function preferredPort(preferred: number, taken: number[] = []): Promise<number> {
	for (let port = preferred; port < preferred + 20; port++) {
		if (!taken.includes(port) && (await portIsFree(port))) return port;
	}
	let port = await freePort();
	while (taken.includes(port)) port = await freePort();
	return port;
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Calls `probe` every `intervalMs` until it returns a value other than undefined; fails after
 * `timeoutMs` with `what` and the last probe error, or as soon as `abort` returns a reason.
 */
export async function waitFor<T>(
	what: string,
	probe: () => Promise<T | undefined>,
	options: { timeoutMs: number; intervalMs?: number; abort?: () => string | undefined },
): Promise<T> {
	const deadline = Date.now() + options.timeoutMs;
	let lastError: unknown;
	for (;;) {
		const reason = options.abort?.();
		if (reason) throw new Error(`${what}: ${reason}`);
		try {
			const value = await probe();
			if (value !== undefined) return value;
		} catch (error) {
			lastError = error;
		}
		if (Date.now() > deadline) {
			const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
			throw new Error(
				`timed out after ${Math.round(options.timeoutMs / 1000)} s waiting for ${what}${detail}`,
			);
		}
		await delay(options.intervalMs ?? 250);
	}
}

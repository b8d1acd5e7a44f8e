import type { Logger } from '../../scripts/lib/log';
import { provisionedRuntime } from '../../scripts/lib/paths';
import { startQueueStack, type QueueStack } from '../../scripts/lib/queue-stack';

/** The queue-mode stack a test file runs on (main, two workers, Redis, PostgreSQL, the emulator). */
export async function startTestStack(
	log: Logger,
	options: { workerConcurrency?: number } = {},
): Promise<QueueStack> {
	const runtime = provisionedRuntime();
	if (!runtime) throw new Error('n8n is not provisioned: run bash scripts/provision.sh --queue');
	return await startQueueStack({
		runtime,
		workers: 2,
		...options,
		owner: {
			email: 'owner@queue.test',
			password: 'Queue-Password-1',
			firstName: 'Queue',
			lastName: 'Owner',
		},
		log,
	});
}

/** Polls `check` until it gives a value; a check that throws counts as "not yet". */
export async function waitFor<T>(
	what: string,
	check: () => Promise<T | undefined>,
	timeoutMs = 120_000,
	intervalMs = 250,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check().catch(() => undefined);
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
}

/**
 * Benchmark (prints figures; not a test): Get Many with Return All and Simplify over 10,000 seeded
 * messages, the emulator adding 20 ms of latency to every answer, this package's Graph Mail node
 * against n8n's built-in Microsoft Outlook node (Message > Get Many, Return All) in the same run.
 * Both read the whole mailbox (`/me/messages`), in the real n8n-core engine, signed by n8n-core.
 * Targets (issue 5): at most 11 requests; at least 3x faster.
 *
 *   npm run bench:get-many            (needs the provisioned n8n: npm run provision)
 *   BENCH_MESSAGES=2000 BENCH_LATENCY_MS=20 BENCH_RUNS=3 npm run bench:get-many
 */
import '../test/setup/env';

import { performance } from 'node:perf_hooks';

import type { INodeParameters } from 'n8n-workflow';

import {
	BUILTIN_OUTLOOK_CREDENTIAL_TYPE,
	BUILTIN_OUTLOOK_NODE_TYPE,
	builtinOutlookAvailable,
	connectBuiltinOutlookCredential,
	registerBuiltinOutlook,
} from '../test/harness/builtinOutlook';
import type { RunNodeOptions } from '../test/harness/engine';
import { startTestEnvironment, type TestEnvironment } from '../test/harness/environment';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 10_000);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 1));

interface Figures {
	label: string;
	items: number;
	requests: number;
	wallMs: number[];
}

async function measure(
	env: TestEnvironment,
	label: string,
	options: RunNodeOptions,
): Promise<Figures> {
	const figures: Figures = { label, items: 0, requests: 0, wallMs: [] };
	for (let run = 0; run < RUNS; run++) {
		env.emulator.control.resetCounters();
		const started = performance.now();
		const result = await env.engine.runNode(options);
		const wallMs = performance.now() - started;
		if (result.error) throw new Error(`${label} failed: ${result.error.message}`);
		figures.items = result.items.length;
		figures.requests = env.emulator.control.counters().requests;
		figures.wallMs.push(wallMs);
	}
	return figures;
}

const median = (values: number[]): number => {
	const middle = [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
	if (middle === undefined) throw new Error('no runs to take the median of');
	return middle;
};

async function main(): Promise<void> {
	if (!builtinOutlookAvailable()) {
		throw new Error(
			'The provisioned n8n is missing (it holds the built-in Outlook node): run `npm run provision` first',
		);
	}
	const env = await startTestEnvironment();
	try {
		registerBuiltinOutlook(env.engine);
		await connectBuiltinOutlookCredential(env.engine, env.emulator, { userId: env.userId });
		env.emulator.control.seedMessages(env.userId, 'inbox', MESSAGES, {
			subject: 'Benchmark message',
		});
		const total = env.emulator.control
			.mailbox(env.userId)
			.folders.reduce((sum, folder) => sum + folder.messages.length, 0);

		const ours: INodeParameters = {
			resource: 'message',
			operation: 'getAll',
			folder: 'all',
			returnAll: true,
			output: 'simple',
		};
		const builtin: INodeParameters = {
			resource: 'message',
			operation: 'getAll',
			returnAll: true,
			output: 'simple',
		};

		// warm up both code paths (module loading, token use) on a tiny page
		await env.engine.runNode({ parameters: { ...ours, returnAll: false, limit: 1 } });
		await env.engine.runNode({
			parameters: { ...builtin, returnAll: false, limit: 1 },
			nodeType: BUILTIN_OUTLOOK_NODE_TYPE,
			typeVersion: 2,
			credentialType: BUILTIN_OUTLOOK_CREDENTIAL_TYPE,
			credentialId: 'builtin-outlook-credential',
		});

		env.emulator.control.setOptions({ latencyMs: LATENCY_MS });
		const graphMail = await measure(env, 'Graph Mail (this package)', { parameters: ours });
		const outlook = await measure(env, 'Microsoft Outlook (n8n built-in v2)', {
			parameters: builtin,
			nodeType: BUILTIN_OUTLOOK_NODE_TYPE,
			typeVersion: 2,
			credentialType: BUILTIN_OUTLOOK_CREDENTIAL_TYPE,
			credentialId: 'builtin-outlook-credential',
		});

		const lines = [
			`Get Many, Return All, Simplify: ${total} messages in the mailbox (${MESSAGES} seeded), emulator latency ${LATENCY_MS} ms, ${RUNS} run(s) each`,
			'',
			...[graphMail, outlook].map(
				(f) =>
					`${f.label.padEnd(38)} items ${String(f.items).padStart(6)}   requests ${String(f.requests).padStart(4)}   wall ${median(f.wallMs).toFixed(0).padStart(6)} ms` +
					(RUNS > 1 ? `  (runs: ${f.wallMs.map((ms) => ms.toFixed(0)).join(', ')})` : ''),
			),
			'',
			`speed-up: ${(median(outlook.wallMs) / median(graphMail.wallMs)).toFixed(1)}x (target >= 3x)`,
			`requests: ${graphMail.requests} (target <= 11)`,
			graphMail.items === total
				? 'Graph Mail returned every message.'
				: `WARNING: Graph Mail returned ${graphMail.items} of ${total} messages`,
			outlook.items === total
				? 'Outlook returned every message.'
				: `note: Outlook returned ${outlook.items} of ${total} messages`,
		];
		process.stdout.write(`${lines.join('\n')}\n`);
	} finally {
		await env.stop();
	}
}

main().catch((error: unknown) => {
	process.stderr.write(
		`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
	);
	process.exitCode = 1;
});

/**
 * Benchmark (prints figures; not a test): n8n 2.40.7 in queue mode -- Redis, PostgreSQL, one main
 * and two workers (scripts/lib/queue-stack.ts), this package installed into each from its tarball,
 * the emulator spending 100 ms per send with 4 requests in flight per mailbox and 20 ms latency.
 *  (a) one mailbox: two webhook calls of N/2 mails each, one execution per worker, at the same
 *      time. Wall time against the floor N x 100 ms / 4, 429s per request, lost and duplicates.
 *  (b) ten mailboxes: the same N mails spread over 10 mailboxes. Speed-up against (a).
 *
 *   bash scripts/provision.sh --queue && npm run bench:queue
 *   BENCH_ITEMS=2000 BENCH_SCENARIOS=a,b BENCH_RUNS=3 npm run bench:queue
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

import { makeLogger } from '../scripts/lib/log';
import { provisionedRuntime } from '../scripts/lib/paths';
import {
	activeWebhookWorkflow,
	bulkWorkflow,
	callBulk,
	executionError,
	executionRecord,
	setUpMailboxes,
	workerOf,
} from '../scripts/lib/queue-scenarios';
import { startQueueStack, type QueueStack } from '../scripts/lib/queue-stack';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 2000);
const SCENARIOS = (process.env.BENCH_SCENARIOS ?? 'a,b').split(',');
/** Runs of the scenarios on the same stack (figures vary from run to run with the machine's load). */
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 1));
const SERVER_TIME_MS = 100;
const LATENCY_MS = 20;
const IN_FLIGHT = 4;
const log = makeLogger('bench:queue');

interface Figures {
	label: string;
	wallMs: number;
	floorMs: number;
	delivered: number;
	duplicates: number;
	lost: number;
	subRequests: number;
	throttled: number;
	peakInFlight: number;
	workers: string[];
	/** Per execution: when each node started (from the webhook call) and how long it ran. */
	timings: string[];
}

async function executionIds(stack: QueueStack, workflowId: string): Promise<string[]> {
	return (await stack.client.listExecutions(workflowId)).map((execution) => execution.id);
}

async function run(
	stack: QueueStack,
	label: string,
	mailboxCount: number,
	tag: string,
): Promise<Figures> {
	const boxes = await setUpMailboxes(stack, tag, mailboxCount - 1);
	const path = `bulk-${tag}`;
	const workflow = await activeWebhookWorkflow(
		stack,
		bulkWorkflow({ name: `Bulk ${tag}`, path, credential: boxes.credential }),
		path,
	);
	const control = stack.emulator.control;
	await control.resetCounters();
	const half = Math.floor(ITEMS / 2);
	const started = performance.now();
	const calledAt = Date.now();
	const answers = await Promise.all(
		[0, 1].map((part) =>
			callBulk(workflow.url, {
				count: part === 0 ? half : ITEMS - half,
				tag: `${tag}p${part}`,
				mailboxes: boxes.all,
			}),
		),
	);
	const wallMs = performance.now() - started;
	for (const answer of answers)
		if (answer.status !== 200)
			log(`webhook answered ${answer.status}: ${answer.text.slice(0, 300)}`);
	const counters = await control.counters();
	const ids = await executionIds(stack, workflow.id);
	const timings: string[] = [];
	for (const id of ids) {
		const record = await executionRecord(stack, id);
		const problem = executionError(record);
		if (problem) log(`execution ${id} failed: ${problem}`);
		const nodes = Object.entries(record.data.resultData.runData).map(([node, runs]) => {
			const run = runs[0];
			const at = run?.startTime ? ((run.startTime - calledAt) / 1000).toFixed(1) : '?';
			return `${node} at ${at} s for ${((run?.executionTime ?? 0) / 1000).toFixed(1)} s`;
		});
		timings.push(`${id}: ${nodes.join(', ')}`);
	}
	const perMailbox = Math.ceil(ITEMS / mailboxCount);
	return {
		label,
		wallMs,
		floorMs: (perMailbox * SERVER_TIME_MS) / IN_FLIGHT,
		delivered: counters.delivered,
		duplicates: counters.duplicatesDelivered,
		lost: ITEMS - (counters.delivered - counters.duplicatesDelivered),
		subRequests: counters.requestsByRoute.sendMail ?? 0,
		throttled: counters.throttled429,
		peakInFlight: Math.max(0, ...Object.values(counters.peakInFlightByMailbox)),
		workers: ids.map((id) => `${id}@${workerOf(stack, id) ?? '?'}`),
		timings,
	};
}

function print(figures: Figures): void {
	const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
	console.log(
		[
			`${figures.label}:`,
			`  wall ${s(figures.wallMs)} (floor ${s(figures.floorMs)}: ${(figures.wallMs / figures.floorMs).toFixed(2)}x)`,
			`  delivered ${figures.delivered}, lost ${figures.lost}, duplicates ${figures.duplicates}`,
			`  sendMail requests ${figures.subRequests}, 429s ${figures.throttled} (${((100 * figures.throttled) / Math.max(1, figures.subRequests)).toFixed(1)}%), peak in flight per mailbox ${figures.peakInFlight}`,
			`  executions ${figures.workers.join(', ')}`,
			...figures.timings.map((line) => `    ${line}`),
		].join('\n'),
	);
}

async function main(): Promise<void> {
	const runtime = provisionedRuntime();
	if (!runtime) throw new Error('n8n is not provisioned: run bash scripts/provision.sh');
	const stack = await startQueueStack({
		runtime,
		workers: 2,
		owner: {
			email: 'owner@bench.test',
			password: 'Bench-Password-1',
			firstName: 'Bench',
			lastName: 'Owner',
		},
		log,
		keep: process.env.BENCH_KEEP === '1',
		workerConcurrency: 1,
	});
	try {
		await stack.emulator.control.setOptions({
			serverTimeMs: { sendMail: SERVER_TIME_MS },
			latencyMs: LATENCY_MS,
			maxConcurrentPerMailbox: IN_FLIGHT,
		});
		console.log(
			`Queue mode: n8n ${runtime.n8nVersion}, main + 2 workers, Redis, PostgreSQL, binary data in the database; ${ITEMS} mails per scenario as two webhook calls; emulator ${SERVER_TIME_MS} ms per send, ${IN_FLIGHT} in flight per mailbox, ${LATENCY_MS} ms latency`,
		);
		for (let round = 1; round <= RUNS; round++) {
			if (RUNS > 1)
				console.log(`Run ${round} of ${RUNS} (load average ${loadavg()[0]!.toFixed(1)}):`);
			let one: Figures | undefined;
			if (SCENARIOS.includes('a')) {
				one = await run(
					stack,
					`(a) ${ITEMS} mails, one mailbox, two workers`,
					1,
					`one${Date.now() % 100000}`,
				);
				print(one);
			}
			if (SCENARIOS.includes('b')) {
				const ten = await run(
					stack,
					`(b) ${ITEMS} mails over 10 mailboxes, two workers`,
					10,
					`ten${Date.now() % 100000}`,
				);
				print(ten);
				if (one)
					console.log(`  speed-up over one mailbox: ${(one.wallMs / ten.wallMs).toFixed(1)}x`);
			}
		}
	} finally {
		await stack.stop();
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});

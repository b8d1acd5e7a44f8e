/**
 * Benchmark (prints figures; not a test): bulk sending. 1,000 items, each a mail to its own
 * recipient (external addresses: the emulator counts every delivery and every duplicate), the
 * emulator spending 100 ms per send (sub-requests too) with 4 requests in flight per mailbox and
 * 20 ms of latency. This package's Graph Mail node against n8n's built-in Microsoft Outlook node
 * (Message > Send), both in n8n-core's real engine, in the same run:
 *  (a) clean: wall time, HTTP requests, lost and duplicate mails; the floor N x 100 ms / 4.
 *      Targets (issue 6): >= 3.5x faster than the built-in node, within 1.2x of the floor.
 *  (b) 10% faults: 429 with Retry-After and 503 on the sends (sub-requests included), connection
 *      resets and answers lost after commit on the HTTP requests (the `$batch` envelope for this
 *      node, each sendMail for the built-in one). Target: every mail delivered exactly once.
 *      The built-in node runs with Continue On Fail (it has no retries): its lost mails.
 *  (c) Retry On Fail after a mid-run failure (a burst of 503s once half the mails are delivered;
 *      Max Attempts 1 for this node, so the burst fails it): n8n runs the node again. Target: no
 *      mail delivered twice. The built-in node, the same: its duplicates.
 *
 *   npm run bench:bulk-send            (needs the provisioned n8n for the built-in node: npm run provision)
 *   BENCH_ITEMS=1000 BENCH_BUILTIN_ITEMS=200 BENCH_SCENARIOS=a,b,c npm run bench:bulk-send
 * BENCH_STRICT=1: the 100 ms server time on every Graph request (the Exactly Once lookups too),
 * not only on the sends.
 * With BENCH_BUILTIN_ITEMS below BENCH_ITEMS the built-in node's wall time is extrapolated linearly
 * (it sends one mail after the other) and marked so.
 */
import '../test/setup/env';

import { performance } from 'node:perf_hooks';

import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { FaultSpec } from '../emulator/contract';
import type { RunNodeOptions } from '../test/harness/engine';
import type { TestEnvironment } from '../test/harness/environment';

import {
	BUILTIN_OUTLOOK_RUN,
	itemCounts,
	markdownTable,
	runBenchmark,
	seconds as secondsOf,
	startComparison,
} from './support';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 1000);
const BUILTIN_ITEMS = Math.min(ITEMS, Number(process.env.BENCH_BUILTIN_ITEMS ?? ITEMS));
const SCENARIOS = (process.env.BENCH_SCENARIOS ?? 'a,b,c').split(',');
const SERVER_TIME_MS = 100;
const LATENCY_MS = 20;
const IN_FLIGHT = 4;
const STRICT = process.env.BENCH_STRICT === '1';

type NodeKind = 'graphMail' | 'builtin';

interface Figures {
	node: NodeKind;
	items: number;
	wallMs: number;
	httpRequests: number;
	sendOperations: number;
	lookups: number;
	delivered: number;
	duplicates: number;
	lost: number;
	okItems: number;
	errorItems: number;
	alreadySent: number;
	faults: Record<string, number>;
	throttled: number;
	nodeError?: string;
	tries?: number;
}

let runCounter = 0;

function items(n: number, tag: string): INodeExecutionData[] {
	return Array.from({ length: n }, (_, i) => ({
		json: { to: `r${i}.${tag}@example.com`, subject: `Bulk ${tag} #${i}`, name: `Recipient ${i}` },
	}));
}

function parameters(node: NodeKind, delivery: INodeParameters = {}): INodeParameters {
	if (node === 'graphMail') {
		return {
			resource: 'message',
			operation: 'send',
			toRecipients: '={{ $json.to }}',
			subject: '={{ $json.subject }}',
			bodyContentType: 'text',
			bodyContent: '={{ "Hello " + $json.name + ", this is your personal mail." }}',
			options: {},
			delivery,
		};
	}
	return {
		resource: 'message',
		operation: 'send',
		toRecipients: '={{ $json.to }}',
		subject: '={{ $json.subject }}',
		bodyContent: '={{ "Hello " + $json.name + ", this is your personal mail." }}',
		additionalFields: { bodyContentType: 'Text' },
	};
}

function runOptions(
	node: NodeKind,
	params: INodeParameters,
	extra: Partial<RunNodeOptions>,
): RunNodeOptions {
	return node === 'graphMail'
		? { parameters: params, ...extra }
		: {
				parameters: params,
				...BUILTIN_OUTLOOK_RUN,
				...extra,
			};
}

interface Scenario {
	faults?: FaultSpec[];
	/** Run this node once more with these faults instead (a harder variant). */
	oursAgainWith?: { label: string; faults: FaultSpec[] };
	/** Inject these once `at` mails are delivered. */
	midRun?: { at: number; faults: (node: NodeKind) => FaultSpec[] };
	/** Graph Mail's Delivery Settings. */
	ours: INodeParameters;
	run: Partial<RunNodeOptions>;
	builtinRun: Partial<RunNodeOptions>;
}

async function measure(
	env: TestEnvironment,
	node: NodeKind,
	scenario: Scenario,
	n: number,
): Promise<Figures> {
	const { control } = env.emulator;
	const tag = `${node}${++runCounter}`;
	control.clearFaults();
	control.resetCounters();
	if (scenario.faults) control.injectFault(scenario.faults);
	let watcher: NodeJS.Timeout | undefined;
	if (scenario.midRun) {
		const { at, faults } = scenario.midRun;
		watcher = setInterval(() => {
			if (control.counters().delivered >= at) {
				control.injectFault(faults(node));
				clearInterval(watcher);
				watcher = undefined;
			}
		}, 5);
	}
	const params = parameters(node, scenario.ours);
	const started = performance.now();
	const result = await env.engine.runNode(
		runOptions(node, params, {
			...(node === 'graphMail' ? scenario.run : scenario.builtinRun),
			items: items(n, tag),
		}),
	);
	const wallMs = performance.now() - started;
	if (watcher) clearInterval(watcher);
	const counters = control.counters();
	const distinct = counters.delivered - counters.duplicatesDelivered;
	const runData = result.run.data.resultData.runData['Node Under Test'] ?? [];
	return {
		node,
		items: n,
		wallMs,
		httpRequests: counters.requests,
		sendOperations: counters.requestsByRoute.sendMail ?? 0,
		lookups: counters.requestsByRoute.listMessages ?? 0,
		delivered: counters.delivered,
		duplicates: counters.duplicatesDelivered,
		lost: n - distinct,
		...itemCounts(result.items),
		alreadySent: result.items.filter((item) => item.json.alreadySent === true).length,
		faults: counters.faultsServed,
		throttled: counters.throttled429,
		nodeError: result.error?.message,
		tries: runData.length,
	};
}

const seconds = (ms: number) => secondsOf(ms, 1);

function table(rows: Figures[], extrapolate: boolean): string {
	const header = [
		'node',
		'items',
		'wall time',
		'HTTP requests',
		'sends run',
		'lookups',
		'delivered',
		'lost',
		'duplicates',
		'faults served',
		'429 (cap)',
		'node result',
	];
	const lines = rows.map((f) => {
		const scaled = extrapolate && f.node === 'builtin' && f.items < ITEMS;
		return [
			f.node === 'graphMail' ? 'Graph Mail (this package)' : 'built-in Microsoft Outlook v2',
			String(f.items),
			`${seconds(f.wallMs)}${scaled ? ` (x${ITEMS / f.items} = ${seconds((f.wallMs * ITEMS) / f.items)})` : ''}`,
			String(f.httpRequests),
			String(f.sendOperations),
			String(f.lookups),
			String(f.delivered),
			String(f.lost),
			String(f.duplicates),
			Object.entries(f.faults)
				.map(([kind, count]) => `${kind}:${count}`)
				.join(' ') || '-',
			String(f.throttled),
			`${f.nodeError ? `error "${f.nodeError.slice(0, 60)}"` : 'ok'}; ${f.okItems} ok, ${f.errorItems} error items${f.alreadySent ? `, ${f.alreadySent} alreadySent` : ''}${f.tries && f.tries > 1 ? `; ${f.tries} tries` : ''}`,
		];
	});
	return markdownTable(header, lines);
}

/** The built-in node's wall time for ITEMS mails (extrapolated when it ran fewer). */
const builtinWall = (f: Figures) => (f.wallMs * ITEMS) / f.items;

async function main(): Promise<void> {
	const { env, withBuiltin } = await startComparison();
	try {
		// Warm-up: module loading, token use, both code paths.
		for (const node of withBuiltin
			? (['graphMail', 'builtin'] as const)
			: (['graphMail'] as const)) {
			const warm = await env.engine.runNode(
				runOptions(node, parameters(node), { items: items(2, `warm-${node}`) }),
			);
			if (warm.error) throw new Error(`warm-up of ${node} failed: ${warm.error.message}`);
		}
		env.emulator.control.setOptions({
			serverTimeMs: STRICT ? SERVER_TIME_MS : { sendMail: SERVER_TIME_MS },
			latencyMs: LATENCY_MS,
			maxConcurrentPerMailbox: IN_FLIGHT,
		});
		const floorMs = (ITEMS * SERVER_TIME_MS) / IN_FLIGHT;
		const out: string[] = [
			`Bulk send: ${ITEMS} mails, one recipient each; emulator ${SERVER_TIME_MS} ms per ${STRICT ? 'request (strict: lookups too)' : 'send'}, ${IN_FLIGHT} in flight per mailbox, ${LATENCY_MS} ms latency; n8n-core ${require('n8n-core/package.json').version}`,
			`floor: ${ITEMS} x ${SERVER_TIME_MS} ms / ${IN_FLIGHT} = ${seconds(floorMs)}`,
		];
		const extrapolate = BUILTIN_ITEMS < ITEMS;

		const scenarios: Record<string, { title: string; scenario: Scenario }> = {
			a: {
				title: '(a) clean run',
				scenario: { ours: {}, run: {}, builtinRun: {} },
			},
			b: {
				title:
					'(b) 10% faults: 429 (Retry-After 1 s) 4%, 503 3% on every send; reset 1.5%, lost after commit 1.5% on every HTTP send request',
				scenario: {
					faults: [
						{ route: 'sendMail', kind: '429', retryAfter: '1', probability: 0.04, inBatch: true },
						{ route: 'sendMail', kind: '503', probability: 0.03, inBatch: true },
						{ route: ['sendMail', 'batch'], kind: 'reset', probability: 0.015 },
						{ route: ['sendMail', 'batch'], kind: 'lostResponse', probability: 0.015 },
					],
					// This node makes ~60 HTTP requests, so 3% of them is about two network faults: it runs again
					// with 5% resets and 5% lost answers per HTTP request (every lost or reset $batch holds 20 mails).
					oursAgainWith: {
						label: 'Graph Mail with 5% resets + 5% lost answers per HTTP request',
						faults: [
							{ route: 'sendMail', kind: '429', retryAfter: '1', probability: 0.04, inBatch: true },
							{ route: 'sendMail', kind: '503', probability: 0.03, inBatch: true },
							{ route: ['sendMail', 'batch'], kind: 'reset', probability: 0.05 },
							{ route: ['sendMail', 'batch'], kind: 'lostResponse', probability: 0.05 },
						],
					},
					ours: {},
					run: {},
					builtinRun: { continueOnFail: true },
				},
			},
			c: {
				title:
					'(c) Retry On Fail (max tries 3, 1 s between) after a mid-run failure: 503s once half the mails are delivered',
				scenario: {
					midRun: {
						at: 0,
						faults: (node) =>
							node === 'graphMail'
								? [{ route: 'sendMail', kind: '503', times: 4, inBatch: true }]
								: [{ route: 'sendMail', kind: '503', times: 1 }],
					},
					ours: { maxAttempts: 1 },
					run: { retryOnFail: true, maxTries: 3, waitBetweenTries: 1000 },
					builtinRun: { retryOnFail: true, maxTries: 3, waitBetweenTries: 1000 },
				},
			},
		};

		for (const id of SCENARIOS) {
			const entry = scenarios[id];
			if (!entry) continue;
			if (entry.scenario.midRun) entry.scenario.midRun.at = Math.floor(ITEMS / 2);
			const ours = await measure(env, 'graphMail', entry.scenario, ITEMS);
			const rows = [ours];
			let harder: Figures | undefined;
			if (entry.scenario.oursAgainWith) {
				harder = await measure(
					env,
					'graphMail',
					{ ...entry.scenario, faults: entry.scenario.oursAgainWith.faults },
					ITEMS,
				);
				rows.push(harder);
			}
			let builtin: Figures | undefined;
			if (withBuiltin) {
				if (entry.scenario.midRun) entry.scenario.midRun.at = Math.floor(BUILTIN_ITEMS / 2);
				builtin = await measure(env, 'builtin', entry.scenario, BUILTIN_ITEMS);
				rows.push(builtin);
			}
			out.push('', entry.title, table(rows, extrapolate));
			const verdicts: string[] = [];
			if (builtin)
				verdicts.push(
					`speed-up vs built-in: ${(builtinWall(builtin) / ours.wallMs).toFixed(2)}x${id === 'a' ? ' (target >= 3.5x)' : ''}`,
				);
			verdicts.push(
				`vs floor: ${(ours.wallMs / floorMs).toFixed(2)}x${id === 'a' ? ' (target <= 1.2x)' : ''}`,
			);
			verdicts.push(
				`Graph Mail: ${ours.lost === 0 && ours.duplicates === 0 && !ours.nodeError ? 'every mail delivered exactly once' : `NOT exactly once: ${ours.lost} lost, ${ours.duplicates} duplicates${ours.nodeError ? `, node error ${ours.nodeError}` : ''}`}`,
			);
			if (ours.sendOperations > ITEMS)
				verdicts.push(
					`Graph Mail re-sent ${ours.sendOperations - ITEMS} send operation(s) (429/503 answers, or not found after a lost answer)`,
				);
			if (harder) {
				verdicts.push(
					`${entry.scenario.oursAgainWith!.label} (row 2): ${seconds(harder.wallMs)}, ${harder.lost} lost, ${harder.duplicates} duplicates${harder.nodeError ? `, node error ${harder.nodeError}` : ''}, ${harder.sendOperations - ITEMS} send operations re-run`,
				);
			}
			if (builtin)
				verdicts.push(
					`built-in: ${builtin.lost} lost, ${builtin.duplicates} duplicates of ${builtin.items}`,
				);
			out.push(verdicts.join('; '));
			process.stdout.write(`${out.splice(0).join('\n')}\n`);
		}
	} finally {
		await env.stop();
	}
}

runBenchmark(main);

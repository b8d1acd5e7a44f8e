/**
 * Benchmark (prints figures; not a test): 200 replies. Each item replies to its own message in
 * Adele's Inbox (from its own external sender, so the emulator counts each delivery and each
 * duplicate). The emulator spends 100 ms per send (a reply, or the send of a reply draft) with 4
 * requests in flight per mailbox and 20 ms of latency. This package's Graph Mail node (Message >
 * Reply: one POST .../reply per item, as `$batch` sub-requests) against n8n's built-in Microsoft
 * Outlook node (Message > Reply: createReply then send, one item after the other), both in
 * n8n-core's real engine, in the same run:
 *  (a) clean: wall time, HTTP requests, lost and duplicate replies. Target (issue 15): >= 3x faster.
 *  (b) 10% faults: 429 with Retry-After and 503 on the replies (sub-requests included), connection
 *      resets and answers lost after commit on the HTTP requests. Target: every reply once.
 *      The built-in node runs with Continue On Fail (it has no retries): its lost replies.
 *
 *   npm run bench:reply                 (needs the provisioned n8n for the built-in node: npm run provision)
 *   BENCH_ITEMS=200 BENCH_SCENARIOS=a,b npm run bench:reply
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
	seconds,
	startComparison,
} from './support';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 200);
const SCENARIOS = (process.env.BENCH_SCENARIOS ?? 'a,b').split(',');
const SERVER_TIME_MS = 100;
const LATENCY_MS = 20;
const IN_FLIGHT = 4;

type NodeKind = 'graphMail' | 'builtin';

interface Figures {
	node: NodeKind;
	wallMs: number;
	httpRequests: number;
	delivered: number;
	duplicates: number;
	lost: number;
	okItems: number;
	errorItems: number;
	nodeError?: string;
}

let runCounter = 0;

/** `n` originals in the user's Inbox, each with its own subject and external sender. */
function originals(
	env: TestEnvironment,
	n: number,
	tag: string,
): Array<{ id: string; subject: string }> {
	return Array.from({ length: n }, (_, i) => {
		const subject = `Bench reply ${tag} #${i}`;
		const id = env.emulator.control.deliver(env.userId, 'inbox', {
			subject,
			from: { name: `Customer ${i}`, address: `customer${i}.${tag}@example.com` },
			toRecipients: [{ address: 'adelev@contoso.onmicrosoft.com' }],
			body: { contentType: 'text', content: `Question ${i}` },
		});
		return { id, subject };
	});
}

function parameters(node: NodeKind): INodeParameters {
	const messageId = { __rl: true, mode: 'id', value: '={{ $json.id }}' };
	if (node === 'graphMail')
		return {
			resource: 'message',
			operation: 'reply',
			messageId,
			bodyMode: 'comment',
			comment: '={{ "Thanks for your message " + $json.n }}',
			options: {},
			delivery: {},
		};
	return {
		resource: 'message',
		operation: 'reply',
		messageId,
		replyToSenderOnly: true,
		message: '={{ "Thanks for your message " + $json.n }}',
		additionalFields: { bodyContentType: 'text' },
	};
}

function runOptions(node: NodeKind, extra: Partial<RunNodeOptions>): RunNodeOptions {
	return node === 'graphMail'
		? { parameters: parameters(node), ...extra }
		: {
				parameters: parameters(node),
				...BUILTIN_OUTLOOK_RUN,
				...extra,
			};
}

/** Replies per original in Sent Items. */
function repliesPer(env: TestEnvironment, subjects: string[]): number[] {
	const counts = new Map(subjects.map((subject) => [`RE: ${subject}`, 0]));
	const sent = env.emulator.control
		.mailbox(env.userId)
		.folders.find((folder) => folder.wellKnownName === 'sentitems');
	for (const message of sent?.messages ?? [])
		if (counts.has(message.subject)) counts.set(message.subject, counts.get(message.subject)! + 1);
	return [...counts.values()];
}

async function measure(
	env: TestEnvironment,
	node: NodeKind,
	faults: FaultSpec[] | undefined,
	extra: Partial<RunNodeOptions>,
): Promise<Figures> {
	const { control } = env.emulator;
	const tag = `${node}${++runCounter}`;
	const targets = originals(env, ITEMS, tag);
	const items: INodeExecutionData[] = targets.map((target, n) => ({ json: { id: target.id, n } }));
	control.clearFaults();
	control.resetCounters();
	if (faults) control.injectFault(faults);
	const started = performance.now();
	const result = await env.engine.runNode(runOptions(node, { ...extra, items }));
	const wallMs = performance.now() - started;
	const counters = control.counters();
	const per = repliesPer(
		env,
		targets.map((target) => target.subject),
	);
	return {
		node,
		wallMs,
		httpRequests: counters.requests,
		delivered: counters.delivered,
		duplicates: per.reduce((sum, count) => sum + Math.max(0, count - 1), 0),
		lost: per.filter((count) => count === 0).length,
		...itemCounts(result.items),
		nodeError: result.error?.message,
	};
}

function table(rows: Figures[]): string {
	const header = [
		'node',
		'wall time',
		'HTTP requests',
		'delivered',
		'lost',
		'duplicates',
		'result',
	];
	const lines = rows.map((f) => [
		f.node === 'graphMail' ? 'Graph Mail (this package)' : 'built-in Microsoft Outlook v2',
		seconds(f.wallMs),
		String(f.httpRequests),
		String(f.delivered),
		String(f.lost),
		String(f.duplicates),
		`${f.nodeError ? `error "${f.nodeError.slice(0, 60)}"; ` : ''}${f.okItems} ok, ${f.errorItems} error items`,
	]);
	return markdownTable(header, lines);
}

async function main(): Promise<void> {
	const { env, withBuiltin } = await startComparison();
	try {
		const nodes: NodeKind[] = withBuiltin ? ['graphMail', 'builtin'] : ['graphMail'];
		// Warm-up: module loading, token use, both code paths.
		for (const node of nodes) {
			const targets = originals(env, 2, `warm-${node}`);
			const warm = await env.engine.runNode(
				runOptions(node, { items: targets.map((target, n) => ({ json: { id: target.id, n } })) }),
			);
			if (warm.error) throw new Error(`warm-up of ${node} failed: ${warm.error.message}`);
		}
		env.emulator.control.setOptions({
			serverTimeMs: { replyMessage: SERVER_TIME_MS, sendDraft: SERVER_TIME_MS },
			latencyMs: LATENCY_MS,
			maxConcurrentPerMailbox: IN_FLIGHT,
		});
		process.stdout.write(
			`Reply: ${ITEMS} replies, each to its own message; emulator ${SERVER_TIME_MS} ms per send, ${IN_FLIGHT} in flight per mailbox, ${LATENCY_MS} ms latency; n8n-core ${require('n8n-core/package.json').version}\n`,
		);
		const scenarios: Record<
			string,
			{ title: string; faults?: FaultSpec[]; builtin: Partial<RunNodeOptions> }
		> = {
			a: { title: '(a) clean run', builtin: {} },
			b: {
				title:
					'(b) 10% faults: 429 (Retry-After 1 s) 4%, 503 3% on every reply; reset 1.5%, lost after commit 1.5% on every HTTP request that sends',
				faults: [
					{
						route: ['replyMessage', 'sendDraft'],
						kind: '429',
						retryAfter: '1',
						probability: 0.04,
						inBatch: true,
					},
					{ route: ['replyMessage', 'sendDraft'], kind: '503', probability: 0.03, inBatch: true },
					{ route: ['replyMessage', 'sendDraft', 'batch'], kind: 'reset', probability: 0.015 },
					{
						route: ['replyMessage', 'sendDraft', 'batch'],
						kind: 'lostResponse',
						probability: 0.015,
					},
				],
				builtin: { continueOnFail: true },
			},
		};
		for (const id of SCENARIOS) {
			const scenario = scenarios[id];
			if (!scenario) continue;
			const rows: Figures[] = [];
			for (const node of nodes)
				rows.push(
					await measure(env, node, scenario.faults, node === 'builtin' ? scenario.builtin : {}),
				);
			const [ours, builtin] = rows;
			const verdicts = [
				`Graph Mail: ${ours!.lost === 0 && ours!.duplicates === 0 && !ours!.nodeError ? 'every reply sent exactly once' : `NOT exactly once: ${ours!.lost} lost, ${ours!.duplicates} duplicates`}`,
			];
			if (builtin)
				verdicts.unshift(
					`speed-up vs built-in: ${(builtin.wallMs / ours!.wallMs).toFixed(2)}x${id === 'a' ? ' (target >= 3x)' : ''}`,
					`built-in: ${builtin.lost} lost, ${builtin.duplicates} duplicates`,
				);
			process.stdout.write(`\n${scenario.title}\n${table(rows)}\n${verdicts.join('; ')}\n`);
		}
	} finally {
		await env.stop();
	}
}

runBenchmark(main);

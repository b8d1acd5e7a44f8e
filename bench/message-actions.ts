/**
 * Benchmark (prints figures; not a test): message actions in bulk. 1,000 mark-as-read, 1,000 moves
 * and 1,000 deletes, each on 1,000 messages of its own, the emulator answering with 20 ms of
 * latency and 4 requests in flight per mailbox. This package's Graph Mail node (Update, Move,
 * Delete: `$batch`, 20 per request) against n8n's built-in Microsoft Outlook node (Message > Update,
 * Move, Delete: one request per message), both in n8n-core's real engine, in the same run.
 * Targets (issue 15): each operation in at most 55 HTTP requests and at least 8x faster than the
 * built-in node. Every message is checked afterwards (read, in the destination, in Deleted Items).
 *
 *   npm run bench:message-actions      (needs the provisioned n8n for the built-in node: npm run provision)
 *   BENCH_ITEMS=1000 BENCH_BUILTIN_ITEMS=200 npm run bench:message-actions
 * With BENCH_BUILTIN_ITEMS below BENCH_ITEMS the built-in node's wall time is extrapolated linearly
 * (it acts on one message after the other) and marked so.
 */
import '../test/setup/env';

import { performance } from 'node:perf_hooks';

import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { TestEnvironment } from '../test/harness/environment';

import {
	BUILTIN_OUTLOOK_RUN,
	itemCounts,
	markdownTable,
	runBenchmark,
	seconds,
	startComparison,
} from './support';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 1000);
const BUILTIN_ITEMS = Math.min(ITEMS, Number(process.env.BENCH_BUILTIN_ITEMS ?? ITEMS));
const LATENCY_MS = 20;
const IN_FLIGHT = 4;
const MAX_REQUESTS = 55;

type NodeKind = 'graphMail' | 'builtin';
type Action = 'markRead' | 'move' | 'delete';

const rl = (value: string, mode = 'id') => ({ __rl: true, mode, value });

interface Figures {
	node: NodeKind;
	action: Action;
	items: number;
	wallMs: number;
	httpRequests: number;
	okItems: number;
	errorItems: number;
	/** Messages in the state the action promises (read / in the destination / in Deleted Items). */
	verified: number;
	nodeError?: string;
}

let run = 0;

function parameters(node: NodeKind, action: Action, destination: string): INodeParameters {
	const messageId = rl('={{ $json.id }}');
	if (node === 'graphMail') {
		const base = { resource: 'message', messageId };
		if (action === 'markRead')
			return { ...base, operation: 'update', updateFields: { readStatus: 'read' } };
		if (action === 'move')
			return { ...base, operation: 'move', destinationFolder: rl(destination) };
		return { ...base, operation: 'delete' };
	}
	const base = { resource: 'message', messageId };
	if (action === 'markRead')
		return { ...base, operation: 'update', updateFields: { isRead: true } };
	if (action === 'move') return { ...base, operation: 'move', folderId: rl(destination) };
	return { ...base, operation: 'delete' };
}

function seed(env: TestEnvironment, n: number, tag: string): { source: string; ids: string[] } {
	const { control } = env.emulator;
	const source = control.createFolder(env.userId, `Bench ${tag}`).id;
	const ids = Array.from({ length: n }, (_, i) =>
		control.deliver(env.userId, source, { subject: `Bench ${tag} #${i}`, isRead: false }),
	);
	return { source, ids };
}

function verified(
	env: TestEnvironment,
	action: Action,
	tag: string,
	source: string,
	destination: string,
): number {
	const folders = env.emulator.control.mailbox(env.userId).folders;
	const mine = (folderId: string) =>
		folders
			.find((f) => f.id === folderId)!
			.messages.filter((m) => m.subject.startsWith(`Bench ${tag} #`));
	if (action === 'markRead') return mine(source).filter((m) => m.isRead).length;
	if (action === 'move') return mine(destination).length;
	// Deleted: gone from the source (Deleted Items for this node, Recoverable Items for DELETE).
	return ITEMS_OF.get(tag)! - mine(source).length;
}
const ITEMS_OF = new Map<string, number>();

async function measure(
	env: TestEnvironment,
	node: NodeKind,
	action: Action,
	n: number,
): Promise<Figures> {
	const { control } = env.emulator;
	const tag = `${node}-${action}-${++run}`;
	const { source, ids } = seed(env, n, tag);
	ITEMS_OF.set(tag, n);
	const destination = control.createFolder(env.userId, `Filed ${tag}`).id;
	const items: INodeExecutionData[] = ids.map((id) => ({ json: { id } }));
	control.resetCounters();
	const started = performance.now();
	const result = await env.engine.runNode({
		parameters: parameters(node, action, destination),
		items,
		...(node === 'builtin'
			? {
					...BUILTIN_OUTLOOK_RUN,
				}
			: {}),
	});
	const wallMs = performance.now() - started;
	const counters = control.counters();
	return {
		node,
		action,
		items: n,
		wallMs,
		httpRequests: counters.requests,
		...itemCounts(result.items),
		verified: verified(env, action, tag, source, destination),
		nodeError: result.error?.message,
	};
}

const builtinWall = (f: Figures) => (f.wallMs * ITEMS) / f.items;

function table(rows: Figures[]): string {
	const header = [
		'action',
		'node',
		'items',
		'wall time',
		'HTTP requests',
		'verified',
		'node result',
	];
	const lines = rows.map((f) => {
		const scaled = f.node === 'builtin' && f.items < ITEMS;
		return [
			f.action,
			f.node === 'graphMail' ? 'Graph Mail (this package)' : 'built-in Microsoft Outlook v2',
			String(f.items),
			`${seconds(f.wallMs)}${scaled ? ` (extrapolated x${ITEMS / f.items} = ${seconds(builtinWall(f))})` : ''}`,
			`${f.httpRequests}${scaled ? ` (x${ITEMS / f.items} = ${(f.httpRequests * ITEMS) / f.items})` : ''}`,
			`${f.verified}/${f.items}`,
			`${f.nodeError ? `error "${f.nodeError.slice(0, 60)}"` : 'ok'}; ${f.okItems} ok, ${f.errorItems} error items`,
		];
	});
	return markdownTable(header, lines);
}

async function main(): Promise<void> {
	const { env, withBuiltin } = await startComparison();
	try {
		// Warm-up: module loading, token use, every code path.
		for (const node of withBuiltin ? (['graphMail', 'builtin'] as const) : (['graphMail'] as const))
			for (const action of ['markRead', 'move', 'delete'] as const) {
				const warm = await measure(env, node, action, 2);
				if (warm.nodeError)
					throw new Error(`warm-up of ${node} ${action} failed: ${warm.nodeError}`);
			}
		env.emulator.control.setOptions({ latencyMs: LATENCY_MS, maxConcurrentPerMailbox: IN_FLIGHT });
		const out: string[] = [
			`Message actions: ${ITEMS} messages per action; emulator ${LATENCY_MS} ms latency, ${IN_FLIGHT} in flight per mailbox; n8n-core ${require('n8n-core/package.json').version}`,
		];
		const rows: Figures[] = [];
		const verdicts: string[] = [];
		for (const action of ['markRead', 'move', 'delete'] as const) {
			const ours = await measure(env, 'graphMail', action, ITEMS);
			rows.push(ours);
			let verdict = `${action}: Graph Mail ${seconds(ours.wallMs)}, ${ours.httpRequests} HTTP requests (target <= ${MAX_REQUESTS}: ${ours.httpRequests <= MAX_REQUESTS ? 'met' : 'MISSED'}), ${ours.verified}/${ITEMS} verified`;
			if (withBuiltin) {
				const builtin = await measure(env, 'builtin', action, BUILTIN_ITEMS);
				rows.push(builtin);
				const ratio = builtinWall(builtin) / ours.wallMs;
				verdict += `; built-in ${seconds(builtinWall(builtin))}${builtin.items < ITEMS ? ' (extrapolated)' : ''}; speed-up ${ratio.toFixed(1)}x (target >= 8x: ${ratio >= 8 ? 'met' : 'MISSED'})`;
			}
			verdicts.push(verdict);
		}
		out.push('', table(rows), '', ...verdicts);
		process.stdout.write(`${out.join('\n')}\n`);
	} finally {
		await env.stop();
	}
}

runBenchmark(main);

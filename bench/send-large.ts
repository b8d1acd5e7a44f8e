/**
 * Benchmark (prints figures; not a test): one mail with a 40 MB attachment and one with a 150 MB
 * attachment, in n8n's filesystem binary mode, sent by this package's Graph Mail node and by n8n's
 * built-in Microsoft Outlook node (Message > Send, from the provisioned n8n) against the emulator.
 *
 * Each send runs in its own child process (real n8n-core engine, real BinaryDataService in
 * filesystem mode) so that its memory is measured alone: peak RSS above the child's baseline
 * (after a warm-up send and a GC), sampled every 5 ms. The parent runs the emulator and a counting
 * proxy in front of Graph: bytes uploaded (emulator counter, upload-session PUT bodies) and bytes
 * of the Graph requests themselves. Target (issue 4): peak RSS above baseline under 64 MB for 150 MB.
 *
 *   npm run bench:send-large        (needs the provisioned n8n for the built-in node: npm run provision)
 *   BENCH_SIZES=40000000,150000000 BENCH_NODES=graphMail,builtinOutlook npm run bench:send-large
 */
import '../test/setup/env';

import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

import type { IBinaryData, INodeParameters } from 'n8n-workflow';

import { startEmulator } from '../emulator/server';
import { binaryStoragePath, setBinaryMode, storePattern } from '../test/harness/binaryData';
import {
	BUILTIN_OUTLOOK_CREDENTIAL_TYPE,
	BUILTIN_OUTLOOK_NODE_TYPE,
	BUILTIN_OUTLOOK_SCOPES,
	builtinOutlookAvailable,
	connectBuiltinOutlookCredential,
	registerBuiltinOutlook,
} from '../test/harness/builtinOutlook';
import { Engine } from '../test/harness/engine';
import { connectCredential, DEFAULT_SCOPES } from '../test/harness/environment';

const SIZES = (process.env.BENCH_SIZES ?? '40000000,150000000').split(',').map(Number);
const RECIPIENT = 'meganb@contoso.onmicrosoft.com';

type NodeKind = 'graphMail' | 'builtinOutlook';

interface ChildInput {
	node: NodeKind;
	binary: IBinaryData;
	storagePath: string;
	graphBaseUrl: string;
	loginBaseUrl: string;
	app: { clientId: string; clientSecret: string };
	tokens: unknown;
	subject: string;
}

interface ChildOutput {
	wallMs: number;
	baselineRssMb: number;
	peakRssMb: number;
	heapUsedPeakMb: number;
	ok: boolean;
	outcome: string;
}

const mb = (bytes: number) => bytes / 1_000_000;
const amount = (bytes: number) =>
	bytes >= 1_000_000 ? `${mb(bytes).toFixed(1)} MB` : `${(bytes / 1000).toFixed(1)} kB`;

function parameters(node: NodeKind, subject: string): INodeParameters {
	if (node === 'graphMail') {
		return {
			resource: 'message',
			operation: 'send',
			toRecipients: RECIPIENT,
			subject,
			bodyContentType: 'text',
			bodyContent: 'Large attachment benchmark',
			options: { attachments: { attachment: [{ binaryPropertyName: 'data' }] } },
		};
	}
	return {
		resource: 'message',
		operation: 'send',
		toRecipients: RECIPIENT,
		subject,
		bodyContent: 'Large attachment benchmark',
		additionalFields: {
			bodyContentType: 'Text',
			attachments: { attachments: [{ binaryPropertyName: 'data' }] },
		},
	};
}

// ---------------------------------------------------------------- child: one measured send

async function child(input: ChildInput): Promise<ChildOutput> {
	await setBinaryMode('filesystem', input.storagePath);
	const engine = new Engine();
	const fakeEmulator = {
		loginBaseUrl: input.loginBaseUrl,
		graphBaseUrl: input.graphBaseUrl,
		app: input.app,
		control: { issueTokens: async () => input.tokens },
	} as never;
	let runOptions: Parameters<Engine['runNode']>[0];
	if (input.node === 'graphMail') {
		await connectCredential(engine, fakeEmulator, { userId: 'unused' });
		runOptions = { parameters: parameters('graphMail', input.subject) };
	} else {
		registerBuiltinOutlook(engine);
		await connectBuiltinOutlookCredential(engine, fakeEmulator, { userId: 'unused' });
		runOptions = {
			parameters: parameters('builtinOutlook', input.subject),
			nodeType: BUILTIN_OUTLOOK_NODE_TYPE,
			typeVersion: 2,
			credentialType: BUILTIN_OUTLOOK_CREDENTIAL_TYPE,
			credentialId: 'builtin-outlook-credential',
		};
	}
	// Warm-up: the same node and code path with a tiny file, so module loading is in the baseline.
	const small = await storePattern(1024, 7, {
		fileName: 'warmup.bin',
		executionId: 'bench-warmup',
	});
	const warm = await engine.runNode({
		...runOptions,
		parameters: parameters(input.node, 'warm-up'),
		items: [{ json: {}, binary: { data: small } }],
	});
	if (warm.error) throw new Error(`warm-up failed: ${warm.error.message}`);
	// Tell the parent (it resets its counters), and wait for its go.
	process.stdout.write('BENCH_WARM_DONE\n');
	await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
	process.stdin.pause();

	const gc = (globalThis as { gc?: () => void }).gc;
	gc?.();
	gc?.();
	const baseline = process.memoryUsage().rss;
	const heapBaseline = process.memoryUsage().heapUsed;
	let peak = baseline;
	let heapPeak = heapBaseline;
	const sampler = setInterval(() => {
		const usage = process.memoryUsage();
		peak = Math.max(peak, usage.rss);
		heapPeak = Math.max(heapPeak, usage.heapUsed);
	}, 5);
	const started = performance.now();
	const result = await engine.runNode({
		...runOptions,
		items: [{ json: {}, binary: { data: input.binary } }],
	});
	const wallMs = performance.now() - started;
	clearInterval(sampler);
	peak = Math.max(peak, process.memoryUsage().rss);
	const outcome = result.error
		? `error: ${result.error.message}${(result.error as { httpCode?: string }).httpCode ? ` (HTTP ${(result.error as { httpCode?: string }).httpCode})` : ''}`
		: JSON.stringify(result.items[0]?.json ?? {});
	return {
		wallMs,
		baselineRssMb: mb(baseline),
		peakRssMb: mb(peak),
		heapUsedPeakMb: mb(heapPeak - heapBaseline),
		ok: !result.error,
		outcome,
	};
}

// ---------------------------------------------------------------- parent

interface CountingProxy {
	url: string;
	requestBytes: number;
	requests: Array<{ method: string; path: string; status?: number; bytes: number }>;
	reset(): void;
	close(): Promise<void>;
}

/** Forwards to Graph and counts the request body bytes the node sends there. */
async function startCountingProxy(targetOrigin: string): Promise<CountingProxy> {
	const target = new URL(targetOrigin);
	const proxy: CountingProxy = {
		url: '',
		requestBytes: 0,
		requests: [],
		reset: () => {
			proxy.requestBytes = 0;
			proxy.requests = [];
		},
		close: async () => {
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
		},
	};
	const server = createServer((req, res) => {
		const entry = {
			method: req.method ?? 'GET',
			path: (req.url ?? '').replace(/\?.*$/, ''),
			status: undefined as number | undefined,
			bytes: 0,
		};
		proxy.requests.push(entry);
		const upstream = httpRequest(
			{
				host: target.hostname,
				port: target.port,
				method: req.method,
				path: req.url,
				headers: { ...req.headers, host: target.host },
			},
			(answer: IncomingMessage) => {
				entry.status = answer.statusCode;
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			},
		);
		upstream.on('error', () => res.destroy());
		req.on('data', (chunk: Buffer) => {
			entry.bytes += chunk.length;
			proxy.requestBytes += chunk.length;
		});
		req.pipe(upstream);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return proxy;
}

function runChild(input: ChildInput, onWarm: () => void): Promise<ChildOutput> {
	let warmedUp = false;
	return new Promise((resolve, reject) => {
		const proc = spawn(
			process.execPath,
			['--expose-gc', '-r', require.resolve('ts-node/register/transpile-only'), __filename],
			{
				// ts-node must prefer GraphMail.node.ts over the codex GraphMail.node.json beside it.
				env: {
					...process.env,
					TS_NODE_PREFER_TS_EXTS: 'true',
					BENCH_SEND_CHILD: JSON.stringify(input),
				},
				stdio: ['pipe', 'pipe', 'pipe'],
			},
		);
		let stdout = '';
		let stderr = '';
		proc.stdout.on('data', (chunk: Buffer) => {
			stdout += chunk.toString();
			if (!warmedUp && stdout.includes('BENCH_WARM_DONE\n')) {
				warmedUp = true;
				onWarm();
				proc.stdin.write('go\n');
			}
		});
		proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		proc.on('error', reject);
		proc.on('close', (code) => {
			const line = stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
			if (!line) {
				reject(new Error(`child exited with ${code} without a result\n${stderr.slice(-2000)}`));
				return;
			}
			resolve(JSON.parse(line.slice('BENCH_RESULT '.length)) as ChildOutput);
		});
	});
}

async function parent(): Promise<void> {
	const withBuiltin = builtinOutlookAvailable();
	if (!withBuiltin)
		process.stdout.write(
			'The provisioned n8n is missing: measuring the Graph Mail node only (npm run provision)\n',
		);
	const emulator = await startEmulator({
		seed: 'demo',
		budgets: { uploadBytesPerFiveMinutes: 8 * 1024 * 1024 * 1024 },
	});
	const proxy = await startCountingProxy(emulator.graphBaseUrl);
	const storagePath = binaryStoragePath();
	try {
		await setBinaryMode('filesystem', storagePath);
		const adele = emulator.mail.listUsers()[0];
		if (!adele) throw new Error('the emulator has no users: the benchmark needs its demo seed');
		const rows: string[][] = [];
		for (const size of SIZES) {
			const binary = await storePattern(size, size % 251, {
				fileName: `bench-${size}.bin`,
				executionId: `bench-${size}`,
			});
			const nodes = (process.env.BENCH_NODES?.split(',') as NodeKind[] | undefined) ?? [
				'graphMail',
				'builtinOutlook',
			];
			for (const node of nodes.filter((n) => withBuiltin || n === 'graphMail')) {
				const subject = `Benchmark ${node} ${size}`;
				const tokens = emulator.control.issueTokens({
					userId: adele.id,
					// The emulator knows the mail scopes only (the built-in credential also asks for contacts and calendars).
					scopes:
						node === 'graphMail'
							? DEFAULT_SCOPES
							: BUILTIN_OUTLOOK_SCOPES.filter((scope) =>
									/^(openid|offline_access|Mail)/.test(scope),
								),
				});
				const output = await runChild(
					{
						node,
						binary,
						storagePath,
						graphBaseUrl: proxy.url,
						loginBaseUrl: emulator.loginBaseUrl,
						app: emulator.app,
						tokens,
						subject,
					},
					() => {
						emulator.control.resetCounters();
						proxy.reset();
					},
				).then(
					(value) => value,
					(error: Error) => ({
						wallMs: NaN,
						baselineRssMb: NaN,
						peakRssMb: NaN,
						heapUsedPeakMb: NaN,
						ok: false,
						outcome: `child failed: ${error.message}`,
					}),
				);
				const sent = emulator.control
					.mailbox('meganb@contoso.onmicrosoft.com')
					.folders.find((folder) => folder.wellKnownName === 'inbox')!
					.messages.find((message) => message.subject === subject);
				const counters = emulator.control.counters();
				const graphBytes = proxy.requestBytes;
				const statuses = proxy.requests.map(
					(r) =>
						`${r.method} ${r.path.replace(/messages\/[^/]+/, 'messages/{id}')} ${r.status ?? '-'}`,
				);
				rows.push([
					node === 'graphMail' ? 'Graph Mail (this package)' : 'built-in Microsoft Outlook',
					`${mb(size).toFixed(0)} MB`,
					output.ok ? 'sent' : 'failed',
					Number.isFinite(output.wallMs) ? `${(output.wallMs / 1000).toFixed(2)} s` : '-',
					Number.isFinite(output.peakRssMb)
						? `${(output.peakRssMb - output.baselineRssMb).toFixed(1)} MB`
						: '-',
					Number.isFinite(output.heapUsedPeakMb) ? `${output.heapUsedPeakMb.toFixed(1)} MB` : '-',
					amount(counters.bytesUploaded),
					amount(graphBytes),
					sent
						? `yes, ${sent.attachments.map((a) => `${mb(a.size).toFixed(1)} MB`).join(', ')}`
						: 'no',
				]);
				process.stdout.write(
					`\n[${node}, ${mb(size)} MB] ${output.outcome.slice(0, 400)}\n  requests: ${statuses.slice(-14).join(' | ')}\n`,
				);
				emulator.control.resetCounters();
				proxy.reset();
			}
			rmSync(`${storagePath}/workflows/workflow-under-test/executions/bench-${size}`, {
				recursive: true,
				force: true,
			});
		}
		const header = [
			'node',
			'attachment',
			'result',
			'wall time',
			'peak RSS above baseline',
			'peak heap above baseline',
			'bytes uploaded (PUT)',
			'bytes of Graph requests',
			'delivered',
		];
		const widths = header.map((h, i) =>
			Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)),
		);
		const line = (cells: string[]) =>
			`| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
		process.stdout.write(
			`\nSend with a large attachment, filesystem binary mode (n8n-core ${require('n8n-core/package.json').version}), emulator on loopback\n`,
		);
		process.stdout.write(
			`${line(header)}\n${line(widths.map((w) => '-'.repeat(w)))}\n${rows.map(line).join('\n')}\n`,
		);
	} finally {
		await proxy.close();
		await emulator.stop();
		rmSync(storagePath, { recursive: true, force: true });
	}
}

if (process.env.BENCH_SEND_CHILD) {
	child(JSON.parse(process.env.BENCH_SEND_CHILD) as ChildInput)
		.then((output) => {
			process.stdout.write(`BENCH_RESULT ${JSON.stringify(output)}\n`);
			process.exit(0);
		})
		.catch((error) => {
			process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
			process.exit(1);
		});
} else {
	parent().catch((error) => {
		process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
		process.exit(1);
	});
}

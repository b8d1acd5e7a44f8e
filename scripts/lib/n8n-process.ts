import { execFile } from 'node:child_process';
import { mkdirSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

import { freePort, waitFor } from './net';
import { describeExit, startProcess, type ManagedProcess } from './processes';
import type { Runtime } from './paths';

/** One n8n user folder: n8n keeps `<userFolder>/.n8n/` (database, config, community nodes) there. */
export interface N8nHome {
	userFolder: string;
	encryptionKey: string;
	/** Files the "Read/Write Files from Disk" node may touch (N8N_RESTRICT_FILE_ACCESS_TO). */
	filesDir: string;
}

export function n8nHome(userFolder: string, encryptionKey: string): N8nHome {
	return { userFolder, encryptionKey, filesDir: join(userFolder, 'files') };
}

/** The environment for an n8n process (server or CLI command) on `home` (n8n-platform.md section 2). */
export function n8nEnv(
	runtime: Runtime,
	home: N8nHome,
	options: { port: number; brokerPort: number; extra?: NodeJS.ProcessEnv },
): NodeJS.ProcessEnv {
	mkdirSync(home.filesDir, { recursive: true });
	const env: NodeJS.ProcessEnv = { ...process.env };
	// Settings of the parent's own n8n-core (jest's test/setup/env.ts) must not leak in.
	for (const name of Object.keys(env))
		if (name.startsWith('N8N_') || name.startsWith('DB_')) delete env[name];
	// Under jest NODE_ENV is "test", which makes n8n exit at start without a word.
	delete env.NODE_ENV;
	delete env.JEST_WORKER_ID;
	return {
		...env,
		// n8n starts its JavaScript task runner as `node` from PATH: make that Node 24 too.
		PATH: [dirname(realpathSync(runtime.node)), env.PATH].filter(Boolean).join(delimiter),
		N8N_USER_FOLDER: home.userFolder,
		N8N_ENCRYPTION_KEY: home.encryptionKey,
		N8N_PORT: String(options.port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${options.port}`,
		WEBHOOK_URL: `http://127.0.0.1:${options.port}/`,
		N8N_SECURE_COOKIE: 'false',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_RUNNERS_BROKER_PORT: String(options.brokerPort),
		N8N_RESTRICT_FILE_ACCESS_TO: home.filesDir,
		...options.extra,
	};
}

export interface N8nServer {
	url: string;
	port: number;
	home: N8nHome;
	process: ManagedProcess;
	stop(): Promise<void>;
}

/** The body of `GET /rest/settings` once n8n serves its REST API (not "n8n is starting up"). */
async function restIsUp(url: string): Promise<true | undefined> {
	const health = await fetch(`${url}/healthz`);
	if (!health.ok) return undefined;
	const settings = await fetch(`${url}/rest/settings`);
	const text = await settings.text();
	if (!text.startsWith('{')) return undefined;
	JSON.parse(text);
	return true;
}

/** Starts `n8n start` under Node 24 and waits for `/healthz` and a JSON REST answer. */
export async function startN8n(options: {
	runtime: Runtime;
	home: N8nHome;
	port: number;
	logFile: string;
	timeoutMs?: number;
	extraEnv?: NodeJS.ProcessEnv;
}): Promise<N8nServer> {
	const { runtime, home, port } = options;
	const brokerPort = await freePort();
	const child = startProcess({
		name: 'n8n',
		command: runtime.node,
		args: [runtime.n8nBin, 'start'],
		cwd: home.userFolder,
		env: n8nEnv(runtime, home, { port, brokerPort, extra: options.extraEnv }),
		logFile: options.logFile,
	});
	const url = `http://127.0.0.1:${port}`;
	try {
		await waitFor('n8n to serve its REST API', () => restIsUp(url), {
			timeoutMs: options.timeoutMs ?? 180_000,
			intervalMs: 500,
			abort: () => describeExit(child),
		});
	} catch (error) {
		await child.stop();
		throw error;
	}
	return { url, port, home, process: child, stop: () => child.stop() };
}

export interface CliResult {
	code: number;
	stdout: string;
	stderr: string;
}

/** Runs an n8n CLI command (`import:workflow`, `execute`, ...) on `home`, with its own task broker port. */
export async function runN8nCli(
	runtime: Runtime,
	home: N8nHome,
	args: string[],
	options: { timeoutMs?: number; extraEnv?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
	const env = n8nEnv(runtime, home, {
		port: await freePort(),
		brokerPort: await freePort(),
		extra: options.extraEnv,
	});
	return await new Promise((resolve) => {
		execFile(
			runtime.node,
			[runtime.n8nBin, ...args],
			{
				cwd: home.userFolder,
				env,
				timeout: options.timeoutMs ?? 300_000,
				maxBuffer: 512 * 1024 * 1024,
				killSignal: 'SIGKILL',
			},
			(error, stdout, stderr) => {
				const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
				resolve({ code, stdout: String(stdout), stderr: String(stderr) });
			},
		);
	});
}

/** What `n8n execute --rawOutput` prints after its log lines: the run (IRun) as JSON. */
export interface ExecutionResult {
	status: string;
	finished?: boolean;
	data: {
		resultData: {
			runData: Record<
				string,
				Array<{
					executionStatus?: string;
					error?: { message?: string; description?: string };
					data?: {
						main?: Array<Array<{
							json: Record<string, unknown>;
							binary?: Record<string, { fileName?: string; fileSize?: string; mimeType?: string }>;
						}> | null>;
					};
				}>
			>;
			error?: { message?: string; description?: string; node?: { name?: string } };
			lastNodeExecuted?: string;
		};
	};
}

/** Finds the run JSON in `n8n execute` output: the first line that is exactly `{` up to its closing `}` line. */
export function parseExecuteOutput(stdout: string): ExecutionResult | undefined {
	const lines = stdout.split('\n');
	for (let start = 0; start < lines.length; start++) {
		if (lines[start] !== '{') continue;
		for (let end = start + 1; end < lines.length; end++) {
			if (lines[end] !== '}') continue;
			try {
				const parsed = JSON.parse(lines.slice(start, end + 1).join('\n')) as ExecutionResult;
				if (parsed && typeof parsed === 'object' && 'data' in parsed) return parsed;
			} catch {
				// keep looking
			}
		}
	}
	return undefined;
}

export interface ExecuteOutcome {
	ok: boolean;
	result: ExecutionResult | undefined;
	/** The workflow error's message (and description), when the run failed. */
	errorMessage: string | undefined;
	cli: CliResult;
}

/** `n8n execute --id=<id> --rawOutput`: runs a workflow that starts with a Manual Trigger. */
export async function executeWorkflow(
	runtime: Runtime,
	home: N8nHome,
	workflowId: string,
	options: { timeoutMs?: number } = {},
): Promise<ExecuteOutcome> {
	const cli = await runN8nCli(
		runtime,
		home,
		['execute', `--id=${workflowId}`, '--rawOutput'],
		options,
	);
	const result = parseExecuteOutput(cli.stdout);
	const error = result?.data?.resultData?.error;
	const errorMessage = error
		? [error.message, error.description].filter(Boolean).join(' -- ')
		: undefined;
	const ok = cli.code === 0 && result !== undefined && !error && result.status !== 'error';
	return {
		ok,
		result,
		errorMessage:
			errorMessage ??
			(ok
				? undefined
				: `n8n execute exited with ${cli.code}: ${(cli.stderr || cli.stdout).slice(-2000)}`),
		cli,
	};
}

/** The items a node produced in its (last) run, main output 0. */
export function nodeOutput(
	result: ExecutionResult,
	nodeName: string,
): Array<{
	json: Record<string, unknown>;
	binary?: Record<string, { fileName?: string; fileSize?: string; mimeType?: string }>;
}> {
	const runs = result.data.resultData.runData[nodeName];
	if (!runs || runs.length === 0) throw new Error(`node "${nodeName}" did not run`);
	return runs.at(-1)?.data?.main?.[0] ?? [];
}

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** Waits for `promise` at most `ms`, leaving no timer behind. */
async function within(promise: Promise<void>, ms: number): Promise<void> {
	let timer: NodeJS.Timeout | undefined;
	await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
	clearTimeout(timer);
}

export interface ManagedProcess {
	name: string;
	pid: number;
	logFile: string;
	/** Set once the process has exited. */
	exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
	exited: Promise<void>;
	/** The last `bytes` of its log. */
	logTail(bytes?: number): string;
	/** SIGTERM, then SIGKILL to its process group after `graceMs`. Only this process and its children. */
	stop(graceMs?: number): Promise<void>;
}

const running = new Set<ManagedProcess>();

function killGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		// The child was spawned detached, so it leads its own process group: -pid reaches exactly
		// the processes it started (n8n's task runners), never anything else.
		process.kill(-pid, signal);
	} catch {
		// already gone
	}
}

// If the parent goes away without stopping its children, take them along.
process.on('exit', () => {
	for (const child of running) killGroup(child.pid, 'SIGKILL');
});

/**
 * Starts a long-running child in its own process group, its stdout and stderr appended to
 * `logFile`. Ctrl-C in the terminal does not reach it: the parent stops it (by pid).
 */
export function startProcess(options: {
	name: string;
	command: string;
	args: string[];
	cwd: string;
	env: NodeJS.ProcessEnv;
	logFile: string;
}): ManagedProcess {
	mkdirSync(dirname(options.logFile), { recursive: true });
	const logStart = existsSync(options.logFile) ? statSync(options.logFile).size : 0;
	const fd = openSync(options.logFile, 'a');
	let child: ChildProcess;
	try {
		child = spawn(options.command, options.args, {
			cwd: options.cwd,
			env: options.env,
			detached: true,
			stdio: ['ignore', fd, fd],
		});
	} finally {
		closeSync(fd);
	}
	if (child.pid === undefined)
		throw new Error(`could not start ${options.name} (${options.command})`);
	const pid = child.pid;
	let resolveExited: () => void = () => undefined;
	const managed: ManagedProcess = {
		name: options.name,
		pid,
		logFile: options.logFile,
		exit: undefined,
		exited: new Promise<void>((resolve) => (resolveExited = resolve)),
		logTail(bytes = 4000) {
			try {
				const text = readFileSync(options.logFile).subarray(logStart).toString('utf8');
				return text.slice(-bytes);
			} catch {
				return '';
			}
		},
		async stop(graceMs = 15000) {
			if (!managed.exit) {
				try {
					process.kill(pid, 'SIGTERM');
				} catch {
					// already gone
				}
				await within(managed.exited, graceMs);
			}
			// Anything it left behind in its group (or the process itself after the grace period).
			killGroup(pid, 'SIGKILL');
			await within(managed.exited, 2000);
			running.delete(managed);
		},
	};
	child.on('error', () => undefined);
	child.on('exit', (code, signal) => {
		managed.exit = { code, signal };
		resolveExited();
	});
	running.add(managed);
	return managed;
}

export function describeExit(process: ManagedProcess): string | undefined {
	if (!process.exit) return undefined;
	const { code, signal } = process.exit;
	return `${process.name} exited (${signal ?? `code ${code}`}); last log lines:\n${process.logTail(3000)}`;
}

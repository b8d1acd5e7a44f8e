/**
 * Redis and PostgreSQL for n8n's queue mode, from Debian's packages (`provision.sh --queue`),
 * started here on 127.0.0.1 on free ports with their data in a temporary folder, and stopped by
 * pid. Nothing is written outside that folder; nothing of the system's own services is touched.
 */
import { execFileSync } from 'node:child_process';
import {
	chmodSync,
	chownSync,
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	writeFileSync,
} from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';

import { freePort, waitFor } from './net';
import { describeExit, startProcess, type ManagedProcess } from './processes';

const PG_BIN = '/usr/lib/postgresql/15/bin';
/** PostgreSQL refuses to run as root: it runs as this (Debian's `postgres` user) when we are root. */
const PG_USER = 'postgres';

export interface Service {
	port: number;
	process: ManagedProcess;
	stop(): Promise<void>;
}

export function queueServicesInstalled(): string | undefined {
	if (!existsSync(join(PG_BIN, 'postgres')))
		return `no PostgreSQL 15 in ${PG_BIN} (run: bash scripts/provision.sh --queue)`;
	try {
		execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
	} catch {
		return 'no redis-server on PATH (run: bash scripts/provision.sh --queue)';
	}
	return undefined;
}

async function answersTcp(port: number): Promise<true | undefined> {
	return await new Promise((resolve) => {
		const socket = createConnection({ host: '127.0.0.1', port }, () => {
			socket.destroy();
			resolve(true);
		});
		socket.on('error', () => resolve(undefined));
	});
}

/** redis-server without persistence, on a free port, its working folder under `dir`. */
export async function startRedis(dir: string): Promise<Service> {
	const port = await freePort();
	const home = join(dir, 'redis');
	mkdirSync(home, { recursive: true });
	const config = join(home, 'redis.conf');
	writeFileSync(
		config,
		[
			`port ${port}`,
			'bind 127.0.0.1',
			`dir ${home}`,
			'save ""',
			'appendonly no',
			'daemonize no',
			'protected-mode yes',
			'',
		].join('\n'),
	);
	const child = startProcess({
		name: 'redis',
		command: 'redis-server',
		args: [config],
		cwd: home,
		env: process.env,
		logFile: join(dir, 'logs', 'redis.log'),
	});
	await waitFor('redis to accept connections', () => answersTcp(port), {
		timeoutMs: 20_000,
		intervalMs: 100,
		abort: () => describeExit(child),
	});
	return { port, process: child, stop: () => child.stop(10_000) };
}

function asPgUser(args: string[]): { command: string; args: string[] } {
	const [command, ...rest] = args;
	if (command === undefined) throw new Error('asPgUser needs a command');
	if (process.getuid?.() !== 0) return { command, args: rest };
	return { command: 'runuser', args: ['-u', PG_USER, '--', ...args] };
}

/** A fresh PostgreSQL cluster (trust auth on loopback only) with a database `n8n`. */
export async function startPostgres(
	dir: string,
): Promise<Service & { database: string; user: string }> {
	const port = await freePort();
	const data = join(dir, 'postgres');
	mkdirSync(data, { recursive: true });
	chmodSync(dir, 0o755);
	if (process.getuid?.() === 0) {
		const uid = Number(execFileSync('id', ['-u', PG_USER]).toString().trim());
		const gid = Number(execFileSync('id', ['-g', PG_USER]).toString().trim());
		chownSync(data, uid, gid);
	}
	chmodSync(data, 0o700);
	if (readdirSync(data).length === 0) {
		const init = asPgUser([
			join(PG_BIN, 'initdb'),
			'-D',
			data,
			'-U',
			PG_USER,
			'-A',
			'trust',
			'--no-sync',
			'-E',
			'UTF8',
		]);
		execFileSync(init.command, init.args, { stdio: 'ignore', cwd: '/' });
	}
	const server = asPgUser([
		join(PG_BIN, 'postgres'),
		'-D',
		data,
		'-p',
		String(port),
		'-k',
		data,
		'-c',
		'listen_addresses=127.0.0.1',
		'-c',
		'fsync=off',
		'-c',
		'synchronous_commit=off',
		'-c',
		'max_connections=200',
	]);
	const child = startProcess({
		name: 'postgres',
		command: server.command,
		args: server.args,
		cwd: '/',
		env: process.env,
		logFile: join(dir, 'logs', 'postgres.log'),
	});
	await waitFor('postgres to accept connections', () => answersTcp(port), {
		timeoutMs: 60_000,
		intervalMs: 200,
		abort: () => describeExit(child),
	});
	const psql = asPgUser([
		join(PG_BIN, 'psql'),
		'-h',
		'127.0.0.1',
		'-p',
		String(port),
		'-U',
		PG_USER,
		'-d',
		'postgres',
		'-c',
		'CREATE DATABASE n8n',
	]);
	await waitFor(
		'postgres to create the n8n database',
		async () => {
			try {
				execFileSync(psql.command, psql.args, { stdio: 'ignore', cwd: '/' });
				return true;
			} catch {
				return undefined;
			}
		},
		{ timeoutMs: 30_000, intervalMs: 300 },
	);
	// runuser forwards SIGTERM; the postmaster's own pid (postmaster.pid, line 1) is stopped too.
	const stop = async () => {
		const pidFile = join(data, 'postmaster.pid');
		if (existsSync(pidFile)) {
			const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
			if (pid > 0) {
				try {
					process.kill(pid, 'SIGINT'); // fast shutdown
				} catch {
					// already gone
				}
			}
		}
		await child.stop(15_000);
	};
	return { port, process: child, database: 'n8n', user: PG_USER, stop };
}

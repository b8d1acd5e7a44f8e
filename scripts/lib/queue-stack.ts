/**
 * n8n in queue mode, as a self-hosted scale-out runs it: Redis as the job queue, PostgreSQL as the
 * database, one main (`n8n start`, EXECUTIONS_MODE=queue: webhooks, triggers, the editor) and
 * workers (`n8n worker`) that run the executions. Binary data in `database` mode (the mode n8n
 * 2.40 offers across processes without a license; `filesystem` is per machine). The packed package
 * is installed into each process's own user folder from the tarball, as a user would. Next to it
 * the emulator. Everything on 127.0.0.1, on free ports, in one temporary folder; stopped by pid.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startEmulatorProcess, type EmulatorProcess } from './emulator-process';
import type { Logger } from './log';
import { N8nClient, type Owner } from './n8n-rest';
import { n8nEnv, n8nHome, startN8n, type N8nHome, type N8nServer } from './n8n-process';
import { freePort, waitFor } from './net';
import { buildAndPack, installTarball } from './package-install';
import type { Runtime } from './paths';
import { describeExit, startProcess, type ManagedProcess } from './processes';
import { queueServicesInstalled, startPostgres, startRedis, type Service } from './queue-services';

export interface QueueWorker {
	name: string;
	home: N8nHome;
	process: ManagedProcess;
	healthPort: number;
	stop(): Promise<void>;
}

export interface QueueStack {
	dir: string;
	runtime: Runtime;
	emulator: EmulatorProcess;
	redis: Service;
	postgres: Service;
	main: N8nServer;
	workers: QueueWorker[];
	client: N8nClient;
	owner: Owner;
	/** Starts one more worker (e.g. after one was killed). */
	startWorker(name: string): Promise<QueueWorker>;
	/**
	 * Stops main with SIGTERM (the workers keep running) and, after `whileDown`, starts it again on
	 * the same port (the same webhook URLs) and logs in again.
	 */
	restartMain(whileDown?: () => Promise<void>): Promise<void>;
	stop(): Promise<void>;
}

const ENCRYPTION_KEY = 'queue-mode-bench-encryption-key-0123456789';

/** Settings every n8n process of the cluster shares (n8n-platform.md; docs "Queue mode"). */
function sharedEnv(redis: Service, postgres: Service, extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: 'n8n',
		DB_POSTGRESDB_USER: 'postgres',
		DB_POSTGRESDB_PASSWORD: '',
		N8N_DEFAULT_BINARY_DATA_MODE: 'database',
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		N8N_RUNNERS_ENABLED: 'true',
		// A killed worker's job is found stalled once its lock lapses: n8n's 30 s (a 10 s lock lapsed
		// under a loaded machine while the worker was busy, and Bull failed a job that was running).
		QUEUE_WORKER_LOCK_DURATION: '30000',
		QUEUE_WORKER_LOCK_RENEW_TIME: '2000',
		QUEUE_WORKER_STALLED_INTERVAL: '5000',
		// Main marks executions whose job is gone (a killed worker's) as crashed every 15 s (default 3 h).
		N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL: '0.25',
		...extra,
	};
}

export async function startQueueStack(options: {
	runtime: Runtime;
	workers: number;
	owner: Owner;
	log: Logger;
	/** Keep the folder (logs, data) after stop. */
	keep?: boolean;
	/** Executions one worker runs at once (n8n's default 10). */
	workerConcurrency?: number;
	extraEnv?: NodeJS.ProcessEnv;
}): Promise<QueueStack> {
	const missing = queueServicesInstalled();
	if (missing) throw new Error(missing);
	const { log, runtime } = options;
	const dir = mkdtempSync(join(tmpdir(), 'graph-mail-queue-'));
	const logDir = join(dir, 'logs');
	const started: Array<{ stop(): Promise<void> }> = [];
	const stopAll = async () => {
		for (const service of started.reverse()) await service.stop().catch(() => undefined);
		started.length = 0;
		if (!options.keep) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
	};
	try {
		log(`queue stack in ${dir}`);
		const tarball = await buildAndPack(join(dir, 'pack'), log);
		const names = ['main', ...Array.from({ length: options.workers }, (_, i) => `worker${i + 1}`)];
		const homes = new Map<string, N8nHome>();
		for (const name of names) {
			const home = n8nHome(join(dir, name), ENCRYPTION_KEY);
			await installTarball(home.userFolder, tarball, log);
			homes.set(name, home);
		}
		const [emulatorPort, uploadPort] = [await freePort(), await freePort()];
		const [emulator, redis, postgres] = await Promise.all([
			startEmulatorProcess({
				port: emulatorPort,
				uploadPort,
				logFile: join(logDir, 'emulator.log'),
			}),
			startRedis(dir),
			startPostgres(dir),
		]);
		started.push(emulator, postgres, redis);
		log(`redis on ${redis.port}, postgres on ${postgres.port}, emulator on ${emulator.url}`);
		const env = sharedEnv(redis, postgres, options.extraEnv ?? {});

		const mainPort = await freePort();
		const main = await startN8n({
			runtime,
			home: homes.get('main')!,
			port: mainPort,
			logFile: join(logDir, 'main.log'),
			extraEnv: env,
		});
		started.push(main);
		log(`n8n main on ${main.url}`);

		const startWorker = async (name: string): Promise<QueueWorker> => {
			let home = homes.get(name);
			if (!home) {
				home = n8nHome(join(dir, name), ENCRYPTION_KEY);
				await installTarball(home.userFolder, tarball, log);
				homes.set(name, home);
			}
			const healthPort = await freePort();
			const child = startProcess({
				name,
				command: runtime.node,
				args: [runtime.n8nBin, 'worker', `--concurrency=${options.workerConcurrency ?? 10}`],
				cwd: home.userFolder,
				env: n8nEnv(runtime, home, {
					port: await freePort(),
					brokerPort: await freePort(),
					extra: {
						...env,
						QUEUE_HEALTH_CHECK_ACTIVE: 'true',
						QUEUE_HEALTH_CHECK_PORT: String(healthPort),
					},
				}),
				logFile: join(logDir, `${name}.log`),
			});
			const worker: QueueWorker = {
				name,
				home,
				process: child,
				healthPort,
				stop: () => child.stop(),
			};
			started.push(worker);
			await waitFor(
				`${name} to be ready`,
				async () => {
					const response = await fetch(`http://127.0.0.1:${healthPort}/healthz/readiness`).catch(
						() => undefined,
					);
					return response?.ok ? true : undefined;
				},
				{ timeoutMs: 180_000, intervalMs: 500, abort: () => describeExit(child) },
			);
			log(`${name} ready (pid ${child.pid})`);
			return worker;
		};
		const workers = await Promise.all(names.slice(1).map((name) => startWorker(name)));

		const client = new N8nClient(main.url);
		await client.setupOwnerAndLogin(options.owner);
		let mainRestarts = 0;
		const stack: QueueStack = {
			dir,
			runtime,
			emulator,
			redis,
			postgres,
			main,
			workers,
			client,
			owner: options.owner,
			startWorker,
			restartMain: async (whileDown) => {
				const old = stack.main;
				// n8n shuts down gracefully within 30 s (N8N_GRACEFUL_SHUTDOWN_TIMEOUT); SIGKILL only after that.
				await old.process.stop(45_000);
				started.splice(started.indexOf(old), 1);
				log(
					`n8n main stopped (${old.process.exit?.signal ?? `code ${old.process.exit?.code}`}); last log lines:\n${old.process.logTail(600)}`,
				);
				await whileDown?.();
				mainRestarts += 1;
				stack.main = await startN8n({
					runtime,
					home: homes.get('main')!,
					port: mainPort,
					logFile: join(logDir, `main-${mainRestarts}.log`),
					extraEnv: env,
				});
				started.push(stack.main);
				await stack.client.login(options.owner.email, options.owner.password);
				log(`n8n main started again on ${stack.main.url}`);
			},
			stop: stopAll,
		};
		return stack;
	} catch (error) {
		await stopAll();
		throw error;
	}
}

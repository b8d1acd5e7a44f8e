import { join } from 'node:path';

import { connectHeadless, CREDENTIAL_TYPE, emulatorCredentialData } from './connect';
import { startEmulatorProcess, type EmulatorProcess } from './emulator-process';
import type { Logger } from './log';
import { N8nClient, N8nRestError, type Owner } from './n8n-rest';
import { n8nHome, startN8n, type N8nHome, type N8nServer } from './n8n-process';
import { buildAndPack, installTarball } from './package-install';
import type { Runtime } from './paths';

export const NODE_TYPE = 'n8n-nodes-graph-mail.graphMail';
export const TRIGGER_NODE_TYPE = 'n8n-nodes-graph-mail.graphMailTrigger';

/** A running n8n with the packed package installed, next to a running emulator, owner logged in. */
export interface Stack {
	runtime: Runtime;
	emulator: EmulatorProcess;
	n8n: N8nServer;
	home: N8nHome;
	client: N8nClient;
	owner: Owner;
	tarball: string;
	/** Whether this start (re)installed the tarball. */
	installed: boolean;
	stop(): Promise<void>;
}

export interface StackOptions {
	runtime: Runtime;
	/** n8n's user folder (n8n keeps `.n8n/` inside). */
	userFolder: string;
	encryptionKey: string;
	/** Where `npm pack` writes the tarball. */
	packDir: string;
	logDir: string;
	ports: { n8n: number; emulator: number; emulatorUpload: number };
	owner: Owner;
	emulatorStateFile?: string;
	autoApprove?: boolean;
	log: Logger;
	/** Checked between steps: a pending Ctrl-C stops the start-up. */
	cancelled?: () => boolean;
	/** Told about every process as soon as it runs, so an interrupt can stop it. */
	onProcess?: (stop: () => Promise<void>) => void;
	extraN8nEnv?: NodeJS.ProcessEnv;
}

class Cancelled extends Error {
	constructor() {
		super('interrupted');
	}
}

export function isCancelled(error: unknown): boolean {
	return error instanceof Cancelled;
}

/** Build, pack, install, start the emulator and n8n, set up the owner and log in. */
export async function startStack(options: StackOptions): Promise<Stack> {
	const { log } = options;
	const check = () => {
		if (options.cancelled?.()) throw new Cancelled();
	};
	const tarball = await buildAndPack(options.packDir, log);
	check();
	const installed = await installTarball(options.userFolder, tarball, log);
	check();

	log(
		`starting the emulator on port ${options.ports.emulator} (log: ${join(options.logDir, 'emulator.log')})`,
	);
	const emulatorStarting = startEmulatorProcess({
		port: options.ports.emulator,
		uploadPort: options.ports.emulatorUpload,
		logFile: join(options.logDir, 'emulator.log'),
		stateFile: options.emulatorStateFile,
		autoApprove: options.autoApprove,
	});
	const home = n8nHome(options.userFolder, options.encryptionKey);
	log(
		`starting n8n ${options.runtime.n8nVersion} on port ${options.ports.n8n} (log: ${join(options.logDir, 'n8n.log')}); the first start takes longer`,
	);
	const n8nStarting = startN8n({
		runtime: options.runtime,
		home,
		port: options.ports.n8n,
		logFile: join(options.logDir, 'n8n.log'),
		extraEnv: options.extraN8nEnv,
	});
	const [emulatorResult, n8nResult] = await Promise.allSettled([emulatorStarting, n8nStarting]);
	const started = [emulatorResult, n8nResult].flatMap((result) =>
		result.status === 'fulfilled' ? [result.value] : [],
	);
	for (const process of started) options.onProcess?.(() => process.stop());
	const failed = [emulatorResult, n8nResult].find((result) => result.status === 'rejected') as
		| PromiseRejectedResult
		| undefined;
	if (failed) {
		await Promise.all(started.map((process) => process.stop()));
		throw failed.reason;
	}
	const emulator = (emulatorResult as PromiseFulfilledResult<EmulatorProcess>).value;
	const n8n = (n8nResult as PromiseFulfilledResult<N8nServer>).value;
	const stop = async () => {
		await Promise.all([n8n.stop(), emulator.stop()]);
	};
	try {
		check();
		log('n8n is up; setting up the owner and logging in');
		const client = new N8nClient(n8n.url);
		await client.setupOwnerAndLogin(options.owner);
		return {
			runtime: options.runtime,
			emulator,
			n8n,
			home,
			client,
			owner: options.owner,
			tarball,
			installed,
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}

/**
 * Makes sure a Graph Mail credential named `name` (or with id `knownId`) exists, points at the
 * emulator and is connected (as `user` when it has to connect). Returns its id and what it did.
 */
export async function ensureEmulatorCredential(
	stack: Stack,
	options: { name: string; knownId?: string; user?: string; forceConnect?: boolean },
): Promise<{ id: string; action: 'created' | 'reconnected' | 'kept' }> {
	const data = emulatorCredentialData(stack.emulator);
	let id = options.knownId;
	if (id) {
		try {
			await stack.client.getCredential(id);
		} catch (error) {
			if (!(error instanceof N8nRestError)) throw error;
			id = undefined;
		}
	}
	id ??= (await stack.client.listCredentials()).find(
		(credential) => credential.name === options.name && credential.type === CREDENTIAL_TYPE,
	)?.id;
	if (!id) {
		id = (await stack.client.createCredential(options.name, CREDENTIAL_TYPE, data)).id;
		await connectHeadless(stack.client, id, options.user);
		return { id, action: 'created' };
	}
	const current = await stack.client.getCredential(id);
	const moved =
		current.data?.customLoginUrl !== data.customLoginUrl ||
		current.data?.customGraphUrl !== data.customGraphUrl;
	if (moved) await stack.client.updateCredential(id, options.name, CREDENTIAL_TYPE, data);
	if (moved || options.forceConnect || !current.data?.oauthTokenData) {
		await connectHeadless(stack.client, id, options.user);
		return { id, action: 'reconnected' };
	}
	return { id, action: 'kept' };
}

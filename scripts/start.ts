/**
 * `npm start`: n8n with this package installed the way users install it, next to the offline
 * Microsoft 365 emulator, with a connected Graph Mail credential and the example workflows.
 *
 *   npm start                      everything in .n8n-dev/ (kept between starts)
 *   npm start -- --reset           start from scratch (deletes .n8n-dev/)
 *   npm start -- --auto-approve    the emulator skips its consent page when you press Connect
 *   npm start -- --n8n-port 5678 --emulator-port 4010
 *
 * Ctrl-C stops n8n and the emulator (only the processes this script started).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { loadExamples, prepareExample, usesTrigger } from './lib/examples';
import { makeLogger } from './lib/log';
import { preferredPort } from './lib/net';
import type { Owner } from './lib/n8n-rest';
import { provisionRuntime, REPO_ROOT } from './lib/paths';
import {
	ensureEmulatorCredential,
	isCancelled,
	NODE_TYPE,
	startStack,
	TRIGGER_NODE_TYPE,
	type Stack,
} from './lib/stack';

const log = makeLogger('start');

/** A path for people: relative inside the repository, absolute elsewhere. */
function shown(path: string): string {
	const inside = relative(REPO_ROOT, path);
	return inside.startsWith('..') ? path : inside;
}

export const DEMO_OWNER: Owner = {
	email: 'owner@example.com',
	firstName: 'Demo',
	lastName: 'Owner',
	password: 'GraphMail-Demo1',
};
const CREDENTIAL_NAME = 'Microsoft Graph Mail (emulator)';

/** How to stop each process this script started (by pid). */
const stoppers: Array<() => Promise<void>> = [];

interface Flags {
	reset: boolean;
	autoApprove: boolean;
	n8nPort: number;
	emulatorPort: number;
}

function parseFlags(argv: string[]): Flags {
	const flags: Flags = { reset: false, autoApprove: false, n8nPort: 5678, emulatorPort: 4010 };
	for (let i = 0; i < argv.length; i++) {
		const flag = argv[i];
		const number = () => {
			const value = Number(argv[++i]);
			if (!Number.isInteger(value) || value <= 0) throw new Error(`${flag} needs a port number`);
			return value;
		};
		if (flag === '--reset') flags.reset = true;
		else if (flag === '--auto-approve') flags.autoApprove = true;
		else if (flag === '--n8n-port') flags.n8nPort = number();
		else if (flag === '--emulator-port') flags.emulatorPort = number();
		else if (flag === '--help' || flag === '-h') {
			process.stdout.write(
				readFileSync(__filename, 'utf8')
					.split('*/', 1)
					.join('')
					.replace(/^\/\*\*?|^ \* ?/gm, '') + '\n',
			);
			process.exit(0);
		} else throw new Error(`unknown option ${flag} (try --help)`);
	}
	return flags;
}

/** What survives between starts (besides n8n's own database and the emulator's state file). */
interface DevState {
	encryptionKey: string;
	credentialId?: string;
	connectedAs?: string;
	/** The processes the last start ran, to catch leftovers of a start that was killed. */
	pids?: { n8n?: number; emulator?: number };
}

function pidIsAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** Whether `pid` still runs the given program (a pid alone may have been reused). */
function stillRuns(pid: number | undefined, marker: string): boolean {
	if (!pid || !pidIsAlive(pid)) return false;
	try {
		return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
	} catch {
		return false;
	}
}

async function main(): Promise<void> {
	const flags = parseFlags(process.argv.slice(2));
	const devDir = process.env.GRAPH_MAIL_DEV_DIR ?? join(REPO_ROOT, '.n8n-dev');
	const lockFile = join(devDir, 'start.pid');
	if (existsSync(lockFile)) {
		const pid = Number(readFileSync(lockFile, 'utf8'));
		if (pid && pid !== process.pid && pidIsAlive(pid)) {
			throw new Error(
				`npm start is already running (pid ${pid}) on ${relative(process.cwd(), devDir) || devDir}; stop it with Ctrl-C first`,
			);
		}
	}
	const stateFile = join(devDir, 'state.json');
	const readState = (): DevState =>
		existsSync(stateFile)
			? (JSON.parse(readFileSync(stateFile, 'utf8')) as DevState)
			: { encryptionKey: randomBytes(24).toString('base64url') };
	let state = readState();
	const saveState = () => writeFileSync(stateFile, JSON.stringify(state, null, 2) + '\n');
	// A start that was killed (kill -9, a closed terminal) leaves its n8n and emulator running on
	// this folder; a second n8n on the same database would corrupt it. Say so rather than guess.
	const leftovers = [
		{ what: 'n8n', pid: state.pids?.n8n },
		{ what: 'the emulator', pid: state.pids?.emulator },
	].filter(({ what, pid }) => stillRuns(pid, what === 'n8n' ? 'n8n' : 'emulator'));
	if (leftovers.length) {
		const list = leftovers.map(({ what, pid }) => `${what} (pid ${pid})`).join(' and ');
		throw new Error(
			`${list} from an earlier npm start still running on this folder; stop it first: kill ${leftovers.map(({ pid }) => pid).join(' ')}`,
		);
	}
	if (flags.reset && existsSync(devDir)) {
		log(`--reset: deleting ${devDir}`);
		rmSync(devDir, { recursive: true, force: true });
		state = readState();
	}
	mkdirSync(devDir, { recursive: true });
	writeFileSync(lockFile, String(process.pid));

	saveState();
	const emulatorStateFile = join(devDir, 'emulator-state.json');
	const freshEmulator = !existsSync(emulatorStateFile);

	// Ctrl-C: stop what has started (children run in their own process groups, so the terminal's
	// SIGINT reaches only this script), then leave.
	let stopping = false;
	let stack: Stack | undefined;
	const shutdown = async (reason: string, code: number) => {
		if (stopping) return;
		stopping = true;
		process.stderr.write(`\n`);
		log(`${reason}: stopping n8n and the emulator`);
		await Promise.allSettled(stoppers.map((stop) => stop()));
		if (existsSync(stateFile)) {
			state.pids = undefined;
			saveState();
		}
		rmSync(lockFile, { force: true });
		log('stopped');
		process.exit(code);
	};
	process.on('SIGINT', () => void shutdown('Ctrl-C', 0));
	process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
	process.on('SIGHUP', () => void shutdown('SIGHUP', 0));

	const begin = Date.now();
	log('provisioning Node 24 and n8n (scripts/provision.sh; minutes the first time, seconds later)');
	const runtime = provisionRuntime();
	const n8nPort = await preferredPort(flags.n8nPort);
	const emulatorPort = await preferredPort(flags.emulatorPort, [n8nPort]);
	const emulatorUploadPort = await preferredPort(emulatorPort + 1, [n8nPort, emulatorPort]);

	try {
		stack = await startStack({
			runtime,
			userFolder: join(devDir, 'n8n'),
			encryptionKey: state.encryptionKey,
			packDir: join(devDir, 'pack'),
			logDir: join(devDir, 'logs'),
			ports: { n8n: n8nPort, emulator: emulatorPort, emulatorUpload: emulatorUploadPort },
			owner: DEMO_OWNER,
			emulatorStateFile,
			autoApprove: flags.autoApprove,
			log,
			cancelled: () => stopping,
			onProcess: (stop) => stoppers.push(stop),
		});
	} catch (error) {
		if (isCancelled(error)) return;
		throw error;
	}

	state.pids = { n8n: stack.n8n.process.pid, emulator: stack.emulator.process.pid };
	saveState();
	const users = await stack.emulator.control.users();
	const [firstUser, secondUser] = users;
	if (!firstUser || !secondUser)
		throw new Error(
			'the emulator has fewer than two users; the demo needs its demo seed (delete .n8n-dev/emulator-state.json or use --reset)',
		);
	const connectAs = users.find((user) => user.userPrincipalName === state.connectedAs) ?? firstUser;
	const recipient = users.find((user) => user.id !== connectAs.id) ?? secondUser;

	const credential = await ensureEmulatorCredential(stack, {
		name: CREDENTIAL_NAME,
		knownId: state.credentialId,
		user: connectAs.userPrincipalName,
		forceConnect: freshEmulator,
	});
	state.credentialId = credential.id;
	state.connectedAs = connectAs.userPrincipalName;
	saveState();
	log(
		`credential "${CREDENTIAL_NAME}" ${credential.action === 'kept' ? 'already connected' : credential.action + ' and connected'} as ${connectAs.userPrincipalName}`,
	);

	const nodeTypes = await stack.client.nodeTypeNames();
	if (!nodeTypes.includes(NODE_TYPE))
		throw new Error(`n8n did not load ${NODE_TYPE}; see ${stack.n8n.process.logFile}`);
	const haveTrigger = nodeTypes.includes(TRIGGER_NODE_TYPE);
	const imported: string[] = [];
	const present: string[] = [];
	const skipped: string[] = [];
	for (const example of loadExamples()) {
		const trigger = usesTrigger(example);
		if (trigger && !haveTrigger) {
			skipped.push(`${example.name}: skipped (this build has no ${TRIGGER_NODE_TYPE})`);
			continue;
		}
		let workflow = await stack.client.getWorkflow(example.id);
		const existed = Boolean(workflow);
		workflow ??= await stack.client.createWorkflow(
			prepareExample(
				example,
				{ id: credential.id, name: CREDENTIAL_NAME },
				{ recipient: recipient.mail, filesFolder: stack.home.filesDir },
			),
		);
		const note = trigger
			? workflow.active
				? ' (active)'
				: ' (inactive: open it and press Publish to answer new mail)'
			: '';
		(existed ? present : imported).push(`${example.name}${note}`);
	}
	if (imported.length) log(`imported ${imported.length} example workflow(s)`);

	const seconds = ((Date.now() - begin) / 1000).toFixed(0);
	const editor = stack.n8n.url;
	const lines = [
		'',
		`Ready in ${seconds} s.`,
		'',
		`  n8n ${runtime.n8nVersion}     ${editor}`,
		`    log in as       ${DEMO_OWNER.email} / ${DEMO_OWNER.password}`,
		`    credential      ${editor}/home/credentials/${credential.id}  ("${CREDENTIAL_NAME}", connected as ${connectAs.userPrincipalName})`,
		`    workflows       ${editor}/home/workflows`,
		...imported.map((name) => `                    + ${name} [imported now]`),
		...present.map((name) => `                    = ${name}`),
		...skipped.map((name) => `                    - ${name}`),
		`    package         ${shown(stack.tarball)}${stack.installed ? ' (installed now)' : ' (unchanged)'} in ${shown(join(stack.home.userFolder, '.n8n', 'nodes'))}`,
		'',
		`  Emulator          ${stack.emulator.url}/   (consent page ${flags.autoApprove ? 'skipped: --auto-approve' : 'shown when you press Connect'})`,
		`    mailbox         ${stack.emulator.mailboxUrl(connectAs.userPrincipalName)}   (${connectAs.displayName}, the connected account)`,
		`    mailbox         ${stack.emulator.mailboxUrl(recipient.userPrincipalName)}   (${recipient.displayName}, the examples' recipient)`,
		`    control API     ${stack.emulator.url}/_emulator/   (header X-Emulator-Key: ${stack.emulator.controlKey})`,
		'',
		`  Logs              ${shown(stack.n8n.process.logFile)}, ${shown(stack.emulator.process.logFile)}`,
		`  Files             ${shown(stack.home.filesDir)} (what the examples read and write)`,
		'',
		'Ctrl-C stops n8n and the emulator; `npm start -- --reset` starts from scratch.',
		'',
	];
	process.stdout.write(lines.join('\n'));

	// Stay up until Ctrl-C, or until one of the two dies.
	const running = stack;
	await Promise.race([running.n8n.process.exited, running.emulator.process.exited]);
	if (!stopping) {
		const dead = running.n8n.process.exit ? running.n8n.process : running.emulator.process;
		process.stderr.write(
			`\n${dead.name} stopped unexpectedly; last log lines:\n${dead.logTail(3000)}\n`,
		);
		await shutdown(`${dead.name} exited`, 1);
	}
}

main().catch(async (error) => {
	process.stderr.write(
		`\nnpm start failed: ${error instanceof Error ? error.message : String(error)}\n`,
	);
	await Promise.allSettled(stoppers.map((stop) => stop()));
	const devDir = process.env.GRAPH_MAIL_DEV_DIR ?? join(REPO_ROOT, '.n8n-dev');
	try {
		if (Number(readFileSync(join(devDir, 'start.pid'), 'utf8')) === process.pid)
			rmSync(join(devDir, 'start.pid'));
	} catch {
		// no lock
	}
	process.exit(1);
});

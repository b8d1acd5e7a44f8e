import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { makeLogger } from '../../scripts/lib/log';
import { freePort } from '../../scripts/lib/net';
import { provisionedRuntime, REPO_ROOT } from '../../scripts/lib/paths';
import { startStack, type Stack } from '../../scripts/lib/stack';
import { STATE_ENV, type E2eState } from './stack-state';

export const E2E_OWNER = {
	email: 'e2e-owner@example.com',
	firstName: 'E2E',
	lastName: 'Owner',
	password: 'GraphMail-E2e1',
};

export interface GlobalE2e {
	stack: Stack;
	tmpDir: string;
	logDir: string;
	artifactsDir: string;
}

/**
 * One real n8n for every e2e file (n8n takes 10-60 s to start on two shared cores): build and pack
 * the package, install the tarball into a fresh user folder, start the emulator (consent page on)
 * and n8n, create the owner.
 */
export default async function globalSetup(): Promise<void> {
	const runtime = provisionedRuntime();
	if (!runtime)
		throw new Error('n8n is not provisioned: run `npm run provision` (npm test does it first)');
	const log = makeLogger('e2e');
	process.stderr.write('\n');
	const tmpDir = mkdtempSync(join(tmpdir(), 'graph-mail-e2e-'));
	const artifactsDir = join(REPO_ROOT, 'artifacts', 'e2e');
	// Screenshots and logs of this run only.
	rmSync(artifactsDir, { recursive: true, force: true });
	mkdirSync(artifactsDir, { recursive: true });
	const logDir = join(tmpDir, 'logs');
	const n8nPort = await freePort();
	let emulatorPort = await freePort();
	while (emulatorPort === n8nPort) emulatorPort = await freePort();
	let uploadPort = await freePort();
	while (uploadPort === n8nPort || uploadPort === emulatorPort) uploadPort = await freePort();
	const encryptionKey = 'graph-mail-e2e-encryption-key';
	let stack: Stack;
	try {
		stack = await startStack({
			runtime,
			userFolder: join(tmpDir, 'n8n'),
			encryptionKey,
			packDir: join(tmpDir, 'pack'),
			logDir,
			ports: { n8n: n8nPort, emulator: emulatorPort, emulatorUpload: uploadPort },
			owner: E2E_OWNER,
			autoApprove: false,
			log,
		});
	} catch (error) {
		if (existsSync(logDir)) cpSync(logDir, join(artifactsDir, 'logs'), { recursive: true });
		rmSync(tmpDir, { recursive: true, force: true });
		throw error;
	}
	log(`n8n ${runtime.n8nVersion} at ${stack.n8n.url}, emulator at ${stack.emulator.url}`);
	const state: E2eState = {
		runtime,
		n8nUrl: stack.n8n.url,
		owner: E2E_OWNER,
		userFolder: stack.home.userFolder,
		encryptionKey,
		filesDir: stack.home.filesDir,
		emulator: {
			url: stack.emulator.url,
			loginBaseUrl: stack.emulator.loginBaseUrl,
			graphBaseUrl: stack.emulator.graphBaseUrl,
			uploadBaseUrl: stack.emulator.uploadBaseUrl,
			app: stack.emulator.app,
			controlKey: stack.emulator.controlKey,
		},
		tmpDir,
		artifactsDir,
	};
	const stateFile = join(tmpDir, 'e2e-state.json');
	writeFileSync(stateFile, JSON.stringify(state, null, 2));
	process.env[STATE_ENV] = stateFile;
	(globalThis as { __graphMailE2e?: GlobalE2e }).__graphMailE2e = {
		stack,
		tmpDir,
		logDir,
		artifactsDir,
	};
}

/**
 * `npm start` as a user runs it: it reaches "Ready", and Ctrl-C (SIGINT to its process group, as a
 * terminal sends it) stops it and leaves none of its processes running and none of its ports taken.
 * Runs in its own dev folder and on free ports, next to the e2e project's n8n.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort, portIsFree } from '../../scripts/lib/net';
import { REPO_ROOT } from '../../scripts/lib/paths';

function groupIsGone(pid: number): boolean {
	try {
		process.kill(-pid, 0);
		return false;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'ESRCH';
	}
}

function processIsGone(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return false;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'ESRCH';
	}
}

/** The pids npm start recorded (cleared again when it stops). */
function leftoverPids(devDir: string): number[] {
	try {
		const { pids } = JSON.parse(readFileSync(join(devDir, 'state.json'), 'utf8')) as {
			pids?: { n8n?: number; emulator?: number };
		};
		return [pids?.n8n, pids?.emulator].filter((pid): pid is number => Boolean(pid));
	} catch {
		return [];
	}
}

describe('npm start', () => {
	let devDir: string;

	afterAll(() => {
		if (devDir) rmSync(devDir, { recursive: true, force: true });
	});

	it('reaches Ready, and Ctrl-C leaves no process of its own and no port taken', async () => {
		devDir = mkdtempSync(join(tmpdir(), 'graph-mail-npm-start-'));
		const n8nPort = await freePort();
		let emulatorPort = await freePort();
		while (emulatorPort === n8nPort) emulatorPort = await freePort();
		const child = spawn(
			'npm',
			[
				'start',
				'--',
				'--n8n-port',
				String(n8nPort),
				'--emulator-port',
				String(emulatorPort),
				'--auto-approve',
			],
			{
				cwd: REPO_ROOT,
				env: { ...process.env, GRAPH_MAIL_DEV_DIR: devDir },
				// Its own process group, like a terminal's foreground job: SIGINT goes to the group.
				detached: true,
				stdio: ['ignore', 'pipe', 'pipe'],
			},
		);
		let output = '';
		child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
		const exited = new Promise<string>((resolve) =>
			child.on('exit', (code, signal) => resolve(signal ?? `code ${code}`)),
		);
		let exitCode: string | undefined;
		void exited.then((code) => (exitCode = code));

		try {
			const deadline = Date.now() + 360_000;
			while (
				!/^Ready in \d+ s\./m.test(output) &&
				exitCode === undefined &&
				Date.now() < deadline
			) {
				await new Promise((resolve) => setTimeout(resolve, 500));
			}
			expect({ ready: /^Ready in \d+ s\./m.test(output), output: output.slice(-3000) }).toEqual({
				ready: true,
				output: expect.any(String),
			});

			const state = JSON.parse(readFileSync(join(devDir, 'state.json'), 'utf8')) as {
				pids: { n8n: number; emulator: number };
			};
			const pids = [state.pids.n8n, state.pids.emulator];
			expect(pids.map(processIsGone)).toEqual([false, false]);
			const urls = [...output.matchAll(/http:\/\/127\.0\.0\.1:(\d+)\/?\s/g)].map((match) =>
				Number(match[1]),
			);
			expect(urls).toEqual(expect.arrayContaining([n8nPort, emulatorPort]));
			expect([await portIsFree(n8nPort), await portIsFree(emulatorPort)]).toEqual([false, false]);

			process.kill(-(child.pid as number), 'SIGINT');
			const code = await Promise.race([
				exited,
				new Promise<string>((resolve) =>
					setTimeout(() => resolve('still running after 60 s'), 60_000),
				),
			]);
			// npm re-raises the SIGINT on itself once its script has exited, as after a Ctrl-C in a terminal.
			expect(['SIGINT', 'code 0', 'code 130']).toContain(code);
			// npm's group: npm, its shell and start.ts, which releases its lock when it is done.
			const stopDeadline = Date.now() + 30_000;
			while (!groupIsGone(child.pid as number) && Date.now() < stopDeadline)
				await new Promise((resolve) => setTimeout(resolve, 200));
			expect(groupIsGone(child.pid as number)).toBe(true);
			expect(output).toContain('Ctrl-C: stopping n8n and the emulator');
			expect(output).toMatch(/\] stopped\n/);
			expect(existsSync(join(devDir, 'start.pid'))).toBe(false);

			// n8n and the emulator, and everything they started (each leads its own process group).
			expect(pids.map(processIsGone)).toEqual([true, true]);
			expect(pids.map(groupIsGone)).toEqual([true, true]);
			expect([await portIsFree(n8nPort), await portIsFree(emulatorPort)]).toEqual([true, true]);
			expect(JSON.parse(readFileSync(join(devDir, 'state.json'), 'utf8')).pids).toBeUndefined();
		} finally {
			// A failed run must not leave its n8n behind: Ctrl-C, then kill what still runs.
			if (exitCode === undefined) {
				process.kill(-(child.pid as number), 'SIGINT');
				await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
			}
			for (const pid of [child.pid as number, ...leftoverPids(devDir)]) {
				if (!groupIsGone(pid)) process.kill(-pid, 'SIGKILL');
			}
		}
	}, 480_000);
});

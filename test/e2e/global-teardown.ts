import { cpSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import type { GlobalE2e } from './global-setup';

/** Stops n8n and the emulator (by pid), keeps their logs under artifacts/e2e/logs, deletes the temp dir. */
export default async function globalTeardown(): Promise<void> {
	const e2e = (globalThis as { __graphMailE2e?: GlobalE2e }).__graphMailE2e;
	if (!e2e) return;
	await e2e.stack.stop();
	if (existsSync(e2e.logDir))
		cpSync(e2e.logDir, join(e2e.artifactsDir, 'logs'), { recursive: true });
	rmSync(e2e.tmpDir, { recursive: true, force: true });
}

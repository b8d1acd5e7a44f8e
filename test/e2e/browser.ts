import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import type { Runtime } from '../../scripts/lib/paths';

// playwright-core is loaded from the provisioned n8n folder, without its types.
export type Page = any;
export type BrowserContext = any;

/** The flags a headless Chromium needs in a container with no GPU, no sandbox and no network. */
export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

export interface Browser {
	context: BrowserContext;
	page: Page;
	close(): Promise<void>;
}

/**
 * Debian's Chromium driven by playwright-core (both installed by scripts/provision.sh), with a
 * fresh profile (--user-data-dir) that is deleted on close.
 */
export async function launchChromium(runtime: Runtime, scratchDir: string): Promise<Browser> {
	if (!runtime.chromium)
		throw new Error(
			'chromium is not installed: scripts/provision.sh installs it (apt-get install chromium)',
		);
	// Jest runs a test file in a vm context without Node's Symbol.dispose / Symbol.asyncDispose;
	// Playwright's handles inside frames use them ("Object not disposable" otherwise).
	const symbols = Symbol as unknown as { dispose?: symbol; asyncDispose?: symbol };
	symbols.dispose ??= Symbol.for('nodejs.dispose');
	symbols.asyncDispose ??= Symbol.for('nodejs.asyncDispose');
	const { chromium } = require(runtime.playwrightCore) as { chromium: any };
	mkdirSync(scratchDir, { recursive: true });
	const profile = mkdtempSync(join(scratchDir, 'chromium-profile-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: runtime.chromium,
		headless: true,
		args: CHROMIUM_ARGS,
		viewport: { width: 1400, height: 900 },
		timeout: 60_000,
	});
	context.setDefaultTimeout(30_000);
	const page = context.pages()[0] ?? (await context.newPage());
	return {
		context,
		page,
		close: async () => {
			await context.close().catch(() => undefined);
			rmSync(profile, { recursive: true, force: true });
		},
	};
}

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository root (scripts/lib/ is two levels down). */
export const REPO_ROOT = resolve(__dirname, '..', '..');

export interface Pins {
	n8n: string;
	node: string;
	playwrightCore: string;
}

/** The pinned versions: scripts/n8n-version.json is the one place they live. */
export function pins(): Pins {
	return JSON.parse(readFileSync(join(REPO_ROOT, 'scripts', 'n8n-version.json'), 'utf8')) as Pins;
}

export function cacheDir(): string {
	return process.env.GRAPH_MAIL_CACHE ?? join(homedir(), '.cache', 'n8n-nodes-graph-mail');
}

/** Where scripts/provision.sh installs the pinned n8n and Node 24 (and, for the tests, playwright-core). */
export interface Runtime {
	root: string;
	/** Node 24 binary that runs n8n. */
	node: string;
	/** n8n's bin script (run it with `node`). */
	n8nBin: string;
	n8nVersion: string;
	playwrightCore: string;
	/** Debian's chromium, when installed. */
	chromium: string | undefined;
}

function runtimeAt(root: string): Runtime {
	const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) =>
		existsSync(path),
	);
	return {
		root,
		node: join(root, 'node_modules', '.bin', 'node'),
		n8nBin: join(root, 'node_modules', 'n8n', 'bin', 'n8n'),
		n8nVersion: pins().n8n,
		playwrightCore: join(
			cacheDir(),
			`playwright-core-${pins().playwrightCore}`,
			'node_modules',
			'playwright-core',
		),
		chromium,
	};
}

/** The provisioned runtime, or undefined when scripts/provision.sh has not completed. */
export function provisionedRuntime(): Runtime | undefined {
	const root = join(cacheDir(), `n8n-${pins().n8n}`);
	return existsSync(join(root, '.provisioned')) ? runtimeAt(root) : undefined;
}

/**
 * Runs scripts/provision.sh (seconds when everything is there; minutes the first time), streaming
 * its progress to stderr, and returns the runtime it prints. `browser`: also playwright-core and
 * chromium (only the tests need them).
 */
export function provisionRuntime(options: { browser?: boolean } = {}): Runtime {
	const args = [
		join(REPO_ROOT, 'scripts', 'provision.sh'),
		...(options.browser ? ['--browser'] : []),
	];
	const root = execFileSync('bash', args, {
		cwd: REPO_ROOT,
		stdio: ['ignore', 'pipe', 'inherit'],
		encoding: 'utf8',
	})
		.trim()
		.split('\n')
		.pop() as string;
	if (!root || !existsSync(join(root, '.provisioned')))
		throw new Error(`scripts/provision.sh did not provision (${root})`);
	return runtimeAt(root);
}

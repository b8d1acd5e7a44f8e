/**
 * scripts/provision.sh the way `npm start` and `npm test` run it: from inside an npm script, whose
 * environment carries this project's .npmrc (npm_config_ignore_scripts=true). Here on a small
 * folder holding only sqlite3 at the version the pinned n8n uses, installed without scripts the
 * way provisioning installs n8n; the 2.8 GB install itself is what `.ci/run` does from nothing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { provisionedRuntime, REPO_ROOT } from '../../scripts/lib/paths';

const PROVISION = join(REPO_ROOT, 'scripts', 'provision.sh');
const CHECK_TREE = join(REPO_ROOT, 'scripts', 'provision', 'check-tree.js');
const insideNpmScript = { ...process.env, npm_config_ignore_scripts: 'true' };

/** What sqlite3 in `dir` says when `node` opens a database with it (throws when it cannot). */
function sqliteVersionUnder(node: string, dir: string): string {
	const script = `
		const sqlite3 = require(${JSON.stringify(join(dir, 'node_modules', 'sqlite3'))});
		const db = new sqlite3.Database(':memory:');
		db.get('select sqlite_version() as v', (error, row) => { if (error) throw error; console.log(row.v); db.close(); });`;
	return execFileSync(node, ['-e', script], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
	}).trim();
}

describe('provisioning from inside an npm script (npm_config_ignore_scripts=true)', () => {
	const runtime = provisionedRuntime();
	let dir: string;
	let sqliteVersion: string;

	beforeAll(() => {
		if (!runtime)
			throw new Error('n8n is not provisioned: run `npm run provision` (npm test does it first)');
		sqliteVersion = (
			JSON.parse(
				readFileSync(join(runtime.root, 'node_modules', 'sqlite3', 'package.json'), 'utf8'),
			) as { version: string }
		).version;
		dir = mkdtempSync(join(tmpdir(), 'graph-mail-provision-'));
		writeFileSync(join(dir, 'package.json'), '{"name":"provision-test","private":true}\n');
		execFileSync(
			'npm',
			[
				'install',
				'--no-audit',
				'--no-fund',
				'--loglevel=error',
				'--ignore-scripts=true',
				`sqlite3@${sqliteVersion}`,
			],
			{
				cwd: dir,
				env: insideNpmScript,
				stdio: ['ignore', 'pipe', 'pipe'],
				timeout: 240_000,
			},
		);
	}, 300_000);

	afterAll(() => {
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	it('tells a complete install from one with a package missing', () => {
		const check = () =>
			spawnSync('node', [CHECK_TREE, dir, `sqlite3@${sqliteVersion}`], { encoding: 'utf8' });
		expect(check().status).toBe(0);
		expect(
			spawnSync('node', [CHECK_TREE, dir, 'sqlite3@0.0.1'], { encoding: 'utf8' }).stdout,
		).toContain(`sqlite3 is ${sqliteVersion}, not 0.0.1`);

		const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as {
			packages: Record<string, { optional?: boolean }>;
		};
		const required = Object.keys(lock.packages).find(
			(path) =>
				path.startsWith('node_modules/') &&
				path !== 'node_modules/sqlite3' &&
				!lock.packages[path]?.optional,
		);
		expect(required).toBeDefined();
		const saved = join(dir, 'saved-package');
		execFileSync('mv', [join(dir, required as string), saved]);
		try {
			const broken = check();
			expect(broken.status).toBe(1);
			expect(broken.stdout).toContain(`${required} is missing`);
		} finally {
			execFileSync('mv', [saved, join(dir, required as string)]);
		}
		expect(check().status).toBe(0);
	});

	it('builds sqlite3 so that it opens a database under Node 24', () => {
		const node24 = (runtime as NonNullable<typeof runtime>).node;
		// Installed without scripts, sqlite3 has no binary yet: the step has work to do.
		expect(() => sqliteVersionUnder(node24, dir)).toThrow();

		const run = spawnSync('bash', [PROVISION, 'sqlite3', dir, node24], {
			cwd: REPO_ROOT,
			env: insideNpmScript,
			encoding: 'utf8',
			timeout: 540_000,
		});
		expect({ status: run.status, stderr: run.stderr.slice(-3000) }).toEqual({
			status: 0,
			stderr: expect.stringContaining('sqlite3 loads under v24.'),
		});
		expect(sqliteVersionUnder(node24, dir)).toMatch(/^3\.\d+\.\d+$/);
	}, 600_000);
});

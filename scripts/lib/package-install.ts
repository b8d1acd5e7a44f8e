import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	rmSync,
	copyFileSync,
	writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

import { REPO_ROOT } from './paths';
import type { Logger } from './log';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

export function run(
	command: string,
	args: string[],
	cwd: string,
	timeoutMs = 600_000,
): Promise<string> {
	return new Promise((resolve, reject) => {
		execFile(
			command,
			args,
			{ cwd, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: process.env },
			(error, stdout, stderr) => {
				if (error) {
					reject(
						new Error(
							`${command} ${args.join(' ')} failed in ${cwd}:\n${String(stdout).slice(-3000)}${String(stderr).slice(-3000)}`,
						),
					);
				} else {
					resolve(String(stdout));
				}
			},
		);
	});
}

export const PACKAGE_NAME: string = (
	JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string }
).name;

/** `npm run build` then `npm pack` into `destination`: the tarball a user would install. */
export async function buildAndPack(destination: string, log: Logger): Promise<string> {
	log('building the package (npm run build)');
	await run(npm, ['run', 'build'], REPO_ROOT);
	mkdirSync(destination, { recursive: true });
	log('packing it (npm pack)');
	const out = await run(npm, ['pack', '--json', '--pack-destination', destination], REPO_ROOT);
	const [packed] = JSON.parse(out.slice(out.indexOf('['))) as Array<{ filename: string }>;
	if (!packed) throw new Error(`npm pack reported no tarball: ${out}`);
	return join(destination, packed.filename);
}

export function sha256(file: string): string {
	return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/**
 * Installs the tarball the way a user installs a community package by hand: in
 * `<user folder>/.n8n/nodes` (with a package.json), `npm install --ignore-scripts --legacy-peer-deps`
 * (n8n's own installer strips peer dependencies; without the flag npm pulls a second n8n-workflow).
 * Skipped when that exact tarball is already installed. Returns whether it installed.
 */
export async function installTarball(
	userFolder: string,
	tarball: string,
	log: Logger,
): Promise<boolean> {
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	mkdirSync(nodesDir, { recursive: true });
	const manifest = join(nodesDir, 'package.json');
	if (!existsSync(manifest))
		writeFileSync(
			manifest,
			JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2) + '\n',
		);
	const hash = sha256(tarball);
	const stamp = join(nodesDir, '.graph-mail-tarball.sha256');
	const installed = join(nodesDir, 'node_modules', PACKAGE_NAME, 'package.json');
	if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === hash && existsSync(installed)) {
		log('the package is already installed in n8n (same tarball)');
		return false;
	}
	// A file name per content, so npm never mistakes a rebuilt tarball for the one it has.
	const copyName = `${PACKAGE_NAME}-${hash.slice(0, 12)}.tgz`;
	for (const old of readdirSync(nodesDir)) {
		if (old.startsWith(`${PACKAGE_NAME}-`) && old.endsWith('.tgz') && old !== copyName)
			rmSync(join(nodesDir, old));
	}
	copyFileSync(tarball, join(nodesDir, copyName));
	log(`installing ${copyName} into ${nodesDir} (npm install --ignore-scripts --legacy-peer-deps)`);
	await run(
		npm,
		[
			'install',
			'--ignore-scripts',
			'--legacy-peer-deps',
			'--no-audit',
			'--no-fund',
			'--loglevel=error',
			`./${copyName}`,
		],
		nodesDir,
	);
	if (!existsSync(installed))
		throw new Error(`npm install did not put ${PACKAGE_NAME} into ${nodesDir}/node_modules`);
	writeFileSync(stamp, hash + '\n');
	return true;
}

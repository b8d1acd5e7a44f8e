#!/usr/bin/env node
/**
 * node check-tree.js DIR NAME@VERSION...
 *
 * Whether DIR holds a complete npm install of the given packages: each is a dependency in DIR's
 * package-lock.json at that version, and every package that lockfile lists is on disk at the
 * version it lists (an interrupted or damaged install misses some). Optional packages may be
 * missing (npm skips those for other platforms). Prints what is wrong and exits 1, or exits 0.
 */
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const [dir, ...wanted] = process.argv.slice(2);
const problems = [];
const lockFile = join(dir, 'package-lock.json');
const lock = existsSync(lockFile) ? JSON.parse(readFileSync(lockFile, 'utf8')) : undefined;
if (!lock || !lock.packages) {
	problems.push(`no package-lock.json in ${dir}`);
} else {
	for (const spec of wanted) {
		const at = spec.lastIndexOf('@');
		const name = spec.slice(0, at);
		const version = spec.slice(at + 1);
		const entry = lock.packages[`node_modules/${name}`];
		if (!entry) problems.push(`${name} is not installed`);
		else if (entry.version !== version)
			problems.push(`${name} is ${entry.version}, not ${version}`);
	}
	let missing = 0;
	for (const [path, entry] of Object.entries(lock.packages)) {
		if (path === '' || entry.link) continue;
		const manifest = join(dir, path, 'package.json');
		if (!existsSync(manifest)) {
			if (entry.optional || entry.devOptional || entry.dev) continue;
			if (missing++ < 5) problems.push(`${path} is missing`);
			continue;
		}
		const onDisk = JSON.parse(readFileSync(manifest, 'utf8')).version;
		if (entry.version && onDisk !== entry.version && missing++ < 5)
			problems.push(`${path} is ${onDisk}, the lockfile says ${entry.version}`);
	}
	if (missing > 5) problems.push(`... ${missing} packages missing or wrong in all`);
}
if (problems.length) {
	process.stdout.write(problems.join('\n') + '\n');
	process.exit(1);
}

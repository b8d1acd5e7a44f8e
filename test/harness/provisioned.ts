import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where scripts/provision.sh installs the pinned n8n (and Node 24), if it has run. */
export function provisionedN8nRoot(): string | undefined {
	const pins = JSON.parse(
		readFileSync(join(__dirname, '../../scripts/n8n-version.json'), 'utf8'),
	) as { n8n: string };
	const cache = process.env.GRAPH_MAIL_CACHE ?? join(homedir(), '.cache/n8n-nodes-graph-mail');
	const root = join(cache, `n8n-${pins.n8n}`);
	return existsSync(join(root, '.provisioned')) ? root : undefined;
}

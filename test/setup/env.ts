// n8n-core writes <N8N_USER_FOLDER>/.n8n/config on first use: keep it out of $HOME. One folder
// for all test files (the encryption key is fixed, so the config it holds is always the same).
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

if (!process.env.N8N_USER_FOLDER) {
	process.env.N8N_USER_FOLDER = join(tmpdir(), 'graph-mail-n8n-tests');
	mkdirSync(process.env.N8N_USER_FOLDER, { recursive: true });
}
process.env.N8N_ENCRYPTION_KEY ??= 'graph-mail-test-encryption-key';

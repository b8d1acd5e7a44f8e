import { readFileSync } from 'node:fs';

import type { Owner } from '../../scripts/lib/n8n-rest';
import type { Runtime } from '../../scripts/lib/paths';

/** What test/e2e/global-setup.ts started, for the test files (which run in their own module registry). */
export interface E2eState {
	runtime: Runtime;
	n8nUrl: string;
	owner: Owner;
	userFolder: string;
	encryptionKey: string;
	filesDir: string;
	emulator: {
		url: string;
		loginBaseUrl: string;
		graphBaseUrl: string;
		uploadBaseUrl: string;
		app: { clientId: string; clientSecret: string };
		/** Header X-Emulator-Key for the control API. */
		controlKey: string;
	};
	/** Scratch space for the tests (deleted by the teardown). */
	tmpDir: string;
	/** Kept after the run (gitignored): screenshots, logs. */
	artifactsDir: string;
}

export const STATE_ENV = 'GRAPH_MAIL_E2E_STATE';

export function readE2eState(): E2eState {
	const file = process.env[STATE_ENV];
	if (!file)
		throw new Error(
			`${STATE_ENV} is not set: run the e2e tests through jest's e2e project (npm test or npm run test:e2e)`,
		);
	return JSON.parse(readFileSync(file, 'utf8')) as E2eState;
}

/**
 * Three projects:
 *  - engine: the nodes in n8n-core's real engine against the emulator over real HTTP, plus the
 *    pure modules and the emulator's own tests (fast);
 *  - queue: n8n in queue mode with two workers (test/queue/, ~2 min; `npm run test:queue`);
 *  - e2e: a real n8n (the provisioned 2.40.7 under Node 24) with the packed package installed,
 *    shared by every file in test/e2e/ (started once by test/e2e/global-setup.ts, only when an
 *    e2e test is selected: `npm run test:fast` leaves them out).
 */
const transform = {
	'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
};

module.exports = {
	testTimeout: 120000,
	maxWorkers: 1,
	projects: [
		{
			displayName: 'engine',
			testEnvironment: 'node',
			roots: ['<rootDir>/test'],
			testMatch: ['**/*.test.ts'],
			testPathIgnorePatterns: ['/node_modules/', '/test/e2e/', '/test/queue/'],
			transform,
			setupFiles: ['<rootDir>/test/setup/env.ts'],
		},
		{
			displayName: 'e2e',
			testEnvironment: 'node',
			roots: ['<rootDir>/test/e2e'],
			testMatch: ['**/*.test.ts'],
			transform,
			// No test/setup/env.ts: nothing here runs n8n-core in-process (n8n runs as its own process).
			globalSetup: '<rootDir>/test/e2e/global-setup.ts',
			globalTeardown: '<rootDir>/test/e2e/global-teardown.ts',
		},
		{
			// n8n in queue mode (Redis, PostgreSQL, main and two workers), started by the test file itself.
			displayName: 'queue',
			testEnvironment: 'node',
			roots: ['<rootDir>/test/queue'],
			testMatch: ['**/*.test.ts'],
			transform,
		},
	],
};

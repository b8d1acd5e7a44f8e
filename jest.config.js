/** Tests run the nodes in n8n-core's real engine against the emulator over real HTTP. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json', isolatedModules: true }],
	},
	setupFiles: ['<rootDir>/test/setup/env.ts'],
	testTimeout: 120000,
	maxWorkers: 1,
};

// The verification scanner's rule set (@n8n/scan-community-package buildScanConfig), applied to
// what ships: package.json, nodes/, credentials/, index.ts and the compiled dist/. `npm run lint`
// runs with --no-inline-config, as the scanner does (allowInlineConfig: false).
// On top, typescript-eslint's type-aware rules on the product's TypeScript sources (not on dist/):
// they add rules and change none of the scanner's.
import { defineConfig, globalIgnores } from 'eslint/config';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesPlugin from 'eslint-plugin-n8n-nodes-base';
import tsParser from '@typescript-eslint/parser';
import tseslint from 'typescript-eslint';

const SHIPPED = [
	'package.json',
	'index.ts',
	'nodes/**/*.{ts,json}',
	'credentials/**/*.{ts,json}',
	'dist/**/*.{js,json}',
];
const PRODUCT_TS = ['index.ts', 'nodes/**/*.ts', 'credentials/**/*.ts'];
const DEV_CODE = ['test/**/*.ts', 'emulator/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'];

export default defineConfig(
	globalIgnores([
		'node_modules/**',
		'build/**',
		'coverage/**',
		'artifacts/**',
		'**/*.tsbuildinfo',
		'package-lock.json',
	]),
	{
		files: SHIPPED,
		extends: [
			n8nCommunityNodesPlugin.configs.recommended,
			{ rules: { 'no-console': 'error' } },
			{ plugins: { 'n8n-nodes-base': n8nNodesPlugin } },
			{ files: ['package.json'], rules: { ...n8nNodesPlugin.configs.community.rules } },
			{
				files: ['**/credentials/**/*.ts'],
				rules: {
					...n8nNodesPlugin.configs.credentials.rules,
					'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
					'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
				},
			},
			{
				files: ['**/nodes/**/*.ts'],
				rules: {
					...n8nNodesPlugin.configs.nodes.rules,
					'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
					'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
					'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
				},
			},
			{ files: ['**/*.json'], languageOptions: { parser: tsParser } },
			{ files: ['**/*.ts'], languageOptions: { parser: tsParser } },
		],
	},
	// typescript-eslint's recommended type-checked rules, without its preset's switches of core
	// rules (those would touch the scanner's set): only the @typescript-eslint/ rules are taken.
	{
		files: PRODUCT_TS,
		plugins: { '@typescript-eslint': tseslint.plugin },
		languageOptions: {
			parser: tseslint.parser,
			parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
		},
		rules: typeAwareRules(),
	},
	// Tests, the emulator and benchmarks are not shipped: parsed and checked for the basics only.
	{
		files: DEV_CODE,
		languageOptions: { parser: tsParser },
		rules: { 'no-debugger': 'error', 'no-dupe-keys': 'error', 'no-unreachable': 'error' },
	},
);

function typeAwareRules() {
	const preset = tseslint.configs.recommendedTypeCheckedOnly.find(
		(config) => config.name === 'typescript-eslint/recommended-type-checked-only',
	);
	return Object.fromEntries(
		Object.entries(preset.rules).filter(([rule]) => rule.startsWith('@typescript-eslint/')),
	);
}

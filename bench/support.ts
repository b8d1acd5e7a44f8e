/**
 * What the benchmarks share: the emulator with n8n's built-in Outlook node next to ours, the
 * built-in node's run options, the result table and the way a benchmark ends.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import {
	BUILTIN_OUTLOOK_CREDENTIAL_ID,
	BUILTIN_OUTLOOK_CREDENTIAL_TYPE,
	BUILTIN_OUTLOOK_NODE_TYPE,
	BUILTIN_OUTLOOK_SCOPES,
	builtinOutlookAvailable,
	connectBuiltinOutlookCredential,
	registerBuiltinOutlook,
} from '../test/harness/builtinOutlook';
import { startTestEnvironment, type TestEnvironment } from '../test/harness/environment';

/** What `runNode` needs to run n8n's built-in Microsoft Outlook node (v2) instead of ours. */
export const BUILTIN_OUTLOOK_RUN = {
	nodeType: BUILTIN_OUTLOOK_NODE_TYPE,
	typeVersion: 2,
	credentialType: BUILTIN_OUTLOOK_CREDENTIAL_TYPE,
	credentialId: BUILTIN_OUTLOOK_CREDENTIAL_ID,
};

/**
 * The test environment with a budget no benchmark reaches (its scenarios run back to back from
 * one mailbox) and, when the provisioned n8n is there, the built-in Outlook node connected.
 */
export async function startComparison(): Promise<{ env: TestEnvironment; withBuiltin: boolean }> {
	const withBuiltin = builtinOutlookAvailable();
	if (!withBuiltin)
		process.stdout.write(
			'The provisioned n8n is missing: measuring the Graph Mail node only (npm run provision)\n',
		);
	const env = await startTestEnvironment({ budgets: { requestsPerTenMinutes: 1_000_000 } });
	try {
		if (withBuiltin) {
			registerBuiltinOutlook(env.engine);
			await connectBuiltinOutlookCredential(env.engine, env.emulator, {
				userId: env.userId,
				// The emulator knows the mail scopes only (the built-in credential also asks for contacts and calendars).
				scopes: BUILTIN_OUTLOOK_SCOPES.filter((scope) =>
					/^(openid|offline_access|Mail)/.test(scope),
				),
			});
		}
	} catch (error) {
		await env.stop();
		throw error;
	}
	return { env, withBuiltin };
}

/** How many output items succeeded and how many are error items. */
export function itemCounts(items: INodeExecutionData[]): { okItems: number; errorItems: number } {
	const errorItems = items.filter((item) => item.json.error).length;
	return { okItems: items.length - errorItems, errorItems };
}

export const seconds = (ms: number, digits = 2) => `${(ms / 1000).toFixed(digits)} s`;

/** A Markdown table, each column as wide as its widest cell. */
export function markdownTable(header: string[], lines: string[][]): string {
	const widths = header.map((h, i) =>
		Math.max(h.length, ...lines.map((row) => row[i]?.length ?? 0)),
	);
	const line = (cells: string[]) =>
		`| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
	return [line(header), line(widths.map((w) => '-'.repeat(w))), ...lines.map(line)].join('\n');
}

/** Runs a benchmark's main: an error is printed with its stack and fails the process. */
export function runBenchmark(main: () => Promise<void>): void {
	main().catch((error: unknown) => {
		process.stderr.write(
			`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
		);
		process.exitCode = 1;
	});
}

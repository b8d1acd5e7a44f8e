/** `npm run emulator -- --port 4010 ...`: runs the Microsoft 365 emulator until SIGINT/SIGTERM. */
import { parseCliArgs, USAGE } from './cli-args';
import { startEmulator, type Emulator } from './server';

function describe(emulator: Emulator): string {
	const users = emulator.mail
		.listUsers()
		.map((user) => `    ${user.userPrincipalName.padEnd(40)} ${user.displayName} (${user.id})`)
		.join('\n');
	return `Microsoft 365 emulator running
  Web view      ${emulator.url}/
  Login base    ${emulator.loginBaseUrl}   (e.g. ${emulator.loginBaseUrl}/common/oauth2/v2.0/authorize)
  Graph base    ${emulator.graphBaseUrl}   (Graph at ${emulator.graphBaseUrl}/v1.0)
  Upload base   ${emulator.uploadBaseUrl}
  Control API   ${emulator.url}/_emulator/
  Tenant        ${emulator.tenantId} (contoso.onmicrosoft.com)
  Default app   client id     ${emulator.app.clientId}
                client secret ${emulator.app.clientSecret}
                redirect URIs: any http(s) URL on localhost / 127.x.x.x / [::1]
  Users
${users || '    (none)'}
`;
}

async function main(): Promise<void> {
	let parsed;
	try {
		parsed = parseCliArgs(process.argv.slice(2));
	} catch (error) {
		process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
		process.exit(2);
	}
	if (parsed.help) {
		process.stdout.write(`${USAGE}\n`);
		return;
	}
	const emulator = await startEmulator(parsed.options);
	process.stdout.write(describe(emulator));
	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) return;
		stopping = true;
		process.stdout.write(`\n${signal}: stopping...\n`);
		emulator
			.stop()
			.then(() => process.exit(0))
			.catch((error) => {
				process.stderr.write(`stop failed: ${String(error)}\n`);
				process.exit(1);
			});
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error) => {
	process.stderr.write(`emulator failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
	process.exit(1);
});

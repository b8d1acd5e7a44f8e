/** `npm run emulator -- --port 4010 ...`: runs the Microsoft 365 emulator until SIGINT/SIGTERM. */
import { describeEmulator } from './cli-banner';
import { parseCliArgs, USAGE } from './cli-args';
import { CONTROL_KEY_ENV } from './control-guard';
import { startEmulator } from './server';

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
	// A parent process (scripts/lib) may choose the control key; otherwise a fresh one is printed.
	const emulator = await startEmulator({
		...parsed.options,
		controlKey: process.env[CONTROL_KEY_ENV] || undefined,
	});
	process.stdout.write(describeEmulator(emulator));
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
	process.stderr.write(
		`emulator failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
	);
	process.exit(1);
});

import type { EmulatorOptions } from './server';

export const USAGE = `Usage: npm run emulator -- [options]
  --port N               main listener (identity, Graph, control API, web view); default 4010
  --upload-port N        upload listener (stand-in for outlook.office.com); default port + 1
  --host H               interface to bind; default 127.0.0.1
  --state FILE           load state from FILE at start and save it there
  --auto-approve [USER]  skip the consent page (first user, or USER id/UPN)
  --server-time-ms N     time each request spends in the service (holds its in-flight slot)
  --latency-ms N         network latency added to every answer
  --seed demo|none       demo users and mail (default) or an empty tenant
  --help                 this text`;

function numberArg(flag: string, value: string | undefined): number {
	const parsed = Number(value);
	if (value === undefined || !Number.isFinite(parsed) || parsed < 0)
		throw new Error(`${flag} needs a number`);
	return parsed;
}

/** Parses the CLI flags into emulator options (`help: true` when usage was asked for). */
export function parseCliArgs(argv: string[]): { options: EmulatorOptions; help: boolean } {
	const options: EmulatorOptions = { port: 4010 };
	let uploadPortGiven = false;
	for (let i = 0; i < argv.length; i++) {
		const flag = argv[i];
		const next = argv[i + 1];
		const takeValue = () => {
			i++;
			return next;
		};
		switch (flag) {
			case '--help':
			case '-h':
				return { options, help: true };
			case '--port':
				options.port = numberArg(flag, takeValue());
				break;
			case '--upload-port':
				options.uploadPort = numberArg(flag, takeValue());
				uploadPortGiven = true;
				break;
			case '--host':
				options.host = takeValue();
				if (!options.host) throw new Error('--host needs a value');
				break;
			case '--state':
				options.stateFile = takeValue();
				if (!options.stateFile) throw new Error('--state needs a file');
				break;
			case '--auto-approve':
				if (next !== undefined && !next.startsWith('--')) options.autoApprove = takeValue();
				else options.autoApprove = true;
				break;
			case '--server-time-ms':
				options.serverTimeMs = numberArg(flag, takeValue());
				break;
			case '--latency-ms':
				options.latencyMs = numberArg(flag, takeValue());
				break;
			case '--seed': {
				const seed = takeValue();
				if (seed !== 'demo' && seed !== 'none') throw new Error('--seed must be demo or none');
				options.seed = seed;
				break;
			}
			default:
				throw new Error(`unknown option ${flag}`);
		}
	}
	// Port 0 means "any free port" for both listeners.
	if (!uploadPortGiven) options.uploadPort = options.port ? options.port + 1 : 0;
	return { options, help: false };
}

/** Progress lines on stderr, with the seconds since the process started. */
const started = Date.now();

export type Logger = (message: string) => void;

export function makeLogger(tag: string, quiet = false): Logger {
	return (message: string) => {
		if (quiet) return;
		const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(5);
		process.stderr.write(`[${tag} ${seconds}s] ${message}\n`);
	};
}

export const silent: Logger = () => undefined;

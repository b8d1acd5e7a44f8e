import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** What the state file holds: the mail service's own JSON plus the identity state. */
export interface PersistedState {
	version: 1;
	savedAt: string;
	mail: unknown;
	identity: unknown;
}

const SAVE_DELAY_MS = 200;

/**
 * Optional persistence. Loads once at start; saves are debounced (many requests -> one write)
 * and written to a temporary file first, so a crash never leaves half a file.
 */
export class StateFile {
	private timer: NodeJS.Timeout | undefined;
	private writing: Promise<void> = Promise.resolve();

	constructor(
		readonly path: string,
		private readonly collect: () => Omit<PersistedState, 'version' | 'savedAt'>,
	) {}

	load(): PersistedState | undefined {
		if (!existsSync(this.path)) return undefined;
		const parsed = JSON.parse(readFileSync(this.path, 'utf8')) as PersistedState;
		if (!parsed || parsed.version !== 1)
			throw new Error(`${this.path} is not an emulator state file (version 1)`);
		return parsed;
	}

	scheduleSave(): void {
		if (this.timer) return;
		this.timer = setTimeout(() => {
			this.timer = undefined;
			this.save().catch((error) =>
				process.stderr.write(`emulator: saving ${this.path} failed: ${String(error)}\n`),
			);
		}, SAVE_DELAY_MS);
		this.timer.unref();
	}

	/** Writes now (cancelling a pending debounce); saves never overlap. */
	async flush(): Promise<void> {
		if (this.timer) {
			clearTimeout(this.timer);
			this.timer = undefined;
		}
		await this.save();
	}

	private save(): Promise<void> {
		this.writing = this.writing
			.catch(() => undefined)
			.then(async () => {
				const state: PersistedState = {
					version: 1,
					savedAt: new Date().toISOString(),
					...this.collect(),
				};
				const temporary = `${this.path}.${process.pid}.tmp`;
				await mkdir(dirname(this.path), { recursive: true });
				await writeFile(temporary, JSON.stringify(state));
				await rename(temporary, this.path);
			});
		return this.writing;
	}
}

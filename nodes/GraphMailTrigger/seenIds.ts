import { createHash } from 'crypto';

/**
 * The bounded set of message ids a folder's cursor has already handled (emitted, or deliberately
 * passed over: there before activation, or filtered out), each with its receivedDateTime. A resync
 * (a new delta round after the token broke) consults it so nothing is emitted twice.
 *
 * Stored compactly in the workflow's static data: a 12-character hash of the id (72 bits: a
 * collision among 5,000 ids has odds of about 1 in 10^14) and the received time in epoch seconds.
 * When the cap is reached the entries received earliest go first, and `floor` remembers the latest
 * received time dropped that way: a resync never emits a message received at or before it.
 */

export type SeenEntry = [hash: string, receivedSeconds: number];

export interface SeenIdsData {
	entries: SeenEntry[];
	/** Epoch seconds: entries received at or before this may have been forgotten for room. */
	floor?: number;
}

/** Default number of ids kept per folder. */
export const MAX_SEEN_IDS = 5000;

export function hashMessageId(id: string): string {
	return createHash('sha256').update(id, 'utf8').digest('base64url').slice(0, 12);
}

export class SeenIds {
	private readonly entries = new Map<string, number>();
	private floorSeconds: number | undefined;

	/** Reads stored data, dropping malformed entries (the set only ever errs towards fewer ids). */
	static from(data: unknown): SeenIds {
		const seen = new SeenIds();
		const raw = data as { entries?: unknown; floor?: unknown } | undefined;
		if (raw && Array.isArray(raw.entries)) {
			for (const entry of raw.entries) {
				if (
					Array.isArray(entry) &&
					typeof entry[0] === 'string' &&
					typeof entry[1] === 'number' &&
					Number.isFinite(entry[1])
				) {
					seen.entries.set(entry[0], entry[1]);
				}
			}
		}
		if (raw && typeof raw.floor === 'number' && Number.isFinite(raw.floor))
			seen.floorSeconds = raw.floor;
		return seen;
	}

	get size(): number {
		return this.entries.size;
	}

	/** Epoch ms: messages received at or before this instant may have been forgotten. */
	get floorMs(): number | undefined {
		return this.floorSeconds === undefined ? undefined : this.floorSeconds * 1000;
	}

	has(id: string): boolean {
		return this.entries.has(hashMessageId(id));
	}

	add(id: string, receivedMs: number): void {
		const hash = hashMessageId(id);
		const seconds = Math.floor(receivedMs / 1000);
		this.entries.delete(hash); // re-insert at the end
		this.entries.set(hash, seconds);
	}

	/** Forgets entries received before `beforeMs`: a resync never reaches back that far. */
	pruneReceivedBefore(beforeMs: number): void {
		const limit = Math.floor(beforeMs / 1000);
		for (const [hash, seconds] of this.entries) if (seconds < limit) this.entries.delete(hash);
	}

	/** Keeps at most `max` entries, forgetting those received earliest and raising the floor. */
	capAt(max: number): void {
		if (this.entries.size <= max) return;
		const byReceived = [...this.entries].sort((a, b) => a[1] - b[1]);
		const drop = byReceived.slice(0, this.entries.size - max);
		for (const [hash, seconds] of drop) {
			this.entries.delete(hash);
			this.floorSeconds = Math.max(this.floorSeconds ?? seconds, seconds);
		}
	}

	toJSON(): SeenIdsData {
		const entries: SeenEntry[] = [...this.entries];
		return this.floorSeconds === undefined ? { entries } : { entries, floor: this.floorSeconds };
	}
}

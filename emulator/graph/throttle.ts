/**
 * Outlook's per-mailbox limits: requests in flight, requests per rolling 10 minutes and upload
 * bytes (PATCH/POST/PUT bodies) per rolling 5 minutes. Excess requests are refused at once
 * (the caller answers 429); nothing ever waits here.
 */
export interface ThrottleLimits {
	maxConcurrentPerMailbox: number;
	requestsPerTenMinutes: number;
	uploadBytesPerFiveMinutes: number;
}

export type Admission =
	| { admitted: true; release: () => void }
	| {
			admitted: false;
			reason: 'concurrency' | 'requestBudget' | 'uploadBudget';
			retryAfterSec: number;
	  };

const TEN_MINUTES_MS = 10 * 60 * 1000;
const FIVE_MINUTES_MS = 5 * 60 * 1000;

interface MailboxState {
	inFlight: number;
	peak: number;
	/** Admission times, oldest first. */
	requestTimes: number[];
	/** Admitted upload bodies, oldest first. */
	uploads: Array<{ at: number; bytes: number }>;
	uploadBytesInWindow: number;
}

/** Request bodies that count against the upload budget. */
export function uploadBytesOf(method: string, body: Buffer): number {
	return ['PATCH', 'POST', 'PUT'].includes(method.toUpperCase()) ? body.length : 0;
}

export class MailboxThrottle {
	private readonly mailboxes = new Map<string, MailboxState>();

	constructor(
		private readonly limits: () => ThrottleLimits,
		private readonly now: () => number = Date.now,
	) {}

	admit(mailboxId: string, uploadBytes: number): Admission {
		const limits = this.limits();
		const state = this.stateOf(mailboxId);
		const now = this.now();
		this.prune(state, now);

		if (state.inFlight >= limits.maxConcurrentPerMailbox) {
			// A slot frees when a request in flight finishes; one second is Graph's usual hint.
			return { admitted: false, reason: 'concurrency', retryAfterSec: 1 };
		}
		if (state.requestTimes.length >= limits.requestsPerTenMinutes) {
			// The oldest request still counted leaves the window first (with a zero budget: none ever does).
			const oldestCounted =
				state.requestTimes[state.requestTimes.length - limits.requestsPerTenMinutes] ?? Number.NaN;
			const roomAt = oldestCounted + TEN_MINUTES_MS;
			return { admitted: false, reason: 'requestBudget', retryAfterSec: secondsUntil(roomAt, now) };
		}
		// An empty window admits any size, else a body larger than the budget could never pass.
		if (
			uploadBytes > 0 &&
			state.uploadBytesInWindow > 0 &&
			state.uploadBytesInWindow + uploadBytes > limits.uploadBytesPerFiveMinutes
		) {
			return {
				admitted: false,
				reason: 'uploadBudget',
				retryAfterSec: secondsUntil(this.uploadRoomAt(state, uploadBytes, limits), now),
			};
		}

		state.requestTimes.push(now);
		if (uploadBytes > 0) {
			state.uploads.push({ at: now, bytes: uploadBytes });
			state.uploadBytesInWindow += uploadBytes;
		}
		state.inFlight += 1;
		state.peak = Math.max(state.peak, state.inFlight);
		let released = false;
		return {
			admitted: true,
			release: () => {
				if (released) return;
				released = true;
				state.inFlight -= 1;
			},
		};
	}

	inFlight(mailboxId: string): number {
		return this.mailboxes.get(mailboxId)?.inFlight ?? 0;
	}

	/** Highest number of admitted requests in flight at once, per mailbox. */
	peaks(): Record<string, number> {
		const out: Record<string, number> = {};
		for (const [id, state] of this.mailboxes) if (state.peak > 0) out[id] = state.peak;
		return out;
	}

	/** Starts peak tracking afresh (requests still in flight count as the new baseline). */
	resetPeaks(): void {
		for (const state of this.mailboxes.values()) state.peak = state.inFlight;
	}

	/** Forgets the budget windows and peaks; requests in flight keep their slots. */
	reset(): void {
		for (const state of this.mailboxes.values()) {
			state.peak = state.inFlight;
			state.requestTimes = [];
			state.uploads = [];
			state.uploadBytesInWindow = 0;
		}
	}

	private stateOf(mailboxId: string): MailboxState {
		let state = this.mailboxes.get(mailboxId);
		if (!state) {
			state = { inFlight: 0, peak: 0, requestTimes: [], uploads: [], uploadBytesInWindow: 0 };
			this.mailboxes.set(mailboxId, state);
		}
		return state;
	}

	private prune(state: MailboxState, now: number): void {
		const firstRecent = state.requestTimes.findIndex((at) => at + TEN_MINUTES_MS > now);
		state.requestTimes.splice(0, firstRecent < 0 ? state.requestTimes.length : firstRecent);
		const firstRecentUpload = state.uploads.findIndex(
			(upload) => upload.at + FIVE_MINUTES_MS > now,
		);
		const expired = state.uploads.splice(
			0,
			firstRecentUpload < 0 ? state.uploads.length : firstRecentUpload,
		);
		for (const upload of expired) state.uploadBytesInWindow -= upload.bytes;
	}

	/** When enough old uploads leave the window for `bytes` more to fit. */
	private uploadRoomAt(state: MailboxState, bytes: number, limits: ThrottleLimits): number {
		let remaining = state.uploadBytesInWindow;
		for (const upload of state.uploads) {
			remaining -= upload.bytes;
			if (remaining === 0 || remaining + bytes <= limits.uploadBytesPerFiveMinutes)
				return upload.at + FIVE_MINUTES_MS;
		}
		return this.now();
	}
}

function secondsUntil(at: number, now: number): number {
	return Math.max(1, Math.ceil((at - now) / 1000));
}

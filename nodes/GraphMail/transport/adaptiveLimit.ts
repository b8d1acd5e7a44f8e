/**
 * How many requests to keep in flight to one mailbox when others (another worker, another
 * execution, another app) may be using it too, without a shared store: like TCP's congestion
 * window, grow slowly while Graph accepts, shrink at once when it throttles (additive increase,
 * multiplicative decrease), and back to the cap at once when a sender that was shut out gets in
 * again. Two senders doing this settle around Outlook's 4-in-flight capacity between them with few
 * 429s; a sender alone stays at the cap.
 *
 * Pure: the caller reports outcomes and reads `current`; the clock is injected.
 */
export interface AdaptiveLimitOptions {
	/** The cap (Outlook's 4 in flight per mailbox, or Max Parallel Requests). */
	max: number;
	/**
	 * Growth per accepted request group, divided by the window (about +1.5 per full round: from 1
	 * back to 4 in about four accepted chains once the other sender is done; at +0.5 the mailbox
	 * stayed half used for seconds after each throttle).
	 */
	increase?: number;
	/** Factor applied on a throttle. */
	decrease?: number;
	now?: () => number;
}

export class AdaptiveLimit {
	readonly max: number;
	private window: number;
	private readonly increase: number;
	private readonly decrease: number;
	private readonly now: () => number;
	/** When the window last shrank: throttles of requests sent before it are the same congestion. */
	private shrunkAt = Number.NEGATIVE_INFINITY;
	/** Throttled since the last accepted group. */
	private waitingTurn = false;
	/** Throttles seen and reacted to (diagnostics). */
	throttles = 0;
	reductions = 0;

	constructor(options: AdaptiveLimitOptions) {
		this.max = Math.max(1, Math.floor(options.max));
		this.window = this.max;
		this.increase = options.increase ?? 1.5;
		this.decrease = options.decrease ?? 0.7;
		this.now = options.now ?? Date.now;
	}

	/** Requests (or serial request chains) to keep in flight now: 1 to `max`. */
	get current(): number {
		return Math.max(1, Math.min(this.max, Math.floor(this.window)));
	}

	/**
	 * A group of requests was accepted throughout. Grows by `increase` per window; but a sender at
	 * the floor that was throttled since its last accepted group was waiting its turn at a mailbox
	 * someone else kept full, and this group getting in means the mailbox has room again (the other
	 * sender is done or has shrunk): back to the cap at once. Growing one step per chain left the
	 * mailbox half used for over a second each time; if the other sender is still there, the next
	 * throttle cuts the window again.
	 */
	accepted(): void {
		this.window =
			this.waitingTurn && this.current === 1
				? this.max
				: Math.min(this.max, this.window + this.increase / Math.max(1, this.window));
		this.waitingTurn = false;
	}

	/** A request sent at `sentAt` was throttled (429, or 503). Shrinks once per congestion event. */
	throttled(sentAt: number): void {
		this.throttles++;
		this.waitingTurn = true;
		if (sentAt <= this.shrunkAt) return;
		this.window = Math.max(1, this.window * this.decrease);
		this.shrunkAt = this.now();
		this.reductions++;
	}
}

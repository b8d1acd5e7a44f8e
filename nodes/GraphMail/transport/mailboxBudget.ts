/**
 * Outlook's per-mailbox budgets, kept on our side so that a long run paces itself instead of
 * running into 429s: at most 10,000 requests per rolling 10 minutes (each `$batch` sub-request
 * counts) and 150 MiB of request bodies (POST/PATCH/PUT, upload-session PUTs included) per
 * rolling 5 minutes, per mailbox. `reserve` waits until the request fits, then counts it.
 *
 * One budget per node execution (GraphClient owns it; never module state): it paces what this
 * execution sends. Other executions, workers or apps using the same mailbox are not seen here;
 * Graph's own 429 + Retry-After covers them.
 */
export interface BudgetLimits {
	maxRequests: number;
	requestWindowMs: number;
	maxUploadBytes: number;
	uploadWindowMs: number;
}

export const OUTLOOK_MAILBOX_BUDGET: BudgetLimits = {
	maxRequests: 10_000,
	requestWindowMs: 10 * 60 * 1000,
	maxUploadBytes: 150 * 1024 * 1024,
	uploadWindowMs: 5 * 60 * 1000,
};

interface Spend {
	at: number;
	amount: number;
}

/** Amounts spent in a rolling window, oldest first. */
class Window {
	private readonly spends: Spend[] = [];
	private head = 0;
	total = 0;

	constructor(
		private readonly limit: number,
		private readonly lengthMs: number,
	) {}

	prune(now: number): void {
		for (
			let oldest = this.spends[this.head];
			oldest && oldest.at + this.lengthMs <= now;
			oldest = this.spends[this.head]
		) {
			this.total -= oldest.amount;
			this.head++;
		}
		if (this.head > 1024 && this.head * 2 > this.spends.length) {
			this.spends.splice(0, this.head);
			this.head = 0;
		}
	}

	/** Ms until `amount` more fits (0: now). An empty window takes any single amount. */
	delayFor(amount: number, now: number): number {
		if (amount <= 0 || this.total === 0 || this.total + amount <= this.limit) return 0;
		let remaining = this.total;
		for (const spend of this.spends.slice(this.head)) {
			remaining -= spend.amount;
			if (remaining === 0 || remaining + amount <= this.limit) {
				return Math.max(1, spend.at + this.lengthMs - now);
			}
		}
		return 0;
	}

	add(amount: number, now: number): void {
		if (amount <= 0) return;
		this.spends.push({ at: now, amount });
		this.total += amount;
	}
}

interface MailboxWindows {
	requests: Window;
	uploads: Window;
}

export class MailboxBudget {
	private readonly mailboxes = new Map<string, MailboxWindows>();

	constructor(
		readonly limits: BudgetLimits = OUTLOOK_MAILBOX_BUDGET,
		private readonly now: () => number = Date.now,
	) {}

	/** Ms to wait before `requests` requests with `uploadBytes` of body fit the mailbox's budgets (0: now). */
	delayMs(mailbox: string, requests: number, uploadBytes: number): number {
		const windows = this.windowsOf(mailbox);
		const now = this.now();
		windows.requests.prune(now);
		windows.uploads.prune(now);
		return Math.max(
			windows.requests.delayFor(requests, now),
			windows.uploads.delayFor(uploadBytes, now),
		);
	}

	/** Counts a request (or a batch of `requests` sub-requests) now. */
	spend(mailbox: string, requests: number, uploadBytes: number): void {
		const windows = this.windowsOf(mailbox);
		const now = this.now();
		windows.requests.add(requests, now);
		windows.uploads.add(uploadBytes, now);
	}

	/** Waits (with `wait`) until the request fits, then counts it. Resolves to the time waited. */
	async reserve(
		mailbox: string,
		requests: number,
		uploadBytes: number,
		wait: (ms: number) => Promise<void>,
	): Promise<number> {
		let waited = 0;
		for (;;) {
			const delay = this.delayMs(mailbox, requests, uploadBytes);
			if (delay <= 0) {
				this.spend(mailbox, requests, uploadBytes);
				return waited;
			}
			await wait(delay);
			waited += delay;
		}
	}

	/** What the mailbox has spent in the current windows. */
	usage(mailbox: string): { requests: number; uploadBytes: number } {
		const windows = this.windowsOf(mailbox);
		const now = this.now();
		windows.requests.prune(now);
		windows.uploads.prune(now);
		return { requests: windows.requests.total, uploadBytes: windows.uploads.total };
	}

	private windowsOf(mailbox: string): MailboxWindows {
		const key = mailbox.toLowerCase();
		let windows = this.mailboxes.get(key);
		if (!windows) {
			windows = {
				requests: new Window(this.limits.maxRequests, this.limits.requestWindowMs),
				uploads: new Window(this.limits.maxUploadBytes, this.limits.uploadWindowMs),
			};
			this.mailboxes.set(key, windows);
		}
		return windows;
	}
}

import type { EmulatorCounters, MailService } from './contract';
import type { MailboxThrottle } from './graph/throttle';

/** Counts what the server saw; delivery numbers come from the mail service (kept relative to the last reset). */
export class CounterStore {
	requests = 0;
	requestsByRoute: Record<string, number> = {};
	throttled429 = 0;
	faultsServed: Record<string, number> = {};
	bytesUploaded = 0;
	uploadRequestsWithAuthorization = 0;
	tokensIssued = 0;
	refreshes = 0;
	private deliveryBaseline = { delivered: 0, duplicatesDelivered: 0 };

	constructor(
		private readonly mail: () => MailService,
		private readonly throttle: MailboxThrottle,
	) {}

	countRoute(route: string): void {
		this.requestsByRoute[route] = (this.requestsByRoute[route] ?? 0) + 1;
	}

	countFault(kind: string): void {
		this.faultsServed[kind] = (this.faultsServed[kind] ?? 0) + 1;
	}

	snapshot(): EmulatorCounters {
		const delivery = this.mail().deliveryCounters();
		return {
			requests: this.requests,
			requestsByRoute: { ...this.requestsByRoute },
			throttled429: this.throttled429,
			faultsServed: { ...this.faultsServed },
			delivered: delivery.delivered - this.deliveryBaseline.delivered,
			duplicatesDelivered: delivery.duplicatesDelivered - this.deliveryBaseline.duplicatesDelivered,
			bytesUploaded: this.bytesUploaded,
			peakInFlightByMailbox: this.throttle.peaks(),
			uploadRequestsWithAuthorization: this.uploadRequestsWithAuthorization,
			tokensIssued: this.tokensIssued,
			refreshes: this.refreshes,
		};
	}

	reset(): void {
		this.requests = 0;
		this.requestsByRoute = {};
		this.throttled429 = 0;
		this.faultsServed = {};
		this.bytesUploaded = 0;
		this.uploadRequestsWithAuthorization = 0;
		this.tokensIssued = 0;
		this.refreshes = 0;
		this.deliveryBaseline = { ...this.mail().deliveryCounters() };
		this.throttle.resetPeaks();
	}
}

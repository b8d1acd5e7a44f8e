import { timingSafeEqual } from 'crypto';

/**
 * What a notification POST to the webhook says, checked: every entry must carry the subscription's
 * `clientState` (others are refused: anyone can POST to a webhook URL). Change notifications only
 * say "something changed": the trigger reads the mail itself through its delta cursor. Pure.
 */
export type LifecycleEvent = 'subscriptionRemoved' | 'missed' | 'reauthorizationRequired';

export interface NotificationSignal {
	/** Subscriptions that reported a change. */
	changed: string[];
	lifecycle: Array<{ subscriptionId: string; event: LifecycleEvent }>;
}

export interface ReadNotifications {
	signal: NotificationSignal;
	accepted: number;
	refused: number;
}

function sameSecret(given: unknown, expected: string): boolean {
	if (typeof given !== 'string' || expected === '') return false;
	const a = Buffer.from(given, 'utf8');
	const b = Buffer.from(expected, 'utf8');
	return a.length === b.length && timingSafeEqual(a, b);
}

const LIFECYCLE_EVENTS: readonly string[] = ['subscriptionRemoved', 'missed', 'reauthorizationRequired'];

/** `clientStates`: the secrets accepted (none: every entry is refused). */
export function readNotifications(body: unknown, clientStates: readonly string[]): ReadNotifications {
	const entries = Array.isArray((body as { value?: unknown } | undefined)?.value) ? ((body as { value: unknown[] }).value) : [];
	const signal: NotificationSignal = { changed: [], lifecycle: [] };
	let accepted = 0;
	let refused = 0;
	for (const entry of entries) {
		const data = (entry ?? {}) as { clientState?: unknown; subscriptionId?: unknown; lifecycleEvent?: unknown };
		if (!clientStates.some((secret) => sameSecret(data.clientState, secret)) || typeof data.subscriptionId !== 'string') {
			refused += 1;
			continue;
		}
		accepted += 1;
		if (typeof data.lifecycleEvent === 'string') {
			if (LIFECYCLE_EVENTS.includes(data.lifecycleEvent)) {
				signal.lifecycle.push({ subscriptionId: data.subscriptionId, event: data.lifecycleEvent as LifecycleEvent });
			}
		} else {
			signal.changed.push(data.subscriptionId);
		}
	}
	return { signal, accepted, refused };
}

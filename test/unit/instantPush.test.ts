import { GraphMailInstantTrigger } from '../../nodes/GraphMailInstantTrigger/GraphMailInstantTrigger.node';
import { GraphMailTrigger } from '../../nodes/GraphMailTrigger/GraphMailTrigger.node';
import { acceptedClientStates, forgetClientState, rememberClientState } from '../../nodes/GraphMailTrigger/instant/clientStates';
import { readNotifications } from '../../nodes/GraphMailTrigger/instant/notifications';
import {
	isOwnUrl,
	needsRenewal,
	newClientState,
	readPush,
	RENEW_BEFORE_MS,
	SAFETY_INTERVAL_MS,
	SUBSCRIPTION_LIFETIME_MS,
	subscriptionAction,
	writePush,
	type PushState,
} from '../../nodes/GraphMailTrigger/instant/pushState';

const HOUR = 60 * 60_000;

describe('instant trigger: clientState', () => {
	it('is 256 random bits, new each time, within Graph\'s 128 characters', () => {
		const states = new Set(Array.from({ length: 200 }, () => newClientState()));
		expect(states.size).toBe(200);
		for (const state of states) {
			expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
			expect(Buffer.from(state, 'base64url')).toHaveLength(32);
		}
	});

	it('is accepted from the saved subscriptions or from the hooks\' hand-over, and from nowhere else', () => {
		const push: PushState = { clientState: 'saved-secret', notificationUrl: 'https://n8n/webhook/w/webhook', createdAt: 0, byFolder: {} };
		expect(acceptedClientStates('wf|node', push)).toEqual(['saved-secret']);
		rememberClientState('wf|node', 'handed-over');
		try {
			expect(acceptedClientStates('wf|node', undefined)).toEqual(['handed-over']);
			expect(acceptedClientStates('wf|node', push)).toEqual(['saved-secret', 'handed-over']);
			// A test listen (no key) never accepts the active workflow's secret by hand-over.
			expect(acceptedClientStates(undefined, undefined)).toEqual([]);
			expect(acceptedClientStates('wf|other-node', undefined)).toEqual([]);
		} finally {
			forgetClientState('wf|node');
		}
		expect(acceptedClientStates('wf|node', undefined)).toEqual([]);
	});
});

describe('instant trigger: reading a notification POST', () => {
	const secret = newClientState();
	const change = (clientState: unknown, subscriptionId: unknown = 'sub-1') => ({ subscriptionId, clientState, changeType: 'created' });

	it('accepts entries that carry the secret and refuses the others one by one', () => {
		const read = readNotifications(
			{ value: [change(secret), change('forged'), change(undefined), change(secret.slice(0, -1)), change(`${secret}x`), change(secret, 42)] },
			[secret],
		);
		expect(read.accepted).toBe(1);
		expect(read.refused).toBe(5);
		expect(read.signal.changed).toEqual(['sub-1']);
	});

	it('refuses everything when no secret is known (never an empty-string match)', () => {
		expect(readNotifications({ value: [change('')] }, []).accepted).toBe(0);
		expect(readNotifications({ value: [change('')] }, ['']).accepted).toBe(0);
		expect(readNotifications({ value: [change(secret)] }, []).accepted).toBe(0);
	});

	it('accepts any of several secrets (the saved one and the handed-over one)', () => {
		const other = newClientState();
		const read = readNotifications({ value: [change(secret, 'a'), change(other, 'b')] }, [secret, other]);
		expect(read.signal.changed).toEqual(['a', 'b']);
	});

	it('reads the lifecycle events and ignores unknown ones', () => {
		const lifecycle = (event: string, subscriptionId = 'sub-1') => ({ subscriptionId, clientState: secret, lifecycleEvent: event });
		const read = readNotifications(
			{ value: [lifecycle('missed'), lifecycle('subscriptionRemoved', 'sub-2'), lifecycle('reauthorizationRequired', 'sub-3'), lifecycle('somethingNew')] },
			[secret],
		);
		expect(read.signal.lifecycle).toEqual([
			{ subscriptionId: 'sub-1', event: 'missed' },
			{ subscriptionId: 'sub-2', event: 'subscriptionRemoved' },
			{ subscriptionId: 'sub-3', event: 'reauthorizationRequired' },
		]);
		expect(read.signal.changed).toEqual([]);
		expect(read.accepted).toBe(4);
	});

	it('reads a body that is not a notification as nothing', () => {
		for (const body of [undefined, null, 'text', { value: 'x' }, { value: [null, 7] }]) {
			expect(readNotifications(body, [secret]).accepted).toBe(0);
		}
	});
});

describe('instant trigger: what a round does with a subscription', () => {
	const now = Date.UTC(2026, 0, 10);
	const none = { removed: new Set<string>(), reauthorize: new Set<string>() };
	const sub = (hoursLeft: number) => ({ id: 'sub-1', expiresAt: now + hoursLeft * HOUR });

	it('renews once less than 36 hours are left, not before', () => {
		expect(subscriptionAction(sub(36.01), none, now)).toBe('keep');
		expect(subscriptionAction(sub(35.99), none, now)).toBe('renew');
		expect(subscriptionAction(sub(-1), none, now)).toBe('renew');
		expect(needsRenewal(sub(36), now)).toBe(false);
	});

	it('renews when Graph asks (reauthorizationRequired), even far from expiry', () => {
		expect(subscriptionAction(sub(70), { ...none, reauthorize: new Set(['sub-1']) }, now)).toBe('renew');
		expect(subscriptionAction(sub(70), { ...none, reauthorize: new Set(['another']) }, now)).toBe('keep');
	});

	it('makes a new one when Graph removed it or there is none', () => {
		expect(subscriptionAction(sub(70), { ...none, removed: new Set(['sub-1']) }, now)).toBe('create');
		expect(subscriptionAction(undefined, none, now)).toBe('create');
	});

	it('keeps a subscription alive in a quiet mailbox: many checks before it can lapse, within Outlook\'s limit', () => {
		expect(SUBSCRIPTION_LIFETIME_MS).toBeLessThanOrEqual(10_080 * 60_000);
		// A fresh subscription is first renewed after LIFETIME - RENEW_BEFORE; between that and
		// expiry, the safety round (every 15 minutes) gets many tries.
		expect((RENEW_BEFORE_MS / SAFETY_INTERVAL_MS) | 0).toBeGreaterThanOrEqual(96);
		expect(SUBSCRIPTION_LIFETIME_MS - RENEW_BEFORE_MS).toBeGreaterThan(SAFETY_INTERVAL_MS);
	});
});

describe('instant trigger: static data', () => {
	it('round-trips the subscriptions and drops malformed entries', () => {
		const staticData: Record<string, unknown> = {};
		const push: PushState = {
			clientState: 's',
			notificationUrl: 'https://n8n.example.com/webhook/abc/webhook',
			createdAt: 5,
			byFolder: { 'me|inbox': { id: 'sub-1', expiresAt: 10 } },
		};
		writePush(staticData as never, push);
		(staticData.push as { byFolder: Record<string, unknown> }).byFolder.bad = { id: 3 };
		expect(readPush(staticData as never)).toEqual(push);
		writePush(staticData as never, undefined);
		expect(readPush(staticData as never)).toBeUndefined();
	});

	it('knows its own production URL, not the editor\'s test URL', () => {
		expect(isOwnUrl('https://n8n.example.com/webhook/abc/webhook', 'abc')).toBe(true);
		expect(isOwnUrl('https://n8n.example.com/webhook-test/abc/webhook', 'abc')).toBe(false);
		expect(isOwnUrl('https://n8n.example.com/webhook/abcd/webhook', 'abc')).toBe(false);
		expect(isOwnUrl('https://n8n.example.com/webhook/abc/webhook', '')).toBe(false);
	});
});

describe('instant trigger: node description', () => {
	it('shows no Poll Times (even after n8n\'s loader added them to the polling trigger\'s shared fields) and no app-only choice', () => {
		// n8n-core's DirectoryLoader.applySpecialNodeParameters: `properties.unshift(...commonPollingParameters)` on polling nodes.
		const polling = new GraphMailTrigger().description;
		polling.properties.unshift({ displayName: 'Poll Times', name: 'pollTimes', type: 'fixedCollection', default: {}, options: [] });
		try {
			const names = new GraphMailInstantTrigger().description.properties.map((property) => property.name);
			expect(names).not.toContain('pollTimes');
			expect(names).not.toContain('authentication');
			expect(names).toEqual(expect.arrayContaining(['event', 'mailbox', 'folders', 'filters', 'output', 'options']));
		} finally {
			polling.properties.splice(0, 1);
		}
	});
});

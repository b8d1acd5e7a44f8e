/**
 * Change-notification subscriptions on messages (`/subscriptions`), as Microsoft documents them for
 * Outlook message resources:
 *  - create: `changeType`, `notificationUrl`, `resource`, `expirationDateTime` required; `clientState`
 *    (at most 128 characters) and `lifecycleNotificationUrl` optional. Before answering, Graph POSTs
 *    `?validationToken=...` to each URL and needs the token back as text/plain with 200 within
 *    10 seconds, or the subscription is refused (400).
 *  - expiry: at most 10,080 minutes (7 days) ahead for messages; a subscription past its expiry is gone.
 *  - renew with PATCH (`expirationDateTime`, same limit); DELETE -> 204; GET one or the caller's own.
 *  - notifications: `created` changes of the watched folder (or the whole mailbox for `/messages`),
 *    POSTed as `{value:[{subscriptionId, subscriptionExpirationDateTime, changeType, resource,
 *    resourceData, clientState, tenantId}]}`; lifecycle events (`subscriptionRemoved`, `missed`,
 *    `reauthorizationRequired`) go to `lifecycleNotificationUrl` only.
 * The HTTP side (loopback only, faults, retries) is the server's NotificationSink (graph/notifier.ts).
 * Emulator decision: Graph requires https; the emulator also accepts http, on loopback only.
 */
import { randomUUID } from 'node:crypto';
import type { Caller, HandlerResult, RawRequest, UrlContext } from '../../contract';
import { badRequest, GraphError } from '../errors';
import { getProperty, readJsonObject, type JsonObject } from '../input/json-body';
import { authorize } from '../routing/access';
import { resolveFolder, messagesOfFolder, messagesOfMailbox } from '../storage/store';
import { findUserByKey } from '../storage/users';
import { parseIsoDate, toGraphDate } from '../time';
import type { MailState, ServiceConfig } from '../types';

/** Longest lifetime of a subscription to Outlook messages (Graph: 10,080 minutes). */
export const MAX_MESSAGE_SUBSCRIPTION_MINUTES = 10_080;
export const MAX_CLIENT_STATE_LENGTH = 128;
export const CHANGE_TYPES = ['created', 'updated', 'deleted'] as const;
export type LifecycleEvent = 'subscriptionRemoved' | 'missed' | 'reauthorizationRequired';

export interface NotificationPayload {
	value: Array<Record<string, unknown>>;
}

/** How subscriptions reach the outside world (graph/notifier.ts over HTTP; tests may pass their own). */
export interface NotificationSink {
	tenantId: string;
	/** POSTs the validation request; true when the endpoint echoed the token in time. */
	validate(url: string, token: string): Promise<{ ok: true } | { ok: false; reason: string }>;
	/** Delivers one notification POST (fire and forget: retries and faults are the sink's). */
	post(
		url: string,
		payload: NotificationPayload,
		meta: { subscriptionId: string; mailboxId: string },
	): void;
}

export interface Subscription {
	id: string;
	/** Mailbox owner (lower-case user id) and the delegate who created it. */
	ownerId: string;
	creatorId: string;
	applicationId: string;
	resource: string;
	/** Watched folder id; undefined = every message of the mailbox (`/messages`). */
	folderId?: string;
	changeTypes: string[];
	notificationUrl: string;
	lifecycleNotificationUrl?: string;
	clientState?: string;
	expiresAt: number;
	/** Mailbox change sequence up to which created messages were notified. */
	notifiedSeq: number;
}

export class SubscriptionStore {
	readonly byId = new Map<string, Subscription>();

	/** Drops subscriptions past their expiry (Graph stops sending and deletes them). */
	prune(now: number): void {
		for (const [id, sub] of this.byId) if (sub.expiresAt <= now) this.byId.delete(id);
	}

	clear(): void {
		this.byId.clear();
	}
}

/** 127.x, ::1 or localhost: the only hosts the emulator calls out to. */
export function isLoopbackHost(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** https anywhere (as Graph), or http on loopback (the emulator's allowance); the URL as given. */
export function checkNotificationUrl(value: unknown, property: string): string {
	if (typeof value !== 'string' || value === '')
		throw badRequest(`${property} is a required property.`, 'InvalidRequest');
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		throw badRequest(`Invalid ${property}: '${value}' is not an absolute URL.`, 'InvalidRequest');
	}
	if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
		throw badRequest(
			`Subscription validation request failed. ${property} must be an https URL.`,
			'ValidationError',
		);
	}
	return value;
}

function expiry(value: unknown, now: number): number {
	const at = typeof value === 'string' ? parseIsoDate(value) : undefined;
	if (at === undefined)
		throw badRequest(
			'expirationDateTime is a required property (an ISO 8601 date-time).',
			'InvalidRequest',
		);
	if (at <= now)
		throw badRequest('Subscription expiration must be in the future.', 'InvalidRequest');
	if (at > now + MAX_MESSAGE_SUBSCRIPTION_MINUTES * 60_000) {
		throw badRequest(
			`Subscription expiration can only be ${MAX_MESSAGE_SUBSCRIPTION_MINUTES} minutes in the future.`,
			'InvalidRequest',
		);
	}
	return at;
}

/** `me/mailFolders('inbox')/messages`, `/users/{id}/mailFolders/{id}/messages`, `me/messages`. */
function parseResource(resource: string): { target: string; folder?: string } | undefined {
	const m =
		/^\/?(me|users(?:\/([^/()]+)|\('([^']+)'\)))\/(?:mailfolders(?:\/([^/()]+)|\('([^']+)'\))\/)?messages$/i.exec(
			resource,
		);
	if (!m) return undefined;
	const target = m[1]!.toLowerCase() === 'me' ? 'me' : decodeURIComponent((m[2] ?? m[3])!);
	const folder = m[4] ?? m[5];
	return { target, ...(folder !== undefined ? { folder: decodeURIComponent(folder) } : {}) };
}

function serialize(sub: Subscription, urls: UrlContext): Record<string, unknown> {
	return {
		'@odata.context': `${urls.graphBaseUrl}/v1.0/$metadata#subscriptions/$entity`,
		id: sub.id,
		resource: sub.resource,
		applicationId: sub.applicationId,
		changeType: sub.changeTypes.join(','),
		clientState: sub.clientState ?? null,
		notificationUrl: sub.notificationUrl,
		lifecycleNotificationUrl: sub.lifecycleNotificationUrl ?? null,
		expirationDateTime: toGraphDate(sub.expiresAt),
		creatorId: sub.creatorId,
		latestSupportedTlsVersion: 'v1_2',
		notificationContentType: 'application/json',
	};
}

function notFound(): GraphError {
	return new GraphError(404, 'ResourceNotFound', 'The object was not found.');
}

export interface SubscriptionDeps {
	state: MailState;
	config: ServiceConfig;
	store: SubscriptionStore;
	sink: NotificationSink;
}

async function create(
	deps: SubscriptionDeps,
	req: RawRequest,
	caller: Caller,
	urls: UrlContext,
): Promise<HandlerResult> {
	const now = deps.config.now();
	const body: JsonObject = readJsonObject(req);
	const changeTypes = String(getProperty(body, 'changeType') ?? '')
		.split(',')
		.map((t) => t.trim())
		.filter((t) => t !== '');
	if (changeTypes.length === 0)
		throw badRequest('changeType is a required property.', 'InvalidRequest');
	for (const type of changeTypes) {
		if (!(CHANGE_TYPES as readonly string[]).includes(type))
			throw badRequest(`'${type}' is not a valid changeType.`, 'InvalidRequest');
	}
	const notificationUrl = checkNotificationUrl(
		getProperty(body, 'notificationUrl'),
		'notificationUrl',
	);
	const lifecycleRaw = getProperty(body, 'lifecycleNotificationUrl');
	const lifecycleNotificationUrl =
		lifecycleRaw === undefined || lifecycleRaw === null
			? undefined
			: checkNotificationUrl(lifecycleRaw, 'lifecycleNotificationUrl');
	const clientState = getProperty(body, 'clientState');
	if (
		clientState !== undefined &&
		clientState !== null &&
		(typeof clientState !== 'string' || clientState.length > MAX_CLIENT_STATE_LENGTH)
	) {
		throw badRequest(
			`clientState must be a string of at most ${MAX_CLIENT_STATE_LENGTH} characters.`,
			'InvalidRequest',
		);
	}
	const expiresAt = expiry(getProperty(body, 'expirationDateTime'), now);
	const resource = String(getProperty(body, 'resource') ?? '');
	const parsed = parseResource(resource);
	if (!parsed)
		throw badRequest(
			`Resource '${resource}' is not supported: subscribe to .../messages or .../mailFolders/{id}/messages.`,
			'InvalidRequest',
		);
	const owner = findUserByKey(deps.state, parsed.target === 'me' ? caller.userId : parsed.target);
	if (!owner)
		throw badRequest(`The requested user '${parsed.target}' is invalid.`, 'ExtensionError');
	authorize(deps.state, deps.config, caller, owner.id, 'readBasic');
	const mailbox = deps.state.mailboxes.get(owner.id);
	if (!mailbox)
		throw badRequest(`The requested user '${parsed.target}' is invalid.`, 'ExtensionError');
	let folderId: string | undefined;
	if (parsed.folder !== undefined) {
		const folder = resolveFolder(mailbox, parsed.folder);
		if (!folder)
			throw new GraphError(
				404,
				'ExtensionError',
				`The folder '${parsed.folder}' was not found in the mailbox.`,
			);
		folderId = folder.id;
	}
	for (const url of [
		notificationUrl,
		...(lifecycleNotificationUrl ? [lifecycleNotificationUrl] : []),
	]) {
		const validation = await deps.sink.validate(
			url,
			`Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`,
		);
		if (!validation.ok) {
			throw badRequest(
				`Subscription validation request failed. ${validation.reason}`,
				'ValidationError',
			);
		}
	}
	const sub: Subscription = {
		id: randomUUID(),
		ownerId: owner.id.toLowerCase(),
		creatorId: caller.userId,
		applicationId: caller.clientId,
		resource,
		...(folderId !== undefined ? { folderId } : {}),
		changeTypes,
		notificationUrl,
		...(lifecycleNotificationUrl ? { lifecycleNotificationUrl } : {}),
		...(typeof clientState === 'string' ? { clientState } : {}),
		expiresAt,
		notifiedSeq: mailbox.seq,
	};
	deps.store.byId.set(sub.id, sub);
	return { status: 201, json: serialize(sub, urls) };
}

function ownSubscription(deps: SubscriptionDeps, id: string, caller: Caller): Subscription {
	deps.store.prune(deps.config.now());
	const sub = deps.store.byId.get(id);
	if (
		!sub ||
		sub.applicationId !== caller.clientId ||
		sub.creatorId.toLowerCase() !== caller.userId.toLowerCase()
	)
		throw notFound();
	return sub;
}

/** `/subscriptions` and `/subscriptions/{id}`; undefined when the path is not a subscription route. */
export async function handleSubscriptions(
	deps: SubscriptionDeps,
	req: RawRequest,
	caller: Caller,
	urls: UrlContext,
): Promise<HandlerResult | undefined> {
	const m = /^\/subscriptions(?:\/([^/]+))?\/?$/i.exec(req.path);
	if (!m) return undefined;
	const method = req.method.toUpperCase();
	if (m[1] === undefined) {
		if (method === 'POST') return await create(deps, req, caller, urls);
		if (method === 'GET') {
			deps.store.prune(deps.config.now());
			const own = [...deps.store.byId.values()].filter(
				(s) =>
					s.applicationId === caller.clientId &&
					s.creatorId.toLowerCase() === caller.userId.toLowerCase(),
			);
			return {
				status: 200,
				json: {
					'@odata.context': `${urls.graphBaseUrl}/v1.0/$metadata#subscriptions`,
					value: own.map((s) => serialize(s, urls)),
				},
			};
		}
		throw new GraphError(
			405,
			'MethodNotAllowed',
			`The HTTP method '${method}' is not allowed for this resource.`,
		);
	}
	const sub = ownSubscription(deps, decodeURIComponent(m[1]), caller);
	if (method === 'GET') return { status: 200, json: serialize(sub, urls) };
	if (method === 'DELETE') {
		deps.store.byId.delete(sub.id);
		return { status: 204 };
	}
	if (method === 'PATCH') {
		const body = readJsonObject(req);
		for (const key of Object.keys(body)) {
			if (key.toLowerCase() !== 'expirationdatetime')
				throw badRequest(`Only expirationDateTime can be updated, not '${key}'.`, 'InvalidRequest');
		}
		sub.expiresAt = expiry(getProperty(body, 'expirationDateTime'), deps.config.now());
		return { status: 200, json: serialize(sub, urls) };
	}
	throw new GraphError(
		405,
		'MethodNotAllowed',
		`The HTTP method '${method}' is not allowed for this resource.`,
	);
}

function messageResource(sub: Subscription, messageId: string): string {
	return `Users/${sub.ownerId}/Messages/${messageId}`;
}

/**
 * Sends a notification for each message created in a watched folder since the last call (moves
 * into the folder count: Graph reports them as created there). Called after every change.
 */
export function notifyCreated(deps: SubscriptionDeps): void {
	const now = deps.config.now();
	deps.store.prune(now);
	for (const sub of deps.store.byId.values()) {
		const mailbox = deps.state.mailboxes.get(sub.ownerId);
		if (!mailbox || mailbox.seq === sub.notifiedSeq) continue;
		const since = sub.notifiedSeq;
		sub.notifiedSeq = mailbox.seq;
		if (!sub.changeTypes.includes('created')) continue;
		const folder = sub.folderId !== undefined ? mailbox.folders.get(sub.folderId) : undefined;
		if (sub.folderId !== undefined && !folder) continue;
		const messages = (folder ? messagesOfFolder(mailbox, folder) : messagesOfMailbox(mailbox))
			.filter((message) => message.createdSeq > since)
			.sort((a, b) => a.createdSeq - b.createdSeq);
		for (const message of messages) {
			const resource = messageResource(sub, message.id);
			deps.sink.post(
				sub.notificationUrl,
				{
					value: [
						{
							subscriptionId: sub.id,
							subscriptionExpirationDateTime: toGraphDate(sub.expiresAt),
							changeType: 'created',
							resource,
							resourceData: {
								'@odata.type': '#Microsoft.Graph.Message',
								'@odata.id': resource,
								'@odata.etag': `W/"${message.changeKey}"`,
								id: message.id,
							},
							clientState: sub.clientState ?? null,
							tenantId: deps.sink.tenantId,
						},
					],
				},
				{ subscriptionId: sub.id, mailboxId: sub.ownerId },
			);
		}
	}
}

/**
 * A lifecycle event for one subscription (or every one): POSTed to its lifecycleNotificationUrl.
 * `subscriptionRemoved` also deletes it. Returns the subscriptions affected.
 */
export function sendLifecycle(
	deps: SubscriptionDeps,
	event: LifecycleEvent,
	subscriptionId?: string,
): number {
	deps.store.prune(deps.config.now());
	let count = 0;
	for (const sub of [...deps.store.byId.values()]) {
		if (subscriptionId !== undefined && sub.id !== subscriptionId) continue;
		count += 1;
		if (event === 'subscriptionRemoved') deps.store.byId.delete(sub.id);
		if (!sub.lifecycleNotificationUrl) continue;
		deps.sink.post(
			sub.lifecycleNotificationUrl,
			{
				value: [
					{
						subscriptionId: sub.id,
						subscriptionExpirationDateTime: toGraphDate(sub.expiresAt),
						tenantId: deps.sink.tenantId,
						clientState: sub.clientState ?? null,
						lifecycleEvent: event,
						resource: sub.resource,
					},
				],
			},
			{ subscriptionId: sub.id, mailboxId: sub.ownerId },
		);
	}
	return count;
}

/** What a test or the control API sees of the subscriptions. */
export function listSubscriptions(
	store: SubscriptionStore,
	now: number,
): Array<Record<string, unknown>> {
	store.prune(now);
	return [...store.byId.values()].map((s) => ({
		id: s.id,
		resource: s.resource,
		mailboxId: s.ownerId,
		notificationUrl: s.notificationUrl,
		lifecycleNotificationUrl: s.lifecycleNotificationUrl ?? null,
		hasClientState: s.clientState !== undefined,
		expirationDateTime: toGraphDate(s.expiresAt),
	}));
}

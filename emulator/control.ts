import type { IncomingMessage, ServerResponse } from 'node:http';

import type {
	EmulatorCounters,
	EmulatorUser,
	FaultSpec,
	MailboxSnapshot,
	MailService,
	SeedMessage,
} from './contract';
import type { CounterStore } from './counters';
import { MAX_CONTROL_BODY_BYTES, refuseNonJson, refuseWithoutKey } from './control-guard';
import type { FaultInjector } from './graph/faults';
import type { NotificationRecord, Notifier } from './graph/notifier';
import { readBody } from './http/body';
import { sendJson } from './http/respond';
import type { AppRegistration, RegisteredApp } from './identity/apps';
import type { ControlTokenRequest, Identity, TokenResponse } from './identity/identity';
import { applyOptions, type RuntimeSettings, type SettableOptions } from './settings';

export interface GrantRequest {
	/** The mailbox owner (user id or UPN). */
	mailboxId: string;
	/** Who gets the rights (user id or UPN). */
	delegateId: string;
	fullAccess?: boolean;
	sendAs?: boolean;
	sendOnBehalf?: boolean;
}

export type SeedMessagesRequest =
	| { userId: string; folder?: string; message: SeedMessage }
	| { userId: string; folder?: string; count: number; template?: SeedMessage };

/** Test and tooling hooks. Every method is also reachable over HTTP under `/_emulator/`. */
export interface EmulatorControl {
	/** Back to the state right after start: mail reseeded, tokens and apps dropped, faults, counters and options reset. */
	reset(): void;
	counters(): EmulatorCounters;
	resetCounters(): void;
	injectFault(spec: FaultSpec | FaultSpec[]): void;
	clearFaults(): void;
	/** Faults not yet used up. */
	faults(): FaultSpec[];
	setOptions(options: SettableOptions): void;
	/** A token response exactly like `/token` returns, without the browser. */
	issueTokens(request: ControlTokenRequest): TokenResponse;
	expireAccessTokens(userId?: string): number;
	revokeRefreshTokens(userId?: string): number;
	/** Makes refresh tokens expired as after 90 days idle (next use -> AADSTS700082). */
	expireRefreshTokens(userId?: string): number;
	registerApp(registration: AppRegistration): RegisteredApp;
	users(): EmulatorUser[];
	addUser(
		user: Partial<EmulatorUser> & { userPrincipalName: string; displayName: string },
	): EmulatorUser;
	grant(request: GrantRequest): void;
	createFolder(userId: string, displayName: string, parentFolderId?: string): { id: string };
	/** Puts one message into a folder (default inbox); returns its id. */
	deliver(userId: string, folder: string, message: SeedMessage): string;
	seedMessages(userId: string, folder: string, count: number, template?: SeedMessage): string[];
	mailbox(userId: string): MailboxSnapshot;
	invalidateDeltaTokens(): void;
	/** Change-notification subscriptions alive now. */
	subscriptions(): Array<Record<string, unknown>>;
	/** A lifecycle event to one subscription (or all): `subscriptionRemoved` deletes it too. Returns how many. */
	subscriptionLifecycle(event: LifecycleEvent, subscriptionId?: string): number;
	/** Notification POSTs sent so far, with their outcomes (status, dropped, error, gaveUp). */
	notifications(): NotificationRecord[];
}

type LifecycleEvent = 'subscriptionRemoved' | 'missed' | 'reauthorizationRequired';
const LIFECYCLE_EVENTS: LifecycleEvent[] = [
	'subscriptionRemoved',
	'missed',
	'reauthorizationRequired',
];

export interface ControlDeps {
	mail: () => MailService;
	identity: Identity;
	faults: FaultInjector;
	counters: CounterStore;
	settings: RuntimeSettings;
	/** Full reset of the emulator (server.ts knows every part). */
	resetAll: () => void;
	/** Something changed that the state file should keep. */
	changed: () => void;
	notifier: Notifier;
}

/** A control call refused with this HTTP status. */
class HttpError extends Error {
	constructor(
		readonly status: number,
		message: string,
	) {
		super(message);
	}
}

/** Messages one seeding call may create: enough for any benchmark, far from exhausting the heap. */
export const MAX_SEED_COUNT = 50_000;

function checkSeedCount(count: number): void {
	if (!Number.isInteger(count) || count < 0 || count > MAX_SEED_COUNT) {
		throw new HttpError(
			400,
			`count must be an integer from 0 to ${MAX_SEED_COUNT} (seed more in several calls)`,
		);
	}
}

function resolveUserId(mail: MailService, idOrUpn: string): string {
	const user = mail.findUser(idOrUpn);
	if (!user) throw new Error(`unknown user: ${idOrUpn}`);
	return user.id;
}

export function createControl(deps: ControlDeps): EmulatorControl {
	const mail = () => deps.mail();
	const userIdOrAll = (who?: string) =>
		who === undefined ? undefined : resolveUserId(mail(), who);
	const mutate = <T>(result: T): T => {
		deps.changed();
		return result;
	};
	return {
		reset: () => mutate(deps.resetAll()),
		counters: () => deps.counters.snapshot(),
		resetCounters: () => deps.counters.reset(),
		injectFault: (spec) => deps.faults.add(spec),
		clearFaults: () => deps.faults.clear(),
		faults: () => deps.faults.active(),
		setOptions: (options) => applyOptions(deps.settings, options),
		issueTokens: (request) => mutate(deps.identity.issueForControl(request)),
		expireAccessTokens: (userId) => deps.identity.tokens.expireAccessTokens(userIdOrAll(userId)),
		revokeRefreshTokens: (userId) =>
			mutate(deps.identity.tokens.revokeRefreshTokens(userIdOrAll(userId))),
		expireRefreshTokens: (userId) =>
			mutate(deps.identity.tokens.expireRefreshTokens(userIdOrAll(userId))),
		registerApp: (registration) => mutate(deps.identity.apps.register(registration)),
		users: () => mail().listUsers(),
		addUser: (user) => mutate(mail().addUser(user)),
		grant: (request) => {
			const { mailboxId, delegateId, ...rights } = request;
			mail().grant(resolveUserId(mail(), mailboxId), resolveUserId(mail(), delegateId), rights);
			deps.changed();
		},
		createFolder: (userId, displayName, parentFolderId) =>
			mutate(mail().createFolder(resolveUserId(mail(), userId), displayName, parentFolderId)),
		deliver: (userId, folder, message) =>
			mutate(mail().deliver(resolveUserId(mail(), userId), folder || 'inbox', message)),
		seedMessages: (userId, folder, count, template) => {
			checkSeedCount(count);
			return mutate(
				mail().seedMessages(resolveUserId(mail(), userId), folder || 'inbox', count, template),
			);
		},
		mailbox: (userId) => mail().mailbox(resolveUserId(mail(), userId)),
		invalidateDeltaTokens: () => mutate(mail().invalidateDeltaTokens()),
		subscriptions: () => mail().subscriptions(),
		subscriptionLifecycle: (event, subscriptionId) => {
			if (!LIFECYCLE_EVENTS.includes(event))
				throw new HttpError(400, `event must be one of ${LIFECYCLE_EVENTS.join(', ')}`);
			return mail().subscriptionLifecycle(event, subscriptionId);
		},
		notifications: () => deps.notifier.log.map((entry) => ({ ...entry })),
	};
}

/** JSON attachments carry their bytes as base64 (`contentBytes` or `bytes`) or as `text`. */
function seedMessageFromJson(value: unknown): SeedMessage {
	if (!value || typeof value !== 'object') throw new Error('message must be an object');
	const message = { ...(value as Record<string, unknown>) } as SeedMessage & {
		attachments?: unknown;
	};
	if (message.attachments !== undefined) {
		if (!Array.isArray(message.attachments)) throw new Error('attachments must be an array');
		message.attachments = message.attachments.map((item: Record<string, unknown>) => {
			const { contentBytes, bytes, text, ...rest } = item ?? {};
			let data: Buffer;
			if (typeof contentBytes === 'string') data = Buffer.from(contentBytes, 'base64');
			else if (typeof bytes === 'string') data = Buffer.from(bytes, 'base64');
			else if (typeof text === 'string') data = Buffer.from(text, 'utf8');
			else throw new Error('an attachment needs contentBytes (base64), bytes (base64) or text');
			return { ...(rest as { name: string }), bytes: data };
		});
	}
	return message;
}

function field<T>(body: Record<string, unknown>, name: string, type: 'string' | 'number'): T {
	const value = body[name];
	if (typeof value !== type) throw new HttpError(400, `${name} (${type}) is required`);
	return value as T;
}

/**
 * Routes `/_emulator/...` to the control methods. Every call needs the per-start key; bodies are
 * JSON of at most MAX_CONTROL_BODY_BYTES; answers are JSON.
 */
export async function handleControlHttp(
	control: EmulatorControl,
	req: IncomingMessage,
	res: ServerResponse,
	pathname: string,
	controlKey: string,
): Promise<void> {
	const method = (req.method ?? 'GET').toUpperCase();
	const route = `${method} ${pathname.replace(/\/+$/, '')}`;
	try {
		const keyRefusal = refuseWithoutKey(req.headers, controlKey);
		if (keyRefusal) throw new HttpError(keyRefusal.status, keyRefusal.message);
		let body: Record<string, unknown> = {};
		let rawBody: unknown;
		if (method === 'POST' || method === 'PUT' || method === 'DELETE') {
			const read = await readBody(req, MAX_CONTROL_BODY_BYTES);
			if (!read.ok)
				throw new HttpError(
					413,
					`control request bodies are limited to ${MAX_CONTROL_BODY_BYTES} bytes`,
				);
			const typeRefusal = refuseNonJson(req.headers, read.body);
			if (typeRefusal) throw new HttpError(typeRefusal.status, typeRefusal.message);
			const text = read.body.toString('utf8').trim();
			if (text) {
				try {
					rawBody = JSON.parse(text);
				} catch {
					throw new HttpError(400, 'body must be JSON');
				}
				if (rawBody && typeof rawBody === 'object' && !Array.isArray(rawBody))
					body = rawBody as Record<string, unknown>;
			}
		}
		const optionalUser =
			typeof body.userId === 'string'
				? body.userId
				: typeof body.upn === 'string'
					? body.upn
					: undefined;
		const mailboxMatch = /^GET \/_emulator\/mailboxes\/([^/]+)$/.exec(route);
		if (mailboxMatch)
			return sendJson(res, 200, control.mailbox(decodeURIComponent(mailboxMatch[1]!)));
		switch (route) {
			case 'POST /_emulator/reset':
				control.reset();
				return sendJson(res, 200, { ok: true });
			case 'GET /_emulator/counters':
				return sendJson(res, 200, control.counters());
			case 'POST /_emulator/counters/reset':
				control.resetCounters();
				return sendJson(res, 200, { ok: true });
			case 'GET /_emulator/faults':
				return sendJson(res, 200, control.faults());
			case 'POST /_emulator/faults':
				control.injectFault(
					(Array.isArray(rawBody) ? rawBody : body) as unknown as FaultSpec | FaultSpec[],
				);
				return sendJson(res, 200, control.faults());
			case 'DELETE /_emulator/faults':
				control.clearFaults();
				return sendJson(res, 200, { ok: true });
			case 'POST /_emulator/options':
				control.setOptions(body as SettableOptions);
				return sendJson(res, 200, { ok: true });
			case 'POST /_emulator/tokens':
				return sendJson(res, 200, control.issueTokens(body as unknown as ControlTokenRequest));
			case 'POST /_emulator/tokens/expire':
				return sendJson(res, 200, { expired: control.expireAccessTokens(optionalUser) });
			case 'POST /_emulator/tokens/revoke':
				return sendJson(res, 200, { revoked: control.revokeRefreshTokens(optionalUser) });
			case 'POST /_emulator/tokens/expire-refresh':
				return sendJson(res, 200, { expired: control.expireRefreshTokens(optionalUser) });
			case 'POST /_emulator/apps':
				return sendJson(res, 201, control.registerApp(body as unknown as AppRegistration));
			case 'GET /_emulator/users':
				return sendJson(res, 200, control.users());
			case 'POST /_emulator/users':
				return sendJson(
					res,
					201,
					control.addUser(
						body as Partial<EmulatorUser> & { userPrincipalName: string; displayName: string },
					),
				);
			case 'POST /_emulator/grants':
				control.grant(body as unknown as GrantRequest);
				return sendJson(res, 200, { ok: true });
			case 'POST /_emulator/folders':
				return sendJson(
					res,
					201,
					control.createFolder(
						field<string>(body, 'userId', 'string'),
						field<string>(body, 'displayName', 'string'),
						typeof body.parentFolderId === 'string' ? body.parentFolderId : undefined,
					),
				);
			case 'POST /_emulator/messages': {
				const userId = field<string>(body, 'userId', 'string');
				const folder = typeof body.folder === 'string' ? body.folder : 'inbox';
				if (typeof body.count === 'number') {
					const template =
						body.template === undefined ? undefined : seedMessageFromJson(body.template);
					return sendJson(res, 201, {
						ids: control.seedMessages(userId, folder, body.count, template),
					});
				}
				return sendJson(res, 201, {
					id: control.deliver(userId, folder, seedMessageFromJson(body.message)),
				});
			}
			case 'GET /_emulator/subscriptions':
				return sendJson(res, 200, control.subscriptions());
			case 'POST /_emulator/subscriptions/lifecycle':
				return sendJson(res, 200, {
					affected: control.subscriptionLifecycle(
						field<LifecycleEvent>(body, 'event', 'string'),
						typeof body.subscriptionId === 'string' ? body.subscriptionId : undefined,
					),
				});
			case 'GET /_emulator/notifications':
				return sendJson(res, 200, control.notifications());
			case 'POST /_emulator/delta/invalidate':
				control.invalidateDeltaTokens();
				return sendJson(res, 200, { ok: true });
			default:
				throw new HttpError(404, `no control route ${route}`);
		}
	} catch (error) {
		const status = error instanceof HttpError ? error.status : 400;
		return sendJson(res, status, { error: error instanceof Error ? error.message : String(error) });
	}
}

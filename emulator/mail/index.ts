/**
 * The mail half of the Microsoft 365 emulator: users, mailboxes, folders, messages, attachments,
 * upload sessions, queries, delta and delivery behind the MailService seam of ../contract.ts.
 */
import { randomBytes } from 'node:crypto';
import { LIMITS } from '../contract';
import type {
	Caller,
	HandlerResult,
	MailService,
	RawRequest,
	RouteInfo,
	UrlContext,
} from '../contract';
import { seedDemoTenant } from './seeding/demo-seed';
import { createFolderIn } from './resources/folders';
import { classifyGraph, handleGraphRequest } from './routing/dispatch';
import { newIdSource } from './storage/ids';
import { stateFromJson, stateToJson } from './storage/persistence';
import { deliverSeed, folderOf, mailboxOf, seedMany } from './seeding/seeding';
import { snapshotMailbox } from './storage/snapshot';
import { createMailbox, findMessage, wellKnownFolder } from './storage/store';
import { classifyUpload, handleUpload } from './resources/upload';
import {
	handleSubscriptions,
	listSubscriptions,
	notifyCreated,
	sendLifecycle,
	SubscriptionStore,
	type NotificationSink,
} from './resources/subscriptions';
import { findUserByKey, makeDirectoryUser, publicUser, setRights } from './storage/users';
import type { NewUser } from './storage/users';
import type { MailState, ServiceConfig } from './types';
import { toErrorResult } from './errors';

export { DEMO_USERS } from './seeding/demo-seed';

export interface MailServiceOptions {
	/** Largest message (body + attachments) a mailbox accepts; default 150 MiB. */
	maxMessageBytes?: number;
	/** Clock in ms since the epoch (tests move time to expire upload sessions). */
	now?: () => number;
	seed?: 'demo' | 'none';
	/** Lifetime of an upload session, extended by each accepted fragment; default 15 minutes. */
	uploadSessionLifetimeMs?: number;
	/** Check delegated Mail.* scopes (default true). */
	enforceScopes?: boolean;
	/** Graph's known issue: createUploadSession in another user's mailbox -> 403 (default false). */
	sharedMailboxUploadForbidden?: boolean;
	/** Where change notifications go (the server's HTTP notifier); default: nowhere, so subscriptions fail validation. */
	notifications?: NotificationSink;
}

/** Without a sink no endpoint can answer the validation request. */
const NO_SINK: NotificationSink = {
	tenantId: '00000000-0000-0000-0000-000000000000',
	validate: async () => ({ ok: false, reason: 'This mail service has no outbound notifier.' }),
	post: () => {},
};

/** Extras beyond the contract, for tests and the control API. */
export interface EmulatorMailService extends MailService {
	addUser(user: NewUser): ReturnType<MailService['addUser']>;
	readonly options: Readonly<ServiceConfig>;
}

function emptyState(tokenKey: Buffer, deltaEpoch: number): MailState {
	return {
		users: new Map(),
		grants: new Map(),
		mailboxes: new Map(),
		uploads: new Map(),
		deliveredFingerprints: new Map(),
		counters: { delivered: 0, duplicatesDelivered: 0 },
		ids: newIdSource(),
		deltaEpoch,
		tokenKey,
	};
}

export function createMailService(options: MailServiceOptions = {}): EmulatorMailService {
	const config: ServiceConfig = {
		maxMessageBytes: options.maxMessageBytes ?? LIMITS.maxMessageBytes,
		now: options.now ?? (() => Date.now()),
		uploadSessionLifetimeMs: options.uploadSessionLifetimeMs ?? 15 * 60 * 1000,
		enforceScopes: options.enforceScopes ?? true,
		sharedMailboxUploadForbidden: options.sharedMailboxUploadForbidden ?? false,
	};
	const seedKind = options.seed ?? 'demo';

	const freshState = (previous?: MailState): MailState => {
		// keep the token key but move the epoch on, so every token issued before a reset is dead
		const state = emptyState(
			previous?.tokenKey ?? randomBytes(32),
			(previous?.deltaEpoch ?? 0) + 1,
		);
		if (seedKind === 'demo') seedDemoTenant(state, config.now());
		return state;
	};
	let state = freshState();
	const subscriptionStore = new SubscriptionStore();
	const subscriptionDeps = () => ({
		state,
		config,
		store: subscriptionStore,
		sink: options.notifications ?? NO_SINK,
	});
	/** Runs a change and then notifies subscribers of messages it created. */
	const thenNotify = <T>(result: T): T => {
		notifyCreated(subscriptionDeps());
		return result;
	};

	const requireUser = (idOrUpn: string) => {
		const user = findUserByKey(state, idOrUpn);
		if (!user) throw new Error(`unknown user: ${idOrUpn}`);
		return user;
	};

	return {
		options: config,
		classify: (req: RawRequest, caller: Caller): RouteInfo => classifyGraph(state, req, caller),
		handleGraph: async (
			req: RawRequest,
			caller: Caller,
			urls: UrlContext,
		): Promise<HandlerResult> => {
			try {
				const subscriptionResult = await handleSubscriptions(subscriptionDeps(), req, caller, urls);
				if (subscriptionResult) return subscriptionResult;
			} catch (err) {
				return toErrorResult(err);
			}
			return thenNotify(handleGraphRequest(state, config, req, caller, urls));
		},
		handleUpload: async (req: RawRequest, urls: UrlContext): Promise<HandlerResult> =>
			thenNotify(handleUpload(state, config, req, urls)),
		classifyUpload: (req: RawRequest): RouteInfo => classifyUpload(state, req),

		listUsers: () => [...state.users.values()].map(publicUser),
		findUser: (idOrUpn: string) => {
			const user = findUserByKey(state, idOrUpn);
			return user ? publicUser(user) : undefined;
		},
		addUser: (input: NewUser) => {
			if (
				findUserByKey(state, input.userPrincipalName) ||
				(input.id && findUserByKey(state, input.id))
			) {
				throw new Error(`user already exists: ${input.userPrincipalName}`);
			}
			const user = makeDirectoryUser(input);
			state.users.set(user.id, user);
			createMailbox(state, user.id);
			return publicUser(user);
		},
		grant: (mailboxId, delegateId, rights) => {
			setRights(state, requireUser(mailboxId).id, requireUser(delegateId).id, rights);
		},
		createFolder: (userId, displayName, parentFolderId) => {
			const mailbox = mailboxOf(state, userId);
			const parent = parentFolderId
				? folderOf(mailbox, parentFolderId)
				: wellKnownFolder(mailbox, 'msgfolderroot');
			return { id: createFolderIn(state, mailbox, parent, displayName).id };
		},
		deliver: (userId, folderIdOrWellKnown, message) =>
			thenNotify(deliverSeed(state, config.now(), userId, folderIdOrWellKnown, message)),
		seedMessages: (userId, folderIdOrWellKnown, count, template) =>
			thenNotify(seedMany(state, config.now(), userId, folderIdOrWellKnown, count, template)),
		mailbox: (userId) => {
			const user = requireUser(userId);
			return snapshotMailbox(user, mailboxOf(state, user.id));
		},
		attachmentBytes: (userId, messageId, attachmentId) => {
			const user = findUserByKey(state, userId);
			const mailbox = user ? state.mailboxes.get(user.id) : undefined;
			const message = mailbox ? findMessage(mailbox, messageId) : undefined;
			return message?.attachments.find((a) => a.id === attachmentId)?.bytes;
		},
		deliveryCounters: () => ({ ...state.counters }),
		invalidateDeltaTokens: () => {
			state.deltaEpoch += 1;
		},
		subscriptions: () => listSubscriptions(subscriptionStore, config.now()),
		subscriptionLifecycle: (event, subscriptionId) =>
			sendLifecycle(subscriptionDeps(), event, subscriptionId),
		reset: () => {
			state = freshState(state);
			subscriptionStore.clear();
		},
		toJSON: () => stateToJson(state),
		load: (json: unknown) => {
			subscriptionStore.clear();
			state = stateFromJson(json);
		},
	};
}

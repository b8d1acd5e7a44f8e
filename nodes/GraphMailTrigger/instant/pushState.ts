import { randomBytes } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

import type { FolderPlan } from '../config';

/**
 * The instant trigger's subscriptions, kept in the node's static data beside the delta cursors
 * (under `push`; the cursors' commitState rewrites the whole object, so the runner writes this
 * back after each commit). Pure.
 *
 *   { clientState, notificationUrl, createdAt, byFolder: { "<mailbox>|<folder>": { id, expiresAt } } }
 */
export interface FolderSubscription {
	id: string;
	/** Epoch ms. */
	expiresAt: number;
}

export interface PushState {
	/** The secret every notification must carry. */
	clientState: string;
	notificationUrl: string;
	/** When the first subscription was made: mail from then on is new on the first catch-up. */
	createdAt: number;
	byFolder: Record<string, FolderSubscription>;
}

/** Requested lifetime: under 3 days, far inside Outlook's 10,080-minute limit for messages. */
export const SUBSCRIPTION_LIFETIME_MS = 4230 * 60_000;
/** Renewed once less than this is left: a day of failed renewals still leaves it alive. */
export const RENEW_BEFORE_MS = 36 * 60 * 60_000;
/** The safety catch-up (and renewal check) runs at least this often, notification or not. */
export const SAFETY_INTERVAL_MS = 15 * 60_000;

const PUSH_KEY = 'push';

export function readPush(staticData: IDataObject): PushState | undefined {
	const raw = staticData[PUSH_KEY] as IDataObject | undefined;
	if (!raw || typeof raw !== 'object') return undefined;
	if (typeof raw.clientState !== 'string' || typeof raw.notificationUrl !== 'string') return undefined;
	const byFolder: Record<string, FolderSubscription> = {};
	for (const [key, value] of Object.entries((raw.byFolder ?? {}) as IDataObject)) {
		const sub = value as IDataObject;
		if (sub && typeof sub.id === 'string' && typeof sub.expiresAt === 'number') byFolder[key] = { id: sub.id, expiresAt: sub.expiresAt };
	}
	return {
		clientState: raw.clientState,
		notificationUrl: raw.notificationUrl,
		createdAt: typeof raw.createdAt === 'number' ? raw.createdAt : Date.now(),
		byFolder,
	};
}

export function writePush(staticData: IDataObject, push: PushState | undefined): void {
	if (push === undefined) delete staticData[PUSH_KEY];
	else staticData[PUSH_KEY] = JSON.parse(JSON.stringify(push)) as IDataObject;
}

/** The Graph resource of a folder's new messages (`me/mailFolders/inbox/messages`). */
export function subscriptionResource(folder: FolderPlan): string {
	return folder.messagesPath.replace(/^\/+/, '');
}

export function expirationAt(now: number): number {
	return now + SUBSCRIPTION_LIFETIME_MS;
}

export function needsRenewal(sub: FolderSubscription, now: number): boolean {
	return sub.expiresAt - now < RENEW_BEFORE_MS;
}

export type SubscriptionAction = 'keep' | 'renew' | 'create';

/**
 * What a round does with a folder's subscription: make one when there is none or Graph removed it
 * (`subscriptionRemoved`), renew it when Graph asks (`reauthorizationRequired`) or it is close to
 * expiry, else keep it. `removed` and `reauthorize` hold subscription ids from lifecycle events.
 */
export function subscriptionAction(
	current: FolderSubscription | undefined,
	lifecycle: { removed: ReadonlySet<string>; reauthorize: ReadonlySet<string> },
	now: number,
): SubscriptionAction {
	if (current === undefined || lifecycle.removed.has(current.id)) return 'create';
	if (lifecycle.reauthorize.has(current.id) || needsRenewal(current, now)) return 'renew';
	return 'keep';
}

/** Whether the stored subscriptions cover exactly these folders at this URL. */
export function coversPlan(push: PushState | undefined, folders: FolderPlan[], notificationUrl: string): push is PushState {
	return push !== undefined && push.notificationUrl === notificationUrl && folders.every((folder) => push.byFolder[folder.key] !== undefined);
}

/**
 * A new clientState: 256 random bits (43 characters; Graph allows 128). Random rather than derived
 * from the credential, so it is as strong with a PKCE credential that has no client secret; it is
 * kept in the static data beside the subscriptions and handed to the trigger by clientStates.ts.
 */
export function newClientState(): string {
	return randomBytes(32).toString('base64url');
}

/**
 * Whether a subscription's notification URL is this node's production webhook
 * (`.../<webhookId>/webhook`), not the editor's test URL (`/webhook-test/...`, a test listen).
 */
export function isOwnUrl(url: unknown, webhookId: string | undefined): url is string {
	return (
		typeof url === 'string' &&
		webhookId !== undefined &&
		webhookId !== '' &&
		url.includes(`/${webhookId}/`) &&
		!url.includes('/webhook-test/')
	);
}

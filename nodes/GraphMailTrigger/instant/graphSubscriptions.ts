import { NodeOperationError, type IDataObject, type INode } from 'n8n-workflow';

import type { GraphClient } from '../../GraphMail/transport/graphClient';
import { graphApiError, graphErrorDetails, type GraphErrorDetails } from '../../GraphMail/transport/graphError';
import { idSegment } from '../../GraphMail/helpers/pathSegment';
import type { FolderPlan, TriggerPlan } from '../config';
import { expirationAt, isOwnUrl, SUBSCRIPTION_LIFETIME_MS, subscriptionResource, type FolderSubscription, type PushState } from './pushState';

/** Graph's `/subscriptions` for the instant trigger: create, renew, delete, list. */

function isLoopback(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/**
 * Microsoft Graph must reach the webhook over https from the internet; a Graph host on this
 * machine (an emulator) may use http on loopback. Refused before any request, with the fix.
 */
export function checkReachable(node: INode, notificationUrl: string, graphBaseUrl: string): void {
	const hook = new URL(notificationUrl);
	if (isLoopback(new URL(graphBaseUrl).hostname)) return;
	if (hook.protocol !== 'https:' || isLoopback(hook.hostname)) {
		throw new NodeOperationError(node, `Microsoft Graph cannot reach n8n's webhook URL ${notificationUrl}`, {
			description:
				'Change notifications need a public https address. Set n8n\'s WEBHOOK_URL to one (e.g. https://n8n.example.com/) that forwards to n8n, or use Graph Mail Trigger, which polls.',
		});
	}
}

function subscriptionError(node: INode, details: GraphErrorDetails, notificationUrl: string): Error {
	if (details.status === 403 || details.code === 'ErrorAccessDenied') {
		return new NodeOperationError(node, 'Microsoft Graph refused the subscription: the credential lacks a mail read permission', {
			description: 'Add the Mail.Read (or Mail.ReadBasic) permission to the app registration and reconnect the credential',
		});
	}
	if (/validation/i.test(`${details.code} ${details.message}`)) {
		return new NodeOperationError(node, `Microsoft Graph could not validate n8n's webhook URL ${notificationUrl}`, {
			description: `Graph said: ${details.message}. The URL must be reachable from Microsoft's servers over https and answer within 10 seconds: set WEBHOOK_URL to n8n's public address.`,
		});
	}
	return graphApiError(node, details, { description: 'Creating or renewing the mail subscription failed; the next try repeats it.' });
}

export async function createSubscription(
	node: INode,
	client: GraphClient,
	plan: TriggerPlan,
	folder: FolderPlan,
	notificationUrl: string,
	clientState: string,
	now: number,
): Promise<FolderSubscription> {
	const expiresAt = expirationAt(now);
	const outcome = await client.requestOutcome<IDataObject>({
		method: 'POST',
		path: '/subscriptions',
		body: {
			changeType: 'created',
			notificationUrl,
			lifecycleNotificationUrl: notificationUrl,
			resource: subscriptionResource(folder),
			expirationDateTime: new Date(expiresAt).toISOString(),
			clientState,
		},
		mailbox: plan.ref.mailbox,
	});
	if ('failure' in outcome) throw subscriptionError(node, graphErrorDetails(outcome.failure), notificationUrl);
	const body = outcome.response.body ?? {};
	const granted = typeof body.expirationDateTime === 'string' ? Date.parse(body.expirationDateTime) : Number.NaN;
	return { id: String(body.id), expiresAt: Number.isFinite(granted) ? granted : expiresAt };
}

/** The new expiry, or 'gone' when Graph no longer has the subscription (it lapsed or was removed). */
export async function renewSubscription(
	node: INode,
	client: GraphClient,
	plan: TriggerPlan,
	sub: FolderSubscription,
	notificationUrl: string,
	now: number,
): Promise<FolderSubscription | 'gone'> {
	const expiresAt = expirationAt(now);
	const outcome = await client.requestOutcome<IDataObject>({
		method: 'PATCH',
		path: `/subscriptions/${idSegment(node, sub.id, 'Subscription ID')}`,
		body: { expirationDateTime: new Date(expiresAt).toISOString() },
		mailbox: plan.ref.mailbox,
	});
	if ('failure' in outcome) {
		const details = graphErrorDetails(outcome.failure);
		if (details.status === 404) return 'gone';
		throw subscriptionError(node, details, notificationUrl);
	}
	const granted = Date.parse(String(outcome.response.body?.expirationDateTime ?? ''));
	return { id: sub.id, expiresAt: Number.isFinite(granted) ? granted : expiresAt };
}

/** Deletes the given subscriptions and any other of this app and user that points at the URL. */
export async function deleteSubscriptions(
	node: INode,
	client: GraphClient,
	plan: TriggerPlan,
	ids: string[],
	notificationUrl: string | undefined,
): Promise<void> {
	const targets = new Set(ids);
	if (notificationUrl !== undefined) {
		const listed = await client.requestOutcome<{ value?: IDataObject[] }>({ method: 'GET', path: '/subscriptions', mailbox: plan.ref.mailbox });
		if ('response' in listed) {
			for (const sub of listed.response.body?.value ?? []) {
				if (sub.notificationUrl === notificationUrl && typeof sub.id === 'string') targets.add(sub.id);
			}
		}
	}
	for (const id of targets) {
		const outcome = await client.requestOutcome({
			method: 'DELETE',
			path: `/subscriptions/${idSegment(node, id, 'Subscription ID')}`,
			mailbox: plan.ref.mailbox,
		});
		if ('failure' in outcome) {
			const details = graphErrorDetails(outcome.failure);
			if (details.status !== 404) throw graphApiError(node, details, { description: 'Deleting the mail subscription failed' });
		}
	}
}

/**
 * This node's subscriptions as Graph lists them (by the webhook id in their URL), for a running
 * trigger that did not see them being made. Undefined when there are none.
 */
export async function discoverSubscriptions(
	client: GraphClient,
	plan: TriggerPlan,
	webhookId: string | undefined,
	clientState: string,
): Promise<PushState | undefined> {
	const listed = await client.requestOutcome<{ value?: IDataObject[] }>({ method: 'GET', path: '/subscriptions', mailbox: plan.ref.mailbox });
	if ('failure' in listed) return undefined;
	const own = (listed.response.body?.value ?? []).filter((sub) => isOwnUrl(sub.notificationUrl, webhookId));
	if (own.length === 0) return undefined;
	const push: PushState = { clientState, notificationUrl: String(own[0].notificationUrl), createdAt: Date.now(), byFolder: {} };
	for (const folder of plan.folders) {
		const resource = subscriptionResource(folder).toLowerCase();
		const sub = own.find((s) => String(s.resource ?? '').replace(/^\/+/, '').toLowerCase() === resource);
		const expiresAt = Date.parse(String(sub?.expirationDateTime ?? ''));
		if (sub && typeof sub.id === 'string' && Number.isFinite(expiresAt)) {
			push.byFolder[folder.key] = { id: sub.id, expiresAt };
			// Made with the full lifetime: until renewed, expiry minus lifetime is when it was made.
			push.createdAt = Math.min(push.createdAt, expiresAt - SUBSCRIPTION_LIFETIME_MS);
		}
	}
	return push;
}

import type {
	IHookFunctions,
	ITriggerFunctions,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { GraphClient } from '../../GraphMail/transport/graphClient';
import { readPlan, resolveFolderPlans } from '../config';
import { newestMatching } from '../sample';
import {
	acceptedClientStates,
	forgetClientState,
	knownClientState,
	rememberClientState,
} from './clientStates';
import {
	checkReachable,
	createSubscription,
	deleteSubscriptions,
	renewSubscription,
} from './graphSubscriptions';
import { readNotifications } from './notifications';
import { coversPlan, newClientState, readPush, writePush, type PushState } from './pushState';
import { triggerKey, wakeTrigger } from './wakeRegistry';

/** Where the trigger's secret is kept for this run: a test listen never touches the active workflow's. */
function secretKey(ctx: IHookFunctions | IWebhookFunctions): string | undefined {
	return ctx.getMode() === 'manual'
		? undefined
		: triggerKey(ctx.getWorkflow().id, ctx.getNode().id);
}

/**
 * n8n's webhook life cycle for the instant trigger: checkExists on every activation and n8n start
 * (a subscription still there is renewed and kept: a restart makes no second one), create on
 * activation, delete on deactivation; and the webhook itself. "Listen for test event" runs the same
 * hooks with mode 'manual' on the test URL: a subscription of its own, deleted when the test ends.
 */
export const subscriptionHooks = {
	async checkExists(this: IHookFunctions): Promise<boolean> {
		const client = await GraphClient.create(this);
		const plan = await resolveFolderPlans(this.getNode(), client, readPlan(this));
		const staticData = this.getWorkflowStaticData('node');
		const push = readPush(staticData);
		const url = this.getNodeWebhookUrl('default') ?? '';
		if (!coversPlan(push, plan.folders, url)) return false;
		const now = Date.now();
		for (const folder of plan.folders) {
			const current = push.byFolder[folder.key];
			if (!current) return false;
			const renewed = await renewSubscription(this.getNode(), client, plan, current, url, now);
			if (renewed === 'gone') return false;
			push.byFolder[folder.key] = renewed;
		}
		writePush(staticData, push);
		const key = secretKey(this);
		if (key !== undefined) rememberClientState(key, push.clientState);
		return true;
	},

	async create(this: IHookFunctions): Promise<boolean> {
		const planAsEntered = readPlan(this);
		const node = this.getNode();
		const staticData = this.getWorkflowStaticData('node');
		const manual = this.getMode() === 'manual';
		// A test listen starts from the active workflow's static data: its subscriptions are not ours to replace.
		const previous = manual ? undefined : readPush(staticData);
		const url = this.getNodeWebhookUrl('default') ?? '';
		const client = await GraphClient.create(this);
		checkReachable(node, url, client.baseUrl);
		const plan = await resolveFolderPlans(node, client, planAsEntered);
		// Whatever still points at this URL (a subscription made but never saved) goes first.
		await deleteSubscriptions(
			node,
			client,
			plan,
			Object.values(previous?.byFolder ?? {}).map((s) => s.id),
			url,
		);
		const now = Date.now();
		const key = secretKey(this);
		const push: PushState = {
			clientState:
				previous?.clientState ??
				(key !== undefined ? knownClientState(key) : undefined) ??
				newClientState(),
			notificationUrl: url,
			createdAt: previous?.createdAt ?? now,
			byFolder: {},
		};
		// Known before the first notification can arrive, and before n8n starts the trigger.
		if (key !== undefined) rememberClientState(key, push.clientState);
		for (const folder of plan.folders) {
			push.byFolder[folder.key] = await createSubscription(
				node,
				client,
				plan,
				folder,
				url,
				push.clientState,
				now,
			);
		}
		writePush(staticData, push);
		return true;
	},

	async delete(this: IHookFunctions): Promise<boolean> {
		const plan = readPlan(this);
		const staticData = this.getWorkflowStaticData('node');
		const push = readPush(staticData);
		const url = this.getNodeWebhookUrl('default');
		// A test listen deletes only what points at the test URL, never the active workflow's subscriptions.
		const mine =
			push && (this.getMode() !== 'manual' || push.notificationUrl === url) ? push : undefined;
		const client = await GraphClient.create(this);
		await deleteSubscriptions(
			this.getNode(),
			client,
			plan,
			Object.values(mine?.byFolder ?? {}).map((s) => s.id),
			mine?.notificationUrl ?? url,
		);
		if (mine) writePush(staticData, { ...mine, byFolder: {} });
		const key = secretKey(this);
		if (key !== undefined) forgetClientState(key);
		return true;
	},
};

/**
 * Graph's POSTs: the validation request (the token echoed as text/plain), then notifications.
 * Entries without the subscription's clientState are refused (403 when none is valid). In an
 * active workflow a valid one wakes the running trigger, which reads the mail itself: the webhook
 * never starts an execution. In a test listen (mode 'manual', no trigger running) it answers with
 * the newest matching message, which ends the test; a notification for a message the filters
 * skip keeps it listening.
 */
export async function receiveNotification(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const req = this.getRequestObject();
	const res = this.getResponseObject();
	const token = req.query.validationToken;
	if (typeof token === 'string') {
		res.status(200).type('text/plain').send(token);
		return { noWebhookResponse: true };
	}
	const node = this.getNode();
	const key = triggerKey(this.getWorkflow().id, node.id);
	const push = readPush(this.getWorkflowStaticData('node'));
	const accepted =
		this.getMode() === 'manual'
			? acceptedClientStates(undefined, push)
			: acceptedClientStates(key, push);
	const read = readNotifications(this.getBodyData(), accepted);
	if (read.accepted === 0) {
		res.status(403).json({ error: 'Notification refused: clientState missing or wrong' });
		return { noWebhookResponse: true };
	}
	if (this.getMode() === 'manual') {
		// The webhook context has every helper the Graph client and the output mapping use.
		const sample =
			read.signal.changed.length > 0
				? await newestMatching(this as unknown as ITriggerFunctions, readPlan(this))
				: null;
		res.status(202).end();
		return sample ? { noWebhookResponse: true, workflowData: sample } : { noWebhookResponse: true };
	}
	wakeTrigger(key, read.signal);
	res.status(202).end();
	return { noWebhookResponse: true };
}

import type { IHookFunctions, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { credentialTypeOf } from '../../GraphMail/transport/appOnlyAuth';
import { GraphClient } from '../../GraphMail/transport/graphClient';
import { readPlan } from '../config';
import { checkReachable, createSubscription, deleteSubscriptions, renewSubscription } from './graphSubscriptions';
import { readNotifications } from './notifications';
import { clientStateFor, coversPlan, readPush, writePush, type PushState } from './pushState';
import { triggerKey, wakeTrigger } from './wakeRegistry';

/**
 * n8n's webhook life cycle for the instant trigger: checkExists on every activation and n8n start
 * (a subscription still there is renewed and kept: a restart makes no second one), create on
 * activation, delete on deactivation; and the webhook itself.
 */
export const subscriptionHooks = {
	async checkExists(this: IHookFunctions): Promise<boolean> {
		const plan = readPlan(this);
		const staticData = this.getWorkflowStaticData('node');
		const push = readPush(staticData);
		const url = this.getNodeWebhookUrl('default') ?? '';
		if (!coversPlan(push, plan.folders, url)) return false;
		const client = await GraphClient.create(this);
		const now = Date.now();
		for (const folder of plan.folders) {
			const renewed = await renewSubscription(this.getNode(), client, plan, push.byFolder[folder.key], url, now);
			if (renewed === 'gone') return false;
			push.byFolder[folder.key] = renewed;
		}
		writePush(staticData, push);
		return true;
	},

	async create(this: IHookFunctions): Promise<boolean> {
		const plan = readPlan(this);
		const node = this.getNode();
		const staticData = this.getWorkflowStaticData('node');
		const previous = readPush(staticData);
		const url = this.getNodeWebhookUrl('default') ?? '';
		const client = await GraphClient.create(this);
		checkReachable(node, url, client.baseUrl);
		// Whatever still points at this URL (a subscription made but never saved) goes first.
		await deleteSubscriptions(node, client, plan, Object.values(previous?.byFolder ?? {}).map((s) => s.id), url);
		const now = Date.now();
		const push: PushState = {
			clientState: clientStateFor(await this.getCredentials(credentialTypeOf(node)), node.webhookId),
			notificationUrl: url,
			createdAt: previous?.createdAt ?? now,
			byFolder: {},
		};
		for (const folder of plan.folders) {
			push.byFolder[folder.key] = await createSubscription(node, client, plan, folder, url, push.clientState, now);
		}
		writePush(staticData, push);
		return true;
	},

	async delete(this: IHookFunctions): Promise<boolean> {
		const plan = readPlan(this);
		const staticData = this.getWorkflowStaticData('node');
		const push = readPush(staticData);
		const client = await GraphClient.create(this);
		await deleteSubscriptions(
			this.getNode(),
			client,
			plan,
			Object.values(push?.byFolder ?? {}).map((s) => s.id),
			push?.notificationUrl ?? this.getNodeWebhookUrl('default'),
		);
		if (push) writePush(staticData, { ...push, byFolder: {} });
		return true;
	},
};

/**
 * Graph's POSTs: the validation request (the token echoed as text/plain), then notifications.
 * Entries without the subscription's clientState are refused (403 when none is valid); valid ones
 * wake the running trigger, which reads the mail itself. Never starts an execution on its own.
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
	const read = readNotifications(this.getBodyData(), clientStateFor(await this.getCredentials(credentialTypeOf(node)), node.webhookId));
	if (read.accepted === 0) {
		res.status(403).json({ error: 'Notification refused: clientState missing or wrong' });
		return { noWebhookResponse: true };
	}
	wakeTrigger(triggerKey(this.getWorkflow().id, node.id), read.signal);
	res.status(202).end();
	return { noWebhookResponse: true };
}

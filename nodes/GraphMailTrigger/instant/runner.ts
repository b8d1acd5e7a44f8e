import { sleep, type ITriggerFunctions, type ITriggerResponse } from 'n8n-workflow';

import { GraphClient } from '../../GraphMail/transport/graphClient';
import { readPlan, type TriggerPlan } from '../config';
import { afterEmitAction } from '../afterEmit';
import { POLL_BACKOFF, readNewMail } from '../poll';
import { newestMatching } from '../sample';
import { createSubscription, discoverSubscriptions, renewSubscription } from './graphSubscriptions';
import type { NotificationSignal } from './notifications';
import { knownClientState, rememberClientState } from './clientStates';
import {
	newClientState,
	subscriptionAction,
	readPush,
	SAFETY_INTERVAL_MS,
	writePush,
	type FolderSubscription,
	type PushState,
} from './pushState';
import { registerTrigger, triggerKey } from './wakeRegistry';

/** Longest wait after a failed round before the next try (the first waits 5 s, then doubling). */
const MAX_RETRY_MS = 5 * 60_000;
/** Time one catch-up may spend reading delta pages. */
const CATCH_UP_PAGING_MS = 60_000;

interface Pending extends NotificationSignal {
	catchUp: boolean;
}

const nothingPending = (): Pending => ({ changed: [], lifecycle: [], catchUp: false });

/**
 * The running instant trigger: one loop per active node that does everything that changes state,
 * one round at a time (so two notifications never read the same delta page twice):
 *  - a round starts when the webhook hands over a notification, and at least every SAFETY_INTERVAL_MS;
 *  - it renews subscriptions close to expiry (or asked to by `reauthorizationRequired`) and makes
 *    a new one for a removed or lapsed subscription;
 *  - it reads the new mail through the polling trigger's delta cursors, commits them and emits.
 * A lost, late, duplicated or reordered notification changes only when a round runs, never what it
 * reads; `missed` and `subscriptionRemoved` start a round like any notification.
 */
export function runInstantTrigger(ctx: ITriggerFunctions): ITriggerResponse {
	const plan = readPlan(ctx);
	if (ctx.getMode() === 'manual') {
		return {
			manualTriggerFunction: async () => {
				const sample = await newestMatching(ctx, plan);
				if (sample) ctx.emit(sample);
			},
		};
	}

	const node = ctx.getNode();
	const staticData = ctx.getWorkflowStaticData('node');
	// n8n may start this trigger on another copy of the static data than the hooks wrote to.
	let push: PushState | undefined = readPush(staticData);
	const key = triggerKey(ctx.getWorkflow().id, node.id);
	/** The secret the hooks made (handed over in-process when this copy of the static data lacks it). */
	const clientState = () => {
		const secret = push?.clientState ?? knownClientState(key) ?? newClientState();
		rememberClientState(key, secret);
		return secret;
	};
	let pending: Pending = { ...nothingPending(), catchUp: true };
	let wakeUp: (() => void) | undefined;
	let closed = false;
	let lastCatchUp: number | undefined;
	let failures = 0;
	let retryAt: number | undefined;

	const unregister = registerTrigger(key, (signal) => {
		pending = {
			changed: [...pending.changed, ...signal.changed],
			lifecycle: [...pending.lifecycle, ...signal.lifecycle],
			catchUp: true,
		};
		wakeUp?.();
	});

	const keepSubscriptions = async (client: GraphClient, signal: Pending, now: number) => {
		if (!push) return;
		const removed = new Set(
			signal.lifecycle
				.filter((e) => e.event === 'subscriptionRemoved')
				.map((e) => e.subscriptionId),
		);
		const reauthorize = new Set(
			signal.lifecycle
				.filter((e) => e.event === 'reauthorizationRequired')
				.map((e) => e.subscriptionId),
		);
		for (const folder of plan.folders) {
			const current = push.byFolder[folder.key];
			const action = subscriptionAction(current, { removed, reauthorize }, now);
			let next: FolderSubscription | 'gone' | undefined = current;
			if (action === 'renew' && current)
				next = await renewSubscription(node, client, plan, current, push.notificationUrl, now);
			if (action === 'create' || next === undefined || next === 'gone') {
				next = await createSubscription(
					node,
					client,
					plan,
					folder,
					push.notificationUrl,
					push.clientState,
					now,
				);
			}
			push.byFolder[folder.key] = next;
		}
	};

	/** One round; returns what went wrong (nothing was committed then), or undefined. */
	const round = async (): Promise<Error | undefined> => {
		const now = Date.now();
		const signal = pending;
		pending = nothingPending();
		try {
			const client = await GraphClient.create(ctx, { backoff: POLL_BACKOFF });
			push ??= await discoverSubscriptions(client, plan, node.webhookId, clientState());
			await keepSubscriptions(client, signal, now);
			if (!signal.catchUp && lastCatchUp !== undefined && now - lastCatchUp < SAFETY_INTERVAL_MS) {
				writePush(staticData, push);
				return undefined;
			}
			// A folder without a cursor starts when its subscription was made, not at this round.
			const firstPlan: TriggerPlan =
				lastCatchUp === undefined && push
					? { ...plan, includeMs: plan.includeMs + Math.max(0, now - push.createdAt) }
					: plan;
			const items = await readNewMail(ctx, firstPlan, staticData, now + CATCH_UP_PAGING_MS);
			lastCatchUp = now;
			writePush(staticData, push);
			if (items.length > 0) {
				ctx.emit([items]);
				// After Emitting: the emitted mails are pending; the next round (now) marks or moves them.
				if (afterEmitAction(ctx) !== 'leave') pending = { ...pending, catchUp: true };
			}
			return undefined;
		} catch (error) {
			// Nothing was committed: the same round runs again later.
			pending = {
				...pending,
				lifecycle: [...signal.lifecycle, ...pending.lifecycle],
				catchUp: true,
			};
			return error instanceof Error ? error : new Error(String(error));
		}
	};

	const due = () =>
		pending.catchUp && (retryAt === undefined || Date.now() >= retryAt)
			? true
			: lastCatchUp !== undefined && Date.now() - lastCatchUp >= SAFETY_INTERVAL_MS;

	const loop = async () => {
		while (!closed) {
			const error = await round();
			if (error === undefined) {
				failures = 0;
				retryAt = undefined;
			} else {
				failures += 1;
				retryAt = Date.now() + Math.min(MAX_RETRY_MS, 5_000 * 2 ** (failures - 1));
				ctx.logger.warn(
					`Graph Mail Instant Trigger: reading new mail failed (${error.message}); retrying`,
					{ node: node.name },
				);
			}
			while (!closed && !due()) {
				await Promise.race([sleep(1_000), new Promise<void>((resolve) => (wakeUp = resolve))]);
				wakeUp = undefined;
			}
		}
	};
	void loop();

	return {
		closeFunction: () => {
			closed = true;
			unregister();
			wakeUp?.();
			return Promise.resolve();
		},
	};
}

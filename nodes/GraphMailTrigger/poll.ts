import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type INodeExecutionData,
	type IPollFunctions,
	type ITriggerFunctions,
	type JsonObject,
} from 'n8n-workflow';

import { GraphClient } from '../GraphMail/transport/graphClient';
import {
	graphApiError,
	graphErrorDetails,
	type GraphErrorDetails,
} from '../GraphMail/transport/graphError';
import type { BackoffPolicy } from '../GraphMail/transport/retryAfter';
import { afterEmitProblem, capPending, pendingFor, runPending } from './afterEmit';
import { readPlan, requestHeaders, type FolderPlan, type TriggerPlan } from './config';
import {
	afterPage,
	beginRequest,
	classify,
	resyncCursor,
	retentionStart,
	startCursor,
	type FolderCursor,
} from './deltaCursor';
import { matchesFilters } from './filters';
import { toItems } from './output';
import { newestMatching } from './sample';
import { MAX_SEEN_IDS, SeenIds } from './seenIds';
import { commitState, loadState, STATE_VERSION, type TriggerState } from './state';

/**
 * Retries inside a poll stay short: the next poll is the real retry, and a failed poll leaves the
 * cursor where it was. Retry-After is still obeyed (up to the total).
 */
export const POLL_BACKOFF: BackoffPolicy = {
	maxAttempts: 3,
	maxTotalWaitMs: 30_000,
	baseDelayMs: 500,
	maxDelayMs: 10_000,
};

/** New messages one folder emits at most per poll; the rest of the round follows in the next polls. */
export const MAX_NEW_PER_FOLDER = 5000;

/** Share of n8n's poll budget spent reading delta pages (the rest: attachments, hand-off). */
const PAGING_SHARE = 0.5;
const DEFAULT_POLL_BUDGET_MS = 5 * 60_000;

interface DeltaPage {
	value?: IDataObject[];
	'@odata.nextLink'?: string;
	'@odata.deltaLink'?: string;
}

export interface FolderOutcome {
	cursor: FolderCursor;
	/** New messages that passed the filters, in the order to emit them. */
	messages: IDataObject[];
	/** Whether the folder started a new initial round in this poll (broken token, changed query, foreign link). */
	resynced: boolean;
}

/** Graph's answers that mean "this delta token is no good any more: start a new round". */
export function needsResync(details: GraphErrorDetails): boolean {
	return (
		details.status === 410 ||
		/^(syncStateNotFound|syncStateInvalid|invalidSyncState|resyncRequired|ErrorInvalidSyncStateData)$/i.test(
			details.code,
		)
	);
}

function receivedMs(message: IDataObject, fallback: number): number {
	const value =
		typeof message.receivedDateTime === 'string'
			? Date.parse(message.receivedDateTime)
			: Number.NaN;
	return Number.isFinite(value) ? value : fallback;
}

function linkUsable(client: GraphClient, link: string | undefined): boolean {
	if (link === undefined) return true;
	try {
		client.resolveUrl(link);
		return true;
	} catch {
		return false;
	}
}

/**
 * One folder's share of a poll: continues its delta round from the stored link (or starts one),
 * page after page to the deltaLink (or until the poll's paging time or the per-poll cap is used up:
 * then the nextLink is the new cursor). Returns the folder's next cursor and its new messages; the
 * caller commits the cursor only once every folder succeeded. A broken token (410, resyncRequired)
 * or a link to another host starts a new initial round once, under the seen set.
 */
export async function syncFolder(
	ctx: IPollFunctions | ITriggerFunctions,
	client: GraphClient,
	plan: TriggerPlan,
	folder: FolderPlan,
	prior: FolderCursor | undefined,
	deadline: number,
): Promise<FolderOutcome> {
	const now = Date.now();
	let resynced = prior !== undefined && prior.query !== plan.query;
	let cursor =
		prior === undefined
			? startCursor(plan.query, now, plan.includeMs)
			: resynced
				? resyncCursor(prior, plan.query, now)
				: prior;
	if (!linkUsable(client, cursor.link)) {
		resynced = true;
		cursor = resyncCursor(cursor, plan.query, now);
	}
	let seen = SeenIds.from(cursor.seen);
	let found: Array<{ message: IDataObject; received: number }> = [];
	let initialRound = cursor.emitSince !== undefined;
	const headers = requestHeaders(plan, true);
	const firstQuery: IDataObject = {
		changeType: 'created',
		...(plan.select ? { $select: plan.select.join(',') } : {}),
	};

	for (;;) {
		const sentAt = Date.now();
		cursor = beginRequest(cursor, sentAt);
		const outcome = await client.requestOutcome<DeltaPage>({
			method: 'GET',
			path: cursor.link ?? `${folder.messagesPath}/delta`,
			qs: cursor.link === undefined ? firstQuery : undefined,
			headers,
			mailbox: plan.ref.mailbox,
		});
		if ('failure' in outcome) {
			const details = graphErrorDetails(outcome.failure);
			if (!resynced && needsResync(details)) {
				// What this poll read of the broken round is dropped: the new initial round holds it too.
				resynced = true;
				cursor = resyncCursor(cursor, plan.query, Date.now());
				seen = SeenIds.from(cursor.seen);
				found = [];
				initialRound = true;
				continue;
			}
			throw graphApiError(ctx.getNode(), details, {
				description: `Reading new mail in folder "${folder.label}" failed; its cursor was not moved, so the next poll reads the same changes again.`,
			});
		}
		const page = outcome.response.body ?? {};
		for (const message of Array.isArray(page.value) ? page.value : []) {
			if (typeof message?.id !== 'string' || message['@removed'] !== undefined) continue;
			const received = receivedMs(message, sentAt);
			const verdict = classify(cursor, seen, message.id, received);
			if (verdict === 'seen') continue;
			seen.add(message.id, received);
			if (verdict === 'new' && matchesFilters(plan.filters, message))
				found.push({ message, received });
		}
		const next = afterPage(cursor, {
			nextLink: page['@odata.nextLink'],
			deltaLink: page['@odata.deltaLink'],
		});
		if (!next) {
			throw new NodeApiError(
				ctx.getNode(),
				{ message: 'Delta page without nextLink or deltaLink' } as JsonObject,
				{
					message: `Graph answered a delta page for folder "${folder.label}" with neither a next link nor a delta link`,
					description: 'The cursor was not moved; the next poll tries again.',
				},
			);
		}
		cursor = next.cursor;
		if (next.roundDone || Date.now() >= deadline || found.length >= MAX_NEW_PER_FOLDER) break;
	}

	seen.pruneReceivedBefore(retentionStart(cursor, Date.now()));
	seen.capAt(MAX_SEEN_IDS);
	cursor = { ...cursor, seen: seen.toJSON() };
	// An initial round lists newest first; emit oldest first as live rounds do (by change order).
	if (initialRound) found.sort((a, b) => a.received - b.received);
	return { cursor, messages: found.map((f) => f.message), resynced };
}

export function pagingDeadline(ctx: IPollFunctions, started: number): number {
	const budget =
		typeof ctx.getPollBudgetMs === 'function'
			? Number(ctx.getPollBudgetMs())
			: DEFAULT_POLL_BUDGET_MS;
	return (
		started +
		(Number.isFinite(budget) && budget > 0 ? budget : DEFAULT_POLL_BUDGET_MS) * PAGING_SHARE
	);
}

/**
 * The trigger's poll. Manual test run: the newest matching message, state untouched. Otherwise every
 * folder's round runs at once through one client (at most 4 requests in flight for the mailbox);
 * if any folder fails the poll throws and nothing is stored. Otherwise the items are built (with
 * attachments), and only then is the new state written to the static data.
 */
export async function pollNewMail(ctx: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const plan = readPlan(ctx);
	if (ctx.getMode() === 'manual') return await newestMatching(ctx, plan);
	const items = await readNewMail(
		ctx,
		plan,
		ctx.getWorkflowStaticData('node'),
		pagingDeadline(ctx, Date.now()),
	);
	return items.length > 0 ? [items] : null;
}

/**
 * Reads every folder's new mail from its stored cursor and commits the new cursors, all or nothing;
 * returns the items to emit. Shared by the poll and the instant trigger's catch-up.
 */
export async function readNewMail(
	ctx: IPollFunctions | ITriggerFunctions,
	plan: TriggerPlan,
	staticData: IDataObject,
	deadline: number,
): Promise<INodeExecutionData[]> {
	const state = loadState(staticData);
	const problem = afterEmitProblem(ctx, plan);
	if (problem)
		throw new NodeOperationError(ctx.getNode(), problem, {
			description: 'Pick another folder under Move To, or choose another After Emitting',
		});
	const client = await GraphClient.create(ctx, { backoff: POLL_BACKOFF });
	// What earlier polls emitted (and n8n has) is marked or moved first; failures stay pending.
	const stillPending = state.pending?.length ? await runPending(ctx, client, state.pending) : [];

	const settled = await Promise.allSettled(
		plan.folders.map(async (folder) => ({
			folder,
			outcome: await syncFolder(ctx, client, plan, folder, state.folders[folder.key], deadline),
		})),
	);
	const failure = settled.find(
		(result): result is PromiseRejectedResult => result.status === 'rejected',
	);
	if (failure) throw failure.reason;
	const outcomes = settled.flatMap((result) =>
		result.status === 'fulfilled' ? [result.value] : [],
	);

	const messages = outcomes.flatMap(({ outcome }) => outcome.messages);
	const items = await toItems(ctx, client, plan, messages);
	// This poll's mails are acted on after n8n has them: pending, committed with the cursor.
	const emitted = await pendingFor(
		ctx,
		client,
		plan,
		messages.flatMap((message) => (typeof message.id === 'string' ? [message.id] : [])),
	);
	const next: TriggerState = {
		version: STATE_VERSION,
		folders: {},
		pending: capPending(emitted ? [...stillPending, emitted] : stillPending),
	};
	for (const { folder, outcome } of outcomes) next.folders[folder.key] = outcome.cursor;
	commitState(staticData, next);
	return items;
}

import { SeenIds, type SeenIdsData } from './seenIds';

/**
 * One folder's place in its delta query (`/mailFolders/{id}/messages/delta?changeType=created`),
 * as pure state transitions: no I/O, no clock (callers pass `now`).
 *
 * A delta *round* is the chain of pages from one request (the initial request, or a deltaLink)
 * to the deltaLink that ends it; the service fixes the round's content when its first request
 * arrives, so mail that lands meanwhile shows up in the next round. Rounds come in two kinds:
 *  - an *initial round* (no token: the folder's contents). Only messages received at or after
 *    `emitSince` are new; the others were there before (first activation: "from now"; after a
 *    resync: already handled before the token broke);
 *  - a *live round* (from a deltaLink): every message in it is new.
 * Either way a message already in `seen` is never emitted again.
 *
 * Times are epoch milliseconds.
 */
export interface FolderCursor {
	/** Fingerprint of the query options the link was made with (`$select`, changeType). */
	query: string;
	/** Where to continue: a deltaLink (between rounds) or a nextLink (inside a round); absent: start an initial round. */
	link?: string;
	/** Set during an initial round: messages received at or after this instant are new. */
	emitSince?: number;
	/** When the current round's first request went out; set only inside a round. */
	roundStartedAt?: number;
	/** Every message visible before this instant has been seen: the start of the last completed round. */
	syncedAt?: number;
	seen: SeenIdsData;
}

/**
 * How far back a resync looks for mail that became visible while the token was broken: a message
 * whose receivedDateTime is older than `syncedAt` minus this margin counts as handled. Mail can
 * become visible after its receivedDateTime (transport delays, moves into the folder); the margin
 * bounds the lateness a resync still catches. Ids are remembered this long for the same reason.
 */
export const RESYNC_MARGIN_MS = 24 * 60 * 60 * 1000;

/** Graph's receivedDateTime has whole seconds: a start inside a second covers that whole second. */
export function startOfSecond(ms: number): number {
	return Math.floor(ms / 1000) * 1000;
}

/**
 * A folder seen for the first time: an initial round that emits only mail received from
 * `now - includeMs` on, counted from the start of that second (a mail stamped in the same second
 * as the activation is emitted rather than lost).
 */
export function startCursor(query: string, now: number, includeMs = 0): FolderCursor {
	return { query, emitSince: startOfSecond(now - Math.max(0, includeMs)), seen: { entries: [] } };
}

/**
 * A new initial round after the token broke (410 SyncStateNotFound, resyncRequired) or the query
 * changed. What was seen stays seen; what became visible since the last completed round counts as
 * new back to `syncedAt - margin` (never at or below the seen set's floor, whose ids may be forgotten).
 * An initial round that breaks restarts with its own `emitSince`.
 */
export function resyncCursor(
	cursor: FolderCursor,
	query: string,
	now: number,
	marginMs = RESYNC_MARGIN_MS,
): FolderCursor {
	let emitSince =
		cursor.emitSince ??
		startOfSecond(cursor.syncedAt !== undefined ? cursor.syncedAt - marginMs : now);
	const floor = SeenIds.from(cursor.seen).floorMs;
	if (floor !== undefined) emitSince = Math.max(emitSince, floor + 1);
	return {
		query,
		emitSince,
		...(cursor.syncedAt !== undefined ? { syncedAt: cursor.syncedAt } : {}),
		seen: cursor.seen,
	};
}

/** The cursor as a request goes out at `now`: a request with no round in progress starts one. */
export function beginRequest(cursor: FolderCursor, now: number): FolderCursor {
	return cursor.roundStartedAt === undefined ? { ...cursor, roundStartedAt: now } : cursor;
}

export type Verdict = 'seen' | 'old' | 'new';

/** Whether a message of the current round is new, already handled, or older than the initial round's start. */
export function classify(
	cursor: FolderCursor,
	seen: Pick<SeenIds, 'has'>,
	id: string,
	receivedMs: number,
): Verdict {
	if (seen.has(id)) return 'seen';
	if (cursor.emitSince !== undefined && receivedMs < cursor.emitSince) return 'old';
	return 'new';
}

export interface PageLinks {
	nextLink?: string;
	deltaLink?: string;
}

/**
 * The cursor after a page: a deltaLink ends the round (the next poll starts a live round from it,
 * and everything visible when this round started has now been seen); a nextLink continues it.
 * Undefined when the page carries neither (a malformed answer: the caller must not commit).
 */
export function afterPage(
	cursor: FolderCursor,
	links: PageLinks,
): { cursor: FolderCursor; roundDone: boolean } | undefined {
	if (links.deltaLink) {
		const syncedAt = cursor.roundStartedAt ?? cursor.syncedAt;
		return {
			cursor: {
				query: cursor.query,
				link: links.deltaLink,
				...(syncedAt !== undefined ? { syncedAt } : {}),
				seen: cursor.seen,
			},
			roundDone: true,
		};
	}
	if (links.nextLink) return { cursor: { ...cursor, link: links.nextLink }, roundDone: false };
	return undefined;
}

/** Ids received before this instant are no longer needed: no resync of this cursor reaches back that far. */
export function retentionStart(
	cursor: FolderCursor,
	now: number,
	marginMs = RESYNC_MARGIN_MS,
): number {
	const reference = cursor.syncedAt ?? cursor.roundStartedAt ?? now;
	const start = reference - marginMs;
	return cursor.emitSince !== undefined ? Math.min(start, cursor.emitSince) : start;
}

import type { IDataObject } from 'n8n-workflow';

import { readPending, type PendingGroup } from './afterEmit';
import type { FolderCursor } from './deltaCursor';
import { SeenIds } from './seenIds';

/**
 * The trigger's whole state, kept in the workflow's static data for the node (n8n saves it with
 * the workflow, so it survives restarts and works in queue mode; nothing lives in module memory):
 *
 *   { version: 1, folders: { "<mailbox>|<folder>": FolderCursor }, pending?: PendingGroup[] }
 *
 * `pending`: emitted mails still to be marked read or moved (After Emitting, see afterEmit.ts),
 * committed together with the cursors that emitted them.
 *
 * A poll reads a detached copy, works on it, and writes it back only when every folder's round
 * succeeded and the items are ready: a failed poll leaves the stored state as it was.
 */
export const STATE_VERSION = 1;

export interface TriggerState {
	version: typeof STATE_VERSION;
	folders: Record<string, FolderCursor>;
	pending?: PendingGroup[];
}

const finite = (value: unknown): number | undefined =>
	typeof value === 'number' && Number.isFinite(value) ? value : undefined;

function readCursor(raw: unknown): FolderCursor | undefined {
	if (!raw || typeof raw !== 'object') return undefined;
	const data = raw as IDataObject;
	if (typeof data.query !== 'string') return undefined;
	const cursor: FolderCursor = { query: data.query, seen: SeenIds.from(data.seen).toJSON() };
	if (typeof data.link === 'string' && data.link !== '') cursor.link = data.link;
	const emitSince = finite(data.emitSince);
	const roundStartedAt = finite(data.roundStartedAt);
	const syncedAt = finite(data.syncedAt);
	if (emitSince !== undefined) cursor.emitSince = emitSince;
	if (roundStartedAt !== undefined && cursor.link !== undefined)
		cursor.roundStartedAt = roundStartedAt;
	if (syncedAt !== undefined) cursor.syncedAt = syncedAt;
	// A cursor that cannot say what is new (no round start, no sync) is no cursor.
	if (cursor.emitSince === undefined && cursor.syncedAt === undefined) return undefined;
	return cursor;
}

/** A detached, checked copy of the stored state (anything unreadable is dropped: that folder starts afresh). */
export function loadState(staticData: IDataObject): TriggerState {
	const state: TriggerState = { version: STATE_VERSION, folders: {}, pending: [] };
	if (staticData.version !== STATE_VERSION) return state;
	state.pending = readPending(staticData.pending);
	const folders = staticData.folders;
	if (!folders || typeof folders !== 'object') return state;
	for (const [key, raw] of Object.entries(folders as IDataObject)) {
		const cursor = readCursor(raw);
		if (cursor) state.folders[key] = cursor;
	}
	return state;
}

/** Replaces the stored state with `state` (folders no longer watched are dropped with it). */
export function commitState(staticData: IDataObject, state: TriggerState): void {
	for (const key of Object.keys(staticData)) delete staticData[key];
	staticData.version = state.version;
	staticData.folders = JSON.parse(JSON.stringify(state.folders)) as IDataObject;
	if (state.pending?.length)
		staticData.pending = JSON.parse(JSON.stringify(state.pending)) as IDataObject[];
}

import { NodeApiError, type IDataObject, type IPollFunctions } from 'n8n-workflow';

import type { GraphClient } from '../../nodes/GraphMail/transport/graphClient';
import { graphApiError } from '../../nodes/GraphMail/transport/graphError';

import { buildListQuery } from '../../nodes/GraphMail/helpers/odata';
import {
	afterPage,
	beginRequest,
	classify,
	RESYNC_MARGIN_MS,
	resyncCursor,
	retentionStart,
	startCursor,
	type FolderCursor,
} from '../../nodes/GraphMailTrigger/deltaCursor';
import type { TriggerPlan } from '../../nodes/GraphMailTrigger/config';
import { asListFilters, matchesFilters, readFilters } from '../../nodes/GraphMailTrigger/filters';
import { toItems } from '../../nodes/GraphMailTrigger/output';
import { needsResync } from '../../nodes/GraphMailTrigger/poll';
import { hashMessageId, SeenIds } from '../../nodes/GraphMailTrigger/seenIds';
import { commitState, loadState } from '../../nodes/GraphMailTrigger/state';

const T = Date.parse('2025-03-01T12:00:00Z');
const H = 60 * 60 * 1000;

describe('seen ids', () => {
	it('remembers hashed ids with their received time, and reads back what it wrote', () => {
		const seen = new SeenIds();
		seen.add('AAMkAG-one=', T);
		expect(seen.has('AAMkAG-one=')).toBe(true);
		expect(seen.has('AAMkAG-two=')).toBe(false);
		expect(hashMessageId('AAMkAG-one=')).toHaveLength(12);
		const copy = SeenIds.from(JSON.parse(JSON.stringify(seen.toJSON())));
		expect(copy.has('AAMkAG-one=')).toBe(true);
		expect(copy.toJSON()).toEqual({ entries: [[hashMessageId('AAMkAG-one='), T / 1000]] });
	});

	it('prunes by age; at the cap forgets the earliest received and raises the floor', () => {
		const seen = new SeenIds();
		for (let i = 0; i < 10; i++) seen.add(`id-${i}`, T + i * 1000);
		seen.pruneReceivedBefore(T + 2000);
		expect(seen.size).toBe(8);
		expect(seen.has('id-1')).toBe(false);
		expect(seen.floorMs).toBeUndefined();
		seen.capAt(5);
		expect(seen.size).toBe(5);
		expect(seen.has('id-4')).toBe(false);
		expect(seen.has('id-5')).toBe(true);
		expect(seen.floorMs).toBe(T + 4000);
	});

	it('ignores malformed stored data', () => {
		expect(SeenIds.from(undefined).size).toBe(0);
		expect(SeenIds.from({ entries: [['ok', 1], ['bad'], [3, 4], 'x'], floor: 'no' }).toJSON()).toEqual({ entries: [['ok', 1]] });
	});
});

describe('delta cursor transitions', () => {
	const seenNone = { has: () => false };

	it('first activation: an initial round that emits only mail received from now (or N minutes back)', () => {
		const cursor = beginRequest(startCursor('q', T), T);
		expect(cursor).toMatchObject({ query: 'q', emitSince: T, roundStartedAt: T });
		expect(classify(cursor, seenNone, 'a', T - 1000)).toBe('old');
		expect(classify(cursor, seenNone, 'a', T)).toBe('new');
		expect(classify(cursor, { has: () => true }, 'a', T)).toBe('seen');
		expect(startCursor('q', T, 30 * 60_000).emitSince).toBe(T - 30 * 60_000);
	});

	it('first activation inside a second still emits a mail stamped at the start of that second', () => {
		const cursor = beginRequest(startCursor('q', T + 750), T + 750);
		expect(cursor.emitSince).toBe(T);
		expect(classify(cursor, seenNone, 'a', T)).toBe('new');
		expect(classify(cursor, seenNone, 'a', T - 1)).toBe('old');
	});

	it('a nextLink continues the round; a deltaLink ends it and makes it the sync point', () => {
		let cursor = beginRequest(startCursor('q', T), T);
		cursor = afterPage(cursor, { nextLink: 'next-1' })!.cursor;
		expect(cursor).toMatchObject({ link: 'next-1', emitSince: T, roundStartedAt: T });
		expect(beginRequest(cursor, T + 5000).roundStartedAt).toBe(T); // same round
		const done = afterPage(cursor, { deltaLink: 'delta-1' })!;
		expect(done.roundDone).toBe(true);
		expect(done.cursor).toEqual({ query: 'q', link: 'delta-1', syncedAt: T, seen: { entries: [] } });
		// a live round: everything unseen is new, whatever its received time
		const live = beginRequest(done.cursor, T + H);
		expect(live.roundStartedAt).toBe(T + H);
		expect(classify(live, seenNone, 'b', T - 100 * H)).toBe('new');
		expect(afterPage(live, { deltaLink: 'delta-2' })!.cursor.syncedAt).toBe(T + H);
		expect(afterPage(live, {})).toBeUndefined();
	});

	it('resync: a new initial round back to the last sync point minus the margin, never below the floor', () => {
		const live: FolderCursor = { query: 'q', link: 'delta-1', syncedAt: T, seen: { entries: [] } };
		expect(resyncCursor(live, 'q', T + H)).toEqual({ query: 'q', emitSince: T - RESYNC_MARGIN_MS, syncedAt: T, seen: { entries: [] } });
		const floored = { ...live, seen: { entries: [], floor: (T - H) / 1000 } };
		expect(resyncCursor(floored, 'q2', T + H)).toMatchObject({ query: 'q2', emitSince: T - H + 1 });
		// inside an initial round: restart it as it was
		const initial = beginRequest(startCursor('q', T), T);
		expect(resyncCursor({ ...initial, link: 'next-1' }, 'q', T + H)).toEqual({ query: 'q', emitSince: T, seen: { entries: [] } });
	});

	it('keeps ids as long as a resync could reach them', () => {
		expect(retentionStart({ query: 'q', syncedAt: T, seen: { entries: [] } }, T + H)).toBe(T - RESYNC_MARGIN_MS);
		expect(retentionStart({ query: 'q', emitSince: T - 48 * H, roundStartedAt: T, seen: { entries: [] } }, T)).toBe(T - 48 * H);
		expect(retentionStart(startCursor('q', T), T)).toBe(T - RESYNC_MARGIN_MS);
	});

	it('knows a broken token when it sees one', () => {
		expect(needsResync({ status: 410, code: 'SyncStateNotFound', message: '' })).toBe(true);
		expect(needsResync({ status: 400, code: 'resyncRequired', message: '' })).toBe(true);
		expect(needsResync({ status: 404, code: 'ErrorItemNotFound', message: '' })).toBe(false);
		expect(needsResync({ status: 503, code: 'serviceNotAvailable', message: '' })).toBe(false);
	});
});

describe('static data', () => {
	it('loads a detached copy, dropping what it cannot read', () => {
		const cursor = { query: 'q', link: 'delta-1', syncedAt: T, seen: { entries: [['h', 1]] } };
		const stored = { version: 1, folders: { 'me|inbox': cursor, 'me|bad': { link: 'x' }, 'me|empty': { query: 'q' } } };
		const state = loadState(stored);
		expect(state.folders).toEqual({ 'me|inbox': cursor });
		state.folders['me|inbox'].link = 'changed';
		expect(stored.folders['me|inbox'].link).toBe('delta-1');
		expect(loadState({ lastTimeChecked: 'x' }).folders).toEqual({});
		expect(loadState({ version: 99, folders: stored.folders }).folders).toEqual({});
	});

	it('commit replaces the stored state as a whole', () => {
		const stored: IDataObject = { version: 1, folders: { old: {} }, stray: true };
		commitState(stored, { version: 1, folders: { 'me|inbox': { query: 'q', syncedAt: T, seen: { entries: [] } } } });
		expect(stored).toEqual({ version: 1, folders: { 'me|inbox': { query: 'q', syncedAt: T, seen: { entries: [] } } } });
	});
});

describe('filters', () => {
	const message = {
		subject: 'Your Invoice 7',
		isRead: false,
		hasAttachments: true,
		from: { emailAddress: { name: 'Billing', address: 'Billing@Fabrikam.com' } },
	};

	it('match case-insensitively, each only when set', () => {
		expect(matchesFilters(readFilters({}), { ...message, isRead: true })).toBe(true);
		const all = readFilters({ unreadOnly: true, from: ' billing@fabrikam.com ', hasAttachments: true, subjectContains: 'invoice' });
		expect(matchesFilters(all, message)).toBe(true);
		expect(matchesFilters(all, { ...message, isRead: true })).toBe(false);
		expect(matchesFilters(all, { ...message, hasAttachments: false })).toBe(false);
		expect(matchesFilters(all, { ...message, subject: 'Receipt' })).toBe(false);
		expect(matchesFilters(all, { ...message, from: null })).toBe(false);
		expect(matchesFilters(readFilters({ hasAttachments: false }), message)).toBe(false);
	});

	it('translate to the $filter Get Many sends, for the manual run', () => {
		const filters = readFilters({ unreadOnly: true, from: 'a@b.com', hasAttachments: true, subjectContains: "it's" });
		expect(buildListQuery(asListFilters(filters), 'newest')).toEqual({
			$filter:
				"receivedDateTime ge 1900-01-01T00:00:00Z and isRead eq false and from/emailAddress/address eq 'a@b.com' and hasAttachments eq true and contains(subject,'it''s')",
			$orderby: 'receivedDateTime desc',
		});
	});
});

describe('items', () => {
	const node = { id: 'n', name: 'Trigger', type: 't', typeVersion: 1, position: [0, 0] as [number, number], parameters: {} };
	const ctx = { getNode: () => node, helpers: { prepareBinaryData: async () => ({}) } } as unknown as IPollFunctions;
	const plan = {
		ref: { mailbox: 'me', base: '/me' },
		output: { mode: 'raw' },
		attachments: { prefix: 'attachment_', skipInline: true },
	} as unknown as TriggerPlan;
	// What the client throws: a typed Graph request error.
	const failing = (httpCode: string) =>
		({
			request: async () => {
				throw graphApiError(node, { status: Number(httpCode), code: httpCode === '404' ? 'ErrorItemNotFound' : 'serviceNotAvailable', message: 'x' });
			},
		}) as unknown as GraphClient;

	it('a message deleted before its attachments are read is still emitted, without them', async () => {
		const items = await toItems(ctx, failing('404'), plan, [{ id: 'gone', hasAttachments: true }]);
		expect(items).toEqual([{ json: { id: 'gone', hasAttachments: true } }]);
	});

	it('any other failure fails the poll', async () => {
		await expect(toItems(ctx, failing('503'), plan, [{ id: 'm', hasAttachments: true }])).rejects.toThrow(NodeApiError);
	});
});

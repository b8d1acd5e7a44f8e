/**
 * `GET .../mailFolders/{id}/messages/delta`. Rounds are cut by the mailbox change sequence, not by
 * receivedDateTime: a message that lands now with an old receivedDateTime still shows up in the next round.
 * Initial round: every message already in the folder (newest first). Later rounds: changes after the
 * previous round's watermark, in change order. Tokens are sealed and carry the service's delta epoch;
 * invalidateDeltaTokens() bumps the epoch -> 410 SyncStateNotFound.
 */
import { LIMITS } from '../../contract';
import type { HandlerResult } from '../../contract';
import { readsBasicOnly } from '../routing/access';
import type { RequestContext } from '../routing/context';
import { badRequest, GraphError } from '../errors';
import { MESSAGE_FILTER_PROPERTIES, messageSortSpec } from '../query/message-query';
import { compileFilter } from '../query/odata-filter';
import { itemsAfter, sortBySpec } from '../query/paging';
import type { SortKey, SortSpec } from '../query/paging';
import {
	buildQueryString,
	parsePreferences,
	parseSelect,
	preferenceApplied,
	queryValue,
} from '../query/options';
import { MESSAGE_PROPERTIES, MESSAGE_TYPE, odataContext, serializeMessage } from './serialize';
import { messagesOfFolder } from '../storage/store';
import { openToken, sealToken } from '../query/tokens';
import type { StoredFolder, StoredMessage } from '../types';

type ChangeType = 'created' | 'updated' | 'deleted';

interface DeltaOptions {
	changeTypes: ChangeType[];
	select?: string[];
	filter?: string;
	top?: number;
}

interface DeltaToken {
	kind: 'delta' | 'deltaPage';
	mailbox: string;
	folder: string;
	epoch: number;
	/** Watermark of the previous round; null during the initial round. */
	base: number | null;
	/** Watermark of this round (mailbox sequence when it started). */
	watermark: number;
	cursor?: SortKey;
	options: DeltaOptions;
}

type DeltaEntry =
	| { kind: 'message'; message: StoredMessage; seq: number }
	| { kind: 'removed'; id: string; immutableId: string; seq: number };

const syncStateNotFound = () =>
	new GraphError(
		410,
		'SyncStateNotFound',
		'The sync state is no longer valid. Start over with an initial delta request.',
	);

function parseOptions(ctx: RequestContext): DeltaOptions {
	const q = ctx.req.query;
	if (queryValue(q, '$search') !== undefined)
		throw badRequest('$search is not supported with delta.', 'ErrorInvalidUrlQuery');
	const orderBy = queryValue(q, '$orderby');
	if (orderBy !== undefined && !/^\s*receivedDateTime\s+desc\s*$/i.test(orderBy)) {
		throw badRequest('Delta supports only $orderby=receivedDateTime desc.', 'ErrorInvalidUrlQuery');
	}
	const filter = queryValue(q, '$filter');
	if (filter !== undefined) {
		const single = compileFilter(filter, MESSAGE_FILTER_PROPERTIES).single;
		if (
			!single ||
			single.property !== 'receivedDateTime' ||
			(single.op !== 'ge' && single.op !== 'gt')
		) {
			throw new GraphError(
				400,
				'ErrorInvalidUrlQueryFilter',
				'Delta supports only $filter=receivedDateTime ge|gt {date-time}.',
			);
		}
	}
	const rawTypes = queryValue(q, 'changeType');
	const changeTypes = (rawTypes ?? 'created,updated,deleted')
		.split(',')
		.map((t) => t.trim().toLowerCase());
	for (const t of changeTypes) {
		if (t !== 'created' && t !== 'updated' && t !== 'deleted') {
			throw badRequest(
				`Invalid changeType '${t}': use created, updated or deleted.`,
				'ErrorInvalidUrlQuery',
			);
		}
	}
	const topText = queryValue(q, '$top');
	let top: number | undefined;
	if (topText !== undefined) {
		top = Number(topText);
		if (!Number.isInteger(top) || top < 1 || top > LIMITS.maxPageSize) {
			throw badRequest(
				`Invalid value '${topText}' for $top: it must be an integer from 1 to ${LIMITS.maxPageSize}.`,
			);
		}
	}
	return {
		changeTypes: changeTypes as ChangeType[],
		select: parseSelect(q, MESSAGE_PROPERTIES, MESSAGE_TYPE),
		filter,
		top,
	};
}

function readToken(ctx: RequestContext, folder: StoredFolder): DeltaToken | undefined {
	let raw: string | undefined;
	for (const [key, value] of ctx.req.query) {
		const lower = key.toLowerCase();
		if (lower === '$skiptoken' || lower === '$deltatoken') raw = value;
	}
	if (raw === undefined) return undefined;
	const token = openToken<DeltaToken>(ctx.state.tokenKey, raw);
	if (
		!token ||
		(token.kind !== 'delta' && token.kind !== 'deltaPage') ||
		token.epoch !== ctx.state.deltaEpoch
	) {
		throw syncStateNotFound();
	}
	if (token.mailbox !== ctx.mailbox.userId || token.folder !== folder.id) {
		throw badRequest('The delta token belongs to another mailbox folder.', 'ErrorInvalidUrlQuery');
	}
	return token;
}

const INITIAL_SORT: SortSpec<DeltaEntry> = (() => {
	const spec = messageSortSpec([{ property: 'receivedDateTime', direction: -1 }]);
	return {
		key: (e: DeltaEntry) => (e.kind === 'message' ? spec.key(e.message) : [0, 0]),
		directions: spec.directions,
	};
})();

const CHANGE_SORT: SortSpec<DeltaEntry> = { key: (e) => [e.seq], directions: [1] };

function roundEntries(
	ctx: RequestContext,
	folder: StoredFolder,
	base: number | null,
	watermark: number,
	options: DeltaOptions,
): DeltaEntry[] {
	const filter = options.filter
		? compileFilter(options.filter, MESSAGE_FILTER_PROPERTIES).test
		: () => true;
	const wants = (t: ChangeType) => options.changeTypes.includes(t);
	const entries: DeltaEntry[] = [];
	for (const message of messagesOfFolder(ctx.mailbox, folder)) {
		if (!filter(message)) continue;
		if (base === null) {
			if (wants('created') && message.createdSeq <= watermark)
				entries.push({ kind: 'message', message, seq: message.createdSeq });
		} else if (message.createdSeq > base && message.createdSeq <= watermark) {
			if (wants('created')) entries.push({ kind: 'message', message, seq: message.createdSeq });
		} else if (
			message.createdSeq <= base &&
			message.changedSeq > base &&
			message.changedSeq <= watermark
		) {
			if (wants('updated')) entries.push({ kind: 'message', message, seq: message.changedSeq });
		}
	}
	if (base !== null && wants('deleted')) {
		for (const removal of ctx.mailbox.removals) {
			if (removal.folderId === folder.id && removal.seq > base && removal.seq <= watermark) {
				entries.push({
					kind: 'removed',
					id: removal.messageId,
					immutableId: removal.immutableId,
					seq: removal.seq,
				});
			}
		}
	}
	return sortBySpec(entries, base === null ? INITIAL_SORT : CHANGE_SORT);
}

export function deltaMessages(ctx: RequestContext, folder: StoredFolder): HandlerResult {
	const token = readToken(ctx, folder);
	const options = token ? token.options : parseOptions(ctx);
	const prefs = parsePreferences(ctx.req);
	const pageSize = prefs.maxPageSize ?? options.top ?? LIMITS.defaultPageSize;
	let base: number | null = null;
	let watermark = ctx.mailbox.seq;
	let cursor: SortKey | undefined;
	if (token?.kind === 'deltaPage') {
		base = token.base;
		watermark = token.watermark;
		cursor = token.cursor;
	} else if (token?.kind === 'delta') {
		base = token.watermark;
	}
	const spec = base === null ? INITIAL_SORT : CHANGE_SORT;
	const remaining = itemsAfter(roundEntries(ctx, folder, base, watermark, options), spec, cursor);
	const page = remaining.slice(0, pageSize);
	const bodyFormat = prefs.bodyFormat ?? 'html';
	const basicOnly = readsBasicOnly(ctx.config, ctx.caller);
	const value = page.map((entry) =>
		entry.kind === 'message'
			? serializeMessage(entry.message, {
					select: options.select,
					bodyFormat,
					basicOnly,
					immutableIds: prefs.immutableIds,
				})
			: {
					'@odata.type': '#microsoft.graph.message',
					id: prefs.immutableIds ? entry.immutableId : entry.id,
					'@removed': { reason: 'deleted' },
				},
	);
	const common = {
		mailbox: ctx.mailbox.userId,
		folder: folder.id,
		epoch: ctx.state.deltaEpoch,
		options,
	};
	const link = (param: string, payload: DeltaToken) =>
		`${ctx.urls.graphBaseUrl}/v1.0${ctx.req.path}?${buildQueryString([[param, sealToken(ctx.state.tokenKey, payload)]])}`;
	const body: Record<string, unknown> = {
		'@odata.context': odataContext.delta(ctx.urls.graphBaseUrl),
	};
	const lastOnPage = page.at(-1);
	if (remaining.length > page.length && lastOnPage) {
		body['@odata.nextLink'] = link('$skiptoken', {
			...common,
			kind: 'deltaPage',
			base,
			watermark,
			cursor: spec.key(lastOnPage),
		});
		body.value = value;
	} else {
		body.value = value;
		body['@odata.deltaLink'] = link('$deltatoken', { ...common, kind: 'delta', base, watermark });
	}
	return {
		status: 200,
		headers: preferenceApplied({
			bodyFormat: prefs.bodyFormat,
			maxPageSize: prefs.maxPageSize,
			immutableIds: prefs.immutableIds,
		}),
		json: body,
	};
}

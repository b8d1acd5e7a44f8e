/**
 * Exactly Once, the look: finds the messages of a mailbox that carry given internetMessageIds
 * (`GET {mailbox}/messages?$filter=internetMessageId eq '...' or ...`, 14 ids per filter, the
 * filters grouped through `$batch`). The whole mailbox is searched, not only Sent Items: a mail
 * still in the Outbox, or whose Sent Items copy was moved or deleted (Deleted Items), is found
 * too. Drafts come back with `isDraft: true`; what counts as sent is decided by `earlierSend`.
 */
import { sleep } from 'n8n-workflow';

import { internetMessageIdFilter, lookupGroups, type FoundMessage } from './idempotencyKey';
import { mailboxPath } from '../../../helpers/pathSegment';
import { executeBatch, type BatchSubRequest } from '../../../transport/batch';
import { IMMUTABLE_ID_HEADERS, type GraphClient } from '../../../transport/graphClient';
import { graphApiError, graphErrorDetails } from '../../../transport/graphError';
import { pages } from '../../../transport/paging';

const SELECT = 'id,internetMessageId,sentDateTime,isDraft,parentFolderId';

/**
 * What the look searches by: Send's keys are internetMessageIds; other operations (Reply, Forward)
 * carry theirs elsewhere (an extended property) and pass how to filter for it and read it back.
 */
export interface LookupBy {
	/** The `$filter` for one group of keys. */
	filter(keys: string[]): string;
	/** Extra query after `$select`/`$top` (e.g. an `$expand`), already encoded; may be empty. */
	query: string;
	/** The key a found message carries, or undefined (found messages are listed, and their `internetMessageId` given, by it). */
	keyOf(message: Record<string, unknown>): string | undefined;
	/** Keys per `$filter` (default IDS_PER_LOOKUP). */
	perFilter?: number;
}

export const BY_INTERNET_MESSAGE_ID: LookupBy = {
	filter: internetMessageIdFilter,
	query: '',
	keyOf: (message) =>
		typeof message.internetMessageId === 'string' ? message.internetMessageId : undefined,
};
const PAGE_SIZE = 100;
/** Immutable ids, so a found message's id stays valid when it moves between folders. */
const HEADERS = IMMUTABLE_ID_HEADERS;

interface Page {
	value?: Array<Record<string, unknown>>;
	'@odata.nextLink'?: string;
}

/** Adds a page's messages to what was found, by their key (internetMessageId unless `by` says otherwise). */
function addFound(
	page: Page | undefined,
	into: Map<string, FoundMessage[]>,
	by: LookupBy = BY_INTERNET_MESSAGE_ID,
): void {
	for (const message of page?.value ?? []) {
		const internetMessageId = by.keyOf(message) ?? '';
		if (!internetMessageId || typeof message.id !== 'string') continue;
		const found: FoundMessage = {
			id: message.id,
			internetMessageId,
			isDraft: message.isDraft === true,
			...(typeof message.sentDateTime === 'string' ? { sentDateTime: message.sentDateTime } : {}),
			...(typeof message.parentFolderId === 'string'
				? { parentFolderId: message.parentFolderId }
				: {}),
		};
		const list = into.get(internetMessageId) ?? [];
		list.push(found);
		into.set(internetMessageId, list);
	}
}

/**
 * Messages of `mailbox` carrying any of `ids`, by internetMessageId (or by `by`'s key). Throws (a NodeApiError) when
 * Graph refuses or does not answer a lookup after the client's retries.
 */
export async function findByInternetMessageId(
	client: GraphClient,
	mailbox: string,
	ids: string[],
	by: LookupBy = BY_INTERNET_MESSAGE_ID,
): Promise<Map<string, FoundMessage[]>> {
	const found = new Map<string, FoundMessage[]>();
	const groups = lookupGroups(ids, by.perFilter);
	if (!groups.length) return found;
	const base = `${mailboxPath(mailbox)}/messages`;
	const urls = groups.map(
		(group) =>
			`${base}?$filter=${encodeURIComponent(by.filter(group))}&$select=${SELECT}&$top=${PAGE_SIZE}${by.query}`,
	);
	/** The rest of a filter's answer: its later pages, through the shared pager (never a loop). */
	const followNextLinks = async (page: Page | undefined) => {
		const next = page?.['@odata.nextLink'];
		if (!next) return;
		const rest = pages<Record<string, unknown>>(
			client,
			{ path: next, headers: HEADERS, mailbox },
			{ sendTop: false },
		);
		for await (const value of rest) addFound({ value }, found, by);
	};

	const [onlyUrl, ...otherUrls] = urls;
	if (onlyUrl !== undefined && !otherUrls.length) {
		const { body } = await client.request<Page>({
			method: 'GET',
			path: onlyUrl,
			headers: HEADERS,
			mailbox,
		});
		addFound(body, found, by);
		await followNextLinks(body);
		return found;
	}
	const requests: BatchSubRequest[] = urls.map((url) => ({
		method: 'GET',
		url,
		headers: HEADERS,
		idempotent: true,
	}));
	// Serial chains within the mailbox's adaptive limit, waiting (within Max Retry Wait) for a turn
	// at a mailbox that another execution or worker keeps full.
	const results = await executeBatch(client, mailbox, requests, { serial: true, patient: true });
	for (const result of results) {
		if (result.kind === 'response' && result.status >= 200 && result.status < 300) {
			addFound(result.body as Page, found, by);
			await followNextLinks(result.body as Page);
			continue;
		}
		if (result.kind === 'response') {
			throw graphApiError(
				client.node,
				graphErrorDetails({ status: result.status, headers: result.headers, body: result.body }),
			);
		}
		if (result.kind === 'failed') throw graphApiError(client.node, result.details);
		throw graphApiError(client.node, {
			code: 'NoAnswer',
			message: result.kind === 'uncertain' ? result.reason : 'not sent',
		});
	}
	return found;
}

/** Messages per page when listing what a mailbox got since a time (Graph's largest page). */
const LISTING_PAGE_SIZE = 1000;

/**
 * Exactly Once, the look for a run whose mails cannot be older than `since` (see runIdentity.ts):
 * what the mailbox got since then, a page of 1,000 per request
 * (`$filter=createdDateTime ge <since>`), searched for `ids`: for a run that sent nothing yet one
 * request instead of one per 14 ids. Undefined when the mailbox got more than `maxPages` pages
 * since then (a busy mailbox, an old run): the caller looks the ids up instead.
 */
export async function findCreatedSince(
	client: GraphClient,
	mailbox: string,
	ids: string[],
	since: number,
	maxPages: number,
): Promise<Map<string, FoundMessage[]> | undefined> {
	const all = new Map<string, FoundMessage[]>();
	const filter = `createdDateTime ge ${new Date(since).toISOString().replace(/\.\d{3}Z$/, 'Z')}`;
	let next: string | undefined =
		`${mailboxPath(mailbox)}/messages?$filter=${encodeURIComponent(filter)}&$select=${SELECT}&$top=${LISTING_PAGE_SIZE}`;
	for (let page = 0; next; page++) {
		if (page >= maxPages) return undefined;
		const { body }: { body: Page | undefined } = await client.request<Page>({
			method: 'GET',
			path: next,
			headers: HEADERS,
			mailbox,
		});
		addFound(body, all);
		next = body?.['@odata.nextLink'];
	}
	const found = new Map<string, FoundMessage[]>();
	for (const id of ids) {
		const messages = all.get(id);
		if (messages) found.set(id, messages);
	}
	return found;
}

/**
 * How far this host's clock may run ahead of Graph's: the listing starts this much before the run.
 * Hosts and Graph keep time by NTP; the margin only costs a page more in a busy mailbox.
 */
export const CLOCK_SKEW_MS = 15 * 60_000;

/**
 * The look before a run sends: when the run's start is known and the run is large enough that
 * listing can save requests (3 or more filters of ids), what the mailbox got since the run began;
 * the ids themselves otherwise, or when that listing runs past a third of the filters it replaces
 * or fails (the id lookups wait their turn at a mailbox that other senders keep full).
 */
export async function lookBeforeSending(
	client: GraphClient,
	mailbox: string,
	ids: string[],
	runStartedAt: number | undefined,
	by?: LookupBy,
): Promise<Map<string, FoundMessage[]>> {
	// The listing matches internetMessageIds; another key (a reply's property) is looked up by filter.
	if (by) return await findByInternetMessageId(client, mailbox, ids, by);
	const maxPages = Math.floor(lookupGroups(ids).length / 3);
	if (runStartedAt !== undefined && maxPages >= 1) {
		const found = await findCreatedSince(
			client,
			mailbox,
			ids,
			runStartedAt - CLOCK_SKEW_MS,
			maxPages,
		).catch(() => undefined);
		if (found) return found;
	}
	return await findByInternetMessageId(client, mailbox, ids);
}

/** Waits until `settleMs` after `since`: a lost answer's work may still be under way at the service. */
export async function waitBeforeLooking(since: number, settleMs: number): Promise<void> {
	const left = since + settleMs - Date.now();
	if (left > 0) await sleep(left);
}

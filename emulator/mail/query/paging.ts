/**
 * Keyset paging: a page token remembers the sort key of the last item returned, not an offset, so
 * messages arriving or leaving between pages neither shift nor repeat the ones that were there.
 */
import { createHash } from 'node:crypto';
import type { RawRequest, UrlContext } from '../../contract';
import { badRequest } from '../errors';
import { buildQueryString } from './options';
import { openToken, sealToken } from './tokens';

export type SortKey = Array<number | string>;

export interface SortSpec<T> {
	key(item: T): SortKey;
	/** 1 ascending, -1 descending, per key position. */
	directions: Array<1 | -1>;
}

export function compareKeys(a: SortKey, b: SortKey, directions: Array<1 | -1>): number {
	for (let i = 0; i < a.length; i++) {
		const x = a[i];
		const y = b[i];
		if (x === y) continue;
		const order = x !== undefined && y !== undefined && x < y ? -1 : 1;
		return order * (directions[i] ?? 1);
	}
	return 0;
}

export function sortBySpec<T>(items: T[], spec: SortSpec<T>): T[] {
	const keyed = items.map((item) => ({ item, key: spec.key(item) }));
	keyed.sort((a, b) => compareKeys(a.key, b.key, spec.directions));
	return keyed.map((k) => k.item);
}

/** Items strictly after the cursor in a list sorted by `spec` (binary search). */
export function itemsAfter<T>(sorted: T[], spec: SortSpec<T>, cursor: SortKey | undefined): T[] {
	if (!cursor) return sorted;
	let lo = 0;
	let hi = sorted.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (compareKeys(spec.key(sorted[mid]!), cursor, spec.directions) <= 0) lo = mid + 1;
		else hi = mid;
	}
	return sorted.slice(lo);
}

export interface ListToken {
	kind: 'list';
	/** Fingerprint of mailbox, path and query options: a token only continues the query that made it. */
	query: string;
	cursor: SortKey;
	/** Items returned so far ($search stops at 1000). */
	returned: number;
}

const PAGING_OPTIONS = new Set(['$skiptoken', '$skip', '$deltatoken']);

/** Query options of a request without the paging ones, in their original order. */
export function nonPagingOptions(query: URLSearchParams): Array<[string, string]> {
	const entries: Array<[string, string]> = [];
	for (const [key, value] of query)
		if (!PAGING_OPTIONS.has(key.toLowerCase())) entries.push([key, value]);
	return entries;
}

export function queryFingerprint(scope: string, req: RawRequest): string {
	const options = nonPagingOptions(req.query)
		.map(([k, v]) => `${k.toLowerCase()}=${v}`)
		.sort()
		.join('&');
	return createHash('sha256')
		.update(`${scope}\n${req.path.toLowerCase().replace(/\/+$/, '')}\n${options}`)
		.digest('base64url')
		.slice(0, 22);
}

export function readListToken(
	key: Buffer,
	req: RawRequest,
	fingerprint: string,
): ListToken | undefined {
	const raw = [...req.query].find(([k]) => k.toLowerCase() === '$skiptoken')?.[1];
	if (raw === undefined) return undefined;
	const token = openToken<ListToken>(key, raw);
	if (!token || token.kind !== 'list' || token.query !== fingerprint) {
		throw badRequest(
			'The $skiptoken is invalid or belongs to another query.',
			'ErrorInvalidUrlQuery',
		);
	}
	return token;
}

/** Absolute nextLink: same path and options, plus the sealed token. */
export function nextLinkFor(
	key: Buffer,
	req: RawRequest,
	urls: UrlContext,
	token: ListToken,
): string {
	const options = nonPagingOptions(req.query);
	options.push(['$skiptoken', sealToken(key, token)]);
	return `${urls.graphBaseUrl}/v1.0${req.path}?${buildQueryString(options)}`;
}

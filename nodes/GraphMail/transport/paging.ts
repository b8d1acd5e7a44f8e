import type { IDataObject } from 'n8n-workflow';

import type { GraphClient, GraphRequest } from './graphClient';

/** Graph's largest page for messages and folders (`$top` 1..1000). */
export const MAX_PAGE_SIZE = 1000;

export type PagedRequest = Omit<GraphRequest, 'method' | 'body' | 'idempotent'>;

export interface PageOptions {
	/** Items wanted in all; undefined = every item (Return All). */
	limit?: number;
	/** `$top` of the first request, at most 1000 (default 1000, lowered to the limit). */
	pageSize?: number;
	/** Whether the first request carries `$top` (default true; collections without paging support skip it). */
	sendTop?: boolean;
}

interface ListPage<T> {
	value?: T[];
	'@odata.nextLink'?: string;
}

/**
 * Pages of a Graph collection, lazily: the first request carries `$top` (the page size, never more
 * than the items still wanted) and the request's own query; every later one is the
 * `@odata.nextLink` exactly as Graph wrote it, which the client only follows on the credential's
 * Graph host. Stops when the limit is reached (the last page is cut to it) or there is no nextLink.
 */
export async function* pages<T = IDataObject>(
	client: Pick<GraphClient, 'request'>,
	request: PagedRequest,
	options: PageOptions = {},
): AsyncGenerator<T[], void, undefined> {
	const limit = options.limit;
	if (limit !== undefined && limit <= 0) return;
	const pageSize = Math.max(
		1,
		Math.min(MAX_PAGE_SIZE, Math.floor(options.pageSize ?? MAX_PAGE_SIZE)),
	);
	let remaining = limit;
	let next: string | undefined = request.path;
	let qs: IDataObject | undefined =
		options.sendTop === false
			? request.qs
			: { ...request.qs, $top: remaining === undefined ? pageSize : Math.min(pageSize, remaining) };
	const followed = new Set<string>();
	while (next !== undefined) {
		const response: { body: ListPage<T> } = await client.request<ListPage<T>>({
			...request,
			method: 'GET',
			path: next,
			qs,
		});
		const body = response.body;
		const value = Array.isArray(body?.value) ? body.value : [];
		const page = remaining === undefined ? value : value.slice(0, remaining);
		if (remaining !== undefined) remaining -= page.length;
		if (page.length) yield page;
		if (remaining !== undefined && remaining <= 0) return;
		const link: unknown = body?.['@odata.nextLink'];
		if (typeof link !== 'string' || link === '' || followed.has(link)) return;
		followed.add(link);
		next = link;
		qs = undefined;
	}
}

/** Every item of every page, up to the limit. */
export async function collect<T = IDataObject>(
	client: Pick<GraphClient, 'request'>,
	request: PagedRequest,
	options: PageOptions = {},
): Promise<T[]> {
	const items: T[] = [];
	for await (const page of pages<T>(client, request, options)) items.push(...page);
	return items;
}

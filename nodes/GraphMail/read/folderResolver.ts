import { NodeOperationError, type IDataObject, type INode } from 'n8n-workflow';

import { joinFolderPath } from '../helpers/folderPath';
import { itemMessage } from '../helpers/itemText';
import { odataString } from '../helpers/odata';
import { idSegment } from '../helpers/pathSegment';
import type { GraphClient } from '../transport/graphClient';
import { collect } from '../transport/paging';
import { FOLDER_TREE_PAGE_SIZE } from './folderTree';
import { WELL_KNOWN_FOLDERS, type MailboxRef } from './mailbox';

/**
 * Folder paths to folder ids: the first name may be a well-known folder (`inbox`, any case, in
 * every mailbox language), else it is a folder at the top of the mailbox; each further name is a
 * child, matched case-insensitively as Outlook matches names (hidden folders included). Lookups
 * are remembered for the client's life (one node execution), so many items naming the same path
 * cost one lookup per level.
 */

/** The top of the mailbox's folder tree (the parent of Inbox and the other top-level folders). */
export const ROOT_FOLDER = 'msgfolderroot';

/** Per client (one execution): mailbox|lower-case path -> folder id, or null when it does not exist. */
const lookups = new WeakMap<GraphClient, Map<string, Promise<string | null>>>();

/**
 * The child of `parentSegment` named `name` (any case), hidden folders included; undefined when
 * none. Asked with `$filter` (one short answer); when that finds nothing, the children are listed
 * and compared here, so a service whose `eq` minded case would still find the folder.
 */
export async function findChildFolder(
	client: GraphClient,
	ref: MailboxRef,
	parentSegment: string,
	name: string,
	itemIndex?: number,
): Promise<IDataObject | undefined> {
	const request = {
		path: `${ref.base}/mailFolders/${parentSegment}/childFolders`,
		mailbox: ref.mailbox,
		itemIndex,
	};
	const wanted = name.toLowerCase();
	const named = (folders: IDataObject[]) =>
		folders.find(
			(folder) => typeof folder.id === 'string' && textLower(folder.displayName) === wanted,
		);
	const { body } = await client.request<{ value?: IDataObject[] }>({
		...request,
		method: 'GET',
		qs: { $filter: `displayName eq ${odataString(name)}`, includeHiddenFolders: 'true' },
	});
	const filtered = named(body.value ?? []);
	if (filtered) return filtered;
	const all = await collect<IDataObject>(
		client,
		{ ...request, qs: { includeHiddenFolders: 'true' } },
		{ pageSize: FOLDER_TREE_PAGE_SIZE },
	);
	return named(all);
}

function textLower(value: unknown): string {
	return typeof value === 'string' ? value.toLowerCase() : '';
}

function cacheOf(client: GraphClient): Map<string, Promise<string | null>> {
	let cache = lookups.get(client);
	if (!cache) {
		cache = new Map();
		lookups.set(client, cache);
	}
	return cache;
}

/** Whether the path starts at a well-known folder rather than at the top of the mailbox. */
export function startsWellKnown(segments: string[]): boolean {
	const first = segments[0]?.toLowerCase() ?? '';
	return WELL_KNOWN_FOLDERS.has(first) || first === ROOT_FOLDER;
}

/** The id of the folder at `segments` (a prefix of a path), or null when some level does not exist. */
function lookUp(
	node: INode,
	client: GraphClient,
	ref: MailboxRef,
	segments: string[],
	itemIndex: number | undefined,
): Promise<string | null> {
	const cache = cacheOf(client);
	const key = `${ref.mailbox.toLowerCase()}|${joinFolderPath(segments).toLowerCase()}`;
	const known = cache.get(key);
	if (known) return known;
	const lookup = (async (): Promise<string | null> => {
		if (segments.length === 1 && startsWellKnown(segments)) return segments[0]!.toLowerCase();
		const parent =
			segments.length === 1
				? ROOT_FOLDER
				: await lookUp(node, client, ref, segments.slice(0, -1), itemIndex);
		if (parent === null) return null;
		const parentSegment = idSegment(node, parent, 'Folder ID', itemIndex);
		const child = await findChildFolder(client, ref, parentSegment, segments.at(-1)!, itemIndex);
		return child ? (child.id as string) : null;
	})();
	cache.set(key, lookup);
	// A failed request is not an answer: the next item asks again.
	lookup.catch(() => cache.delete(key));
	return lookup;
}

/** The folder at `segments` as one checked URL segment (see resolveFolderPathId). */
export async function resolveFolderPath(
	node: INode,
	client: GraphClient,
	ref: MailboxRef,
	segments: string[],
	itemIndex: number | undefined,
	field: string,
): Promise<string> {
	const id = await resolveFolderPathId(node, client, ref, segments, itemIndex, field);
	return idSegment(node, id, field, itemIndex);
}

/**
 * The id of the folder at `segments` (a well-known name in lower case when the path is just one);
 * a NodeOperationError naming the item, the field and the first level that does not exist when it
 * is not there.
 */
export async function resolveFolderPathId(
	node: INode,
	client: GraphClient,
	ref: MailboxRef,
	segments: string[],
	itemIndex: number | undefined,
	field: string,
): Promise<string> {
	const id = await lookUp(node, client, ref, segments, itemIndex);
	if (id !== null) return id;
	// Find the first missing level for the message (cached: no further requests for known levels).
	let found = 0;
	for (let depth = 1; depth < segments.length; depth++) {
		if ((await lookUp(node, client, ref, segments.slice(0, depth), itemIndex)) === null) break;
		found = depth;
	}
	const path = joinFolderPath(segments);
	const missing = segments[found]!;
	const where =
		found === 0 ? 'at the top of the mailbox' : `in "${joinFolderPath(segments.slice(0, found))}"`;
	const message = `${field}: the folder "${path}" was not found (no "${missing}" ${where})`;
	throw new NodeOperationError(
		node,
		itemIndex === undefined ? message : itemMessage(message, itemIndex),
		{
			itemIndex,
			description:
				'Check the path: folder names separated by /, starting with a top-level folder or a well-known name such as Inbox. Nothing was changed.',
		},
	);
}

/** Forgets what this execution learnt about `ref`'s folders (after it created, renamed, moved or deleted one). */
export function forgetFolderLookups(client: GraphClient, ref: MailboxRef): void {
	const cache = lookups.get(client);
	if (!cache) return;
	const prefix = `${ref.mailbox.toLowerCase()}|`;
	for (const key of [...cache.keys()]) if (key.startsWith(prefix)) cache.delete(key);
}

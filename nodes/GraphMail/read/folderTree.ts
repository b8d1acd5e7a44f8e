import { NodeOperationError, type IDataObject, type INode } from 'n8n-workflow';

import { idSegment } from '../helpers/pathSegment';
import { executeBatch, type BatchSubRequest } from '../transport/batch';
import { graphApiError, graphErrorDetails } from '../transport/graphError';
import type { GraphClient } from '../transport/graphClient';
import { collect, pages } from '../transport/paging';
import type { MailboxRef } from './mailbox';
import { textOf } from '../helpers/valueText';

/**
 * A mailbox's folder tree, level by level: the first level is one paged list; every later level
 * reads the children of all its folders that have any through `$batch` (20 lists per HTTP
 * request), each list's further pages through its `@odata.nextLink` (followed on the Graph host
 * only). Returned depth-first: each folder followed by its children, with the names on its way.
 */

/** Folders per page (Graph pages folder lists; its largest `$top` is 1000). */
export const FOLDER_TREE_PAGE_SIZE = 250;

export interface TreeFolder {
	folder: IDataObject;
	/** The names from the start of the walk down to this folder (its own last). */
	names: string[];
}

export interface TreeOptions {
	/** The folder whose subtree is read (a checked URL segment); undefined: the top of the mailbox. */
	parentSegment?: string;
	includeHidden?: boolean;
	/** `$select`; must contain id, displayName and childFolderCount. Undefined: every property. */
	select?: string[];
	/** Folders read at most (a runaway tree stops here); undefined: all. */
	maxFolders?: number;
	itemIndex?: number;
}

function folderQuery(options: TreeOptions): IDataObject {
	const qs: IDataObject = {};
	if (options.select) qs.$select = options.select.join(',');
	if (options.includeHidden) qs.includeHiddenFolders = 'true';
	return qs;
}

function queryString(qs: IDataObject): string {
	return Object.entries({ $top: FOLDER_TREE_PAGE_SIZE, ...qs })
		.map(([key, value]) => `${key}=${encodeURIComponent(String(value))}`)
		.join('&');
}

/** The children of each parent, read through `$batch`, each list complete (its further pages followed). */
async function childrenOf(
	node: INode,
	client: GraphClient,
	ref: MailboxRef,
	parentIds: string[],
	options: TreeOptions,
): Promise<IDataObject[][]> {
	const query = queryString(folderQuery(options));
	const requests: BatchSubRequest[] = parentIds.map((id) => ({
		method: 'GET',
		url: `${ref.base}/mailFolders/${idSegment(node, id, 'Folder ID', options.itemIndex)}/childFolders?${query}`,
		idempotent: true,
	}));
	const results = await executeBatch(client, ref.mailbox, requests);
	return await Promise.all(
		results.map(async (result) => {
			if (result.kind !== 'response') {
				throw new NodeOperationError(node, 'Could not read the child folders', {
					itemIndex: options.itemIndex,
					description:
						result.kind === 'uncertain'
							? result.reason
							: result.kind === 'failed'
								? result.details.message
								: 'The request was not sent',
				});
			}
			if (result.status >= 400) {
				throw graphApiError(
					node,
					graphErrorDetails({ status: result.status, headers: result.headers, body: result.body }),
					{ itemIndex: options.itemIndex },
				);
			}
			const body = (result.body ?? {}) as { value?: IDataObject[]; '@odata.nextLink'?: unknown };
			const list = Array.isArray(body.value) ? [...body.value] : [];
			const link = body['@odata.nextLink'];
			if (typeof link === 'string' && link !== '') {
				for await (const page of pages<IDataObject>(
					client,
					{ path: link, mailbox: ref.mailbox, itemIndex: options.itemIndex },
					{ sendTop: false },
				))
					list.push(...page);
			}
			return list;
		}),
	);
}

export async function readFolderTree(
	node: INode,
	client: GraphClient,
	ref: MailboxRef,
	options: TreeOptions = {},
): Promise<TreeFolder[]> {
	const max = options.maxFolders ?? Number.POSITIVE_INFINITY;
	const firstPath =
		options.parentSegment === undefined
			? `${ref.base}/mailFolders`
			: `${ref.base}/mailFolders/${options.parentSegment}/childFolders`;
	const top = await collect<IDataObject>(
		client,
		{
			path: firstPath,
			qs: folderQuery(options),
			mailbox: ref.mailbox,
			itemIndex: options.itemIndex,
		},
		{ pageSize: FOLDER_TREE_PAGE_SIZE },
	);
	const children = new Map<string | undefined, IDataObject[]>();
	// Each id once: a folder listed twice (or inside itself) cannot make the walk go round.
	const ids = new Set<string>();
	const usable = (list: IDataObject[]) =>
		list.filter((folder) => typeof folder.id === 'string' && !ids.has(folder.id));
	let seen = 0;
	const take = (list: IDataObject[]) => {
		const kept = usable(list).slice(0, Math.max(0, max - seen));
		for (const folder of kept) ids.add(folder.id as string);
		seen += kept.length;
		return kept;
	};
	children.set(undefined, take(top));
	let level = children.get(undefined)!;
	while (level.length && seen < max) {
		const parents = level.filter((folder) => Number(folder.childFolderCount) > 0);
		if (!parents.length) break;
		const lists = await childrenOf(
			node,
			client,
			ref,
			parents.map((folder) => folder.id as string),
			options,
		);
		const next: IDataObject[] = [];
		parents.forEach((parent, i) => {
			const kept = take(lists[i] ?? []);
			children.set(parent.id as string, kept);
			next.push(...kept);
		});
		level = next;
	}
	const tree: TreeFolder[] = [];
	const visit = (parentId: string | undefined, names: string[]) => {
		for (const folder of children.get(parentId) ?? []) {
			const own = [
				...names,
				typeof folder.displayName === 'string' ? folder.displayName : textOf(folder.id),
			];
			tree.push({ folder, names: own });
			visit(folder.id as string, own);
		}
	};
	visit(undefined, []);
	return tree;
}

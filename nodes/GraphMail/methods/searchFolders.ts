import type { IDataObject, ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { mailboxInEditor } from '../read/mailbox';
import { mapLimited } from '../helpers/concurrency';
import { idSegment } from '../helpers/pathSegment';
import { GraphClient } from '../transport/graphClient';
import { collect } from '../transport/paging';

/** Results per page of the list. */
export const FOLDER_PAGE_SIZE = 100;
/** Folders walked at most (a runaway tree stops here). */
export const MAX_FOLDERS = 5000;

interface FolderRecord {
	id: string;
	displayName: string;
	childFolderCount: number;
}

export interface FolderEntry {
	id: string;
	/** `Inbox / Projects / 2024` */
	path: string;
}

type ListChildren = (parentId: string | undefined) => Promise<FolderRecord[]>;

/**
 * Walks the folder tree breadth-first (one request per folder that has children, up to four at a
 * time through the client's per-mailbox cap) and returns it depth-first: each folder followed by
 * its children, with its path as name.
 */
export async function walkFolders(listChildren: ListChildren, maxFolders = MAX_FOLDERS): Promise<FolderEntry[]> {
	const children = new Map<string | undefined, FolderRecord[]>();
	let level: Array<string | undefined> = [undefined];
	let seen = 0;
	while (level.length && seen < maxFolders) {
		const lists = await mapLimited(level, 4, async (parentId) => await listChildren(parentId));
		const nextLevel: string[] = [];
		level.forEach((parentId, index) => {
			const list = lists[index].slice(0, Math.max(0, maxFolders - seen));
			seen += list.length;
			children.set(parentId, list);
			for (const folder of list) if (folder.childFolderCount > 0) nextLevel.push(folder.id);
		});
		level = nextLevel;
	}
	const entries: FolderEntry[] = [];
	const visit = (parentId: string | undefined, prefix: string) => {
		for (const folder of children.get(parentId) ?? []) {
			const path = prefix ? `${prefix} / ${folder.displayName}` : folder.displayName;
			entries.push({ id: folder.id, path });
			visit(folder.id, path);
		}
	};
	visit(undefined, '');
	return entries;
}

/** The entries whose path contains `filter` (case-insensitive), one page of them from `token`. */
export function pageOfFolders(entries: FolderEntry[], filter: string | undefined, token: string | undefined): INodeListSearchResult {
	const needle = (filter ?? '').trim().toLowerCase();
	const matching = needle ? entries.filter((entry) => entry.path.toLowerCase().includes(needle)) : entries;
	const start = Math.max(0, Number.parseInt(token ?? '0', 10) || 0);
	const results: INodeListSearchItems[] = matching
		.slice(start, start + FOLDER_PAGE_SIZE)
		.map((entry) => ({ name: entry.path, value: entry.id }));
	const end = start + FOLDER_PAGE_SIZE;
	return end < matching.length ? { results, paginationToken: String(end) } : { results };
}

/** List search of the Folder resource locator: every folder of the mailbox, nested ones included. */
export async function searchFolders(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const ref = mailboxInEditor(this);
	const client = await GraphClient.create(this);
	const select = { $select: 'id,displayName,childFolderCount' };
	const listChildren: ListChildren = async (parentId) => {
		const path =
			parentId === undefined ? `${ref.base}/mailFolders` : `${ref.base}/mailFolders/${idSegment(this.getNode(), parentId, 'Folder ID')}/childFolders`;
		const folders = await collect<IDataObject>(client, { path, qs: select, mailbox: ref.mailbox }, { pageSize: 250 });
		return folders
			.filter((folder) => typeof folder.id === 'string')
			.map((folder) => ({
				id: folder.id as string,
				displayName: typeof folder.displayName === 'string' ? folder.displayName : (folder.id as string),
				childFolderCount: typeof folder.childFolderCount === 'number' ? folder.childFolderCount : 0,
			}));
	};
	return pageOfFolders(await walkFolders(listChildren), filter, paginationToken);
}

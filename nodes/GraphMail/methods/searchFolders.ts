import type {
	ILoadOptionsFunctions,
	INodeListSearchItems,
	INodeListSearchResult,
} from 'n8n-workflow';

import { joinFolderPath } from '../helpers/folderPath';
import { readFolderTree } from '../read/folderTree';
import { mailboxInEditor } from '../read/mailbox';
import { GraphClient } from '../transport/graphClient';

/** Results per page of the list. */
export const FOLDER_PAGE_SIZE = 100;
/** Folders walked at most (a runaway tree stops here). */
export const MAX_FOLDERS = 5000;

export interface FolderEntry {
	id: string;
	/** `Inbox/Projects/2024`: the form By Path takes. */
	path: string;
}

/** Spaces around `/` do not matter when searching (`Inbox / Pro` finds `Inbox/Projects`). */
function searchable(text: string): string {
	return text.toLowerCase().replace(/\s*\/\s*/g, '/');
}

/** The entries whose path contains `filter` (case-insensitive), one page of them from `token`. */
export function pageOfFolders(
	entries: FolderEntry[],
	filter: string | undefined,
	token: string | undefined,
): INodeListSearchResult {
	const needle = searchable((filter ?? '').trim());
	const matching = needle
		? entries.filter((entry) => searchable(entry.path).includes(needle))
		: entries;
	const start = Math.max(0, Number.parseInt(token ?? '0', 10) || 0);
	const results: INodeListSearchItems[] = matching
		.slice(start, start + FOLDER_PAGE_SIZE)
		.map((entry) => ({ name: entry.path, value: entry.id }));
	const end = start + FOLDER_PAGE_SIZE;
	return end < matching.length ? { results, paginationToken: String(end) } : { results };
}

/**
 * List search of the Folder resource locator: every folder of the mailbox, nested ones included,
 * each named by its path (children read through `$batch`, see read/folderTree.ts).
 */
export async function searchFolders(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const ref = mailboxInEditor(this);
	const client = await GraphClient.create(this);
	const tree = await readFolderTree(this.getNode(), client, ref, {
		select: ['id', 'displayName', 'childFolderCount'],
		maxFolders: MAX_FOLDERS,
	});
	const entries = tree.map(({ folder, names }) => ({
		id: folder.id as string,
		path: joinFolderPath(names),
	}));
	return pageOfFolders(entries, filter, paginationToken);
}

/** Folder routes: list top-level / child folders (paged), get, create. Well-known names resolve anywhere. */
import type { HandlerResult } from '../../contract';
import type { RequestContext } from '../routing/context';
import { badRequest, GraphError, itemNotFound } from '../errors';
import { getProperty, readJsonObject } from '../input/json-body';
import { compileFilter, propertyTable } from '../query/odata-filter';
import {
	itemsAfter,
	nextLinkFor,
	queryFingerprint,
	readListToken,
	sortBySpec,
} from '../query/paging';
import type { SortSpec } from '../query/paging';
import { parseSelect, parseSkip, parseTop, queryValue } from '../query/options';
import { FOLDER_PROPERTIES, odataContext, serializeFolder } from './serialize';
import { addFolder, childFolders, resolveFolder, wellKnownFolder } from '../storage/store';
import type { Mailbox, MailState, StoredFolder } from '../types';

const FOLDER_TYPE = 'microsoft.graph.mailFolder';

const FOLDER_FILTER_PROPERTIES = propertyTable<StoredFolder>([
	{ name: 'displayName', type: 'string', get: (f) => f.displayName },
	{ name: 'id', type: 'string', get: (f) => f.id },
	{ name: 'parentFolderId', type: 'string', get: (f) => f.parentFolderId },
	{ name: 'isHidden', type: 'bool', get: (f) => f.isHidden },
]);

const FOLDER_SORT: SortSpec<StoredFolder> = {
	key: (f) => [f.displayName.toLowerCase(), f.id],
	directions: [1, 1],
};

export function resolveFolderOr404(mailbox: Mailbox, ref: string): StoredFolder {
	const folder = resolveFolder(mailbox, ref);
	if (!folder) throw itemNotFound();
	return folder;
}

/** GET .../mailFolders (children of msgfolderroot) or .../mailFolders/{id}/childFolders */
export function listFolders(ctx: RequestContext, parent?: StoredFolder): HandlerResult {
	const { req } = ctx;
	const parentFolder = parent ?? wellKnownFolder(ctx.mailbox, 'msgfolderroot');
	const includeHidden = /^true$/i.test(queryValue(req.query, 'includeHiddenFolders') ?? '');
	const pageSize = parseTop(req.query);
	const select = parseSelect(req.query, FOLDER_PROPERTIES, FOLDER_TYPE);
	const filterText = queryValue(req.query, '$filter');
	const filter =
		filterText !== undefined ? compileFilter(filterText, FOLDER_FILTER_PROPERTIES) : undefined;
	const folders = sortBySpec(
		childFolders(ctx.mailbox, parentFolder.id).filter(
			(f) => (includeHidden || !f.isHidden) && (!filter || filter.test(f)),
		),
		FOLDER_SORT,
	);
	const fingerprint = queryFingerprint(ctx.mailbox.userId, req);
	const token = readListToken(ctx.state.tokenKey, req, fingerprint);
	const remaining = token
		? itemsAfter(folders, FOLDER_SORT, token.cursor)
		: folders.slice(parseSkip(req.query));
	const page = remaining.slice(0, pageSize);
	const body: Record<string, unknown> = {
		'@odata.context': parent
			? odataContext.childFolders(ctx.urls.graphBaseUrl, ctx.owner.id, parent.id)
			: odataContext.folders(ctx.urls.graphBaseUrl, ctx.owner.id),
	};
	const lastOnPage = page.at(-1);
	if (remaining.length > page.length && lastOnPage) {
		body['@odata.nextLink'] = nextLinkFor(ctx.state.tokenKey, req, ctx.urls, {
			kind: 'list',
			query: fingerprint,
			cursor: FOLDER_SORT.key(lastOnPage),
			returned: (token?.returned ?? 0) + page.length,
		});
	}
	body.value = page.map((f) => serializeFolder(ctx.mailbox, f, select));
	return { status: 200, json: body };
}

export function getFolder(ctx: RequestContext, folder: StoredFolder): HandlerResult {
	const select = parseSelect(ctx.req.query, FOLDER_PROPERTIES, FOLDER_TYPE);
	return {
		status: 200,
		json: {
			'@odata.context': odataContext.folder(ctx.urls.graphBaseUrl, ctx.owner.id),
			...serializeFolder(ctx.mailbox, folder, select),
		},
	};
}

export function createFolderIn(
	state: MailState,
	mailbox: Mailbox,
	parent: StoredFolder,
	displayName: string,
	isHidden = false,
): StoredFolder {
	const clash = childFolders(mailbox, parent.id).some(
		(f) => f.displayName.toLowerCase() === displayName.toLowerCase(),
	);
	if (clash)
		throw new GraphError(
			409,
			'ErrorFolderExists',
			'A folder with the specified name already exists.',
		);
	return addFolder(state, mailbox, displayName, parent.id, {
		isHidden,
		inMailboxView: parent.inMailboxView,
	});
}

/** POST .../mailFolders or .../childFolders {displayName, isHidden?} -> 201 */
export function createFolderRoute(ctx: RequestContext, parent?: StoredFolder): HandlerResult {
	const json = readJsonObject(ctx.req);
	const displayName = getProperty(json, 'displayName');
	if (typeof displayName !== 'string' || displayName.trim() === '') {
		throw badRequest("The value of the property 'displayName' is empty.", 'ErrorInvalidParameter');
	}
	const isHidden = getProperty(json, 'isHidden') === true;
	const folder = createFolderIn(
		ctx.state,
		ctx.mailbox,
		parent ?? wellKnownFolder(ctx.mailbox, 'msgfolderroot'),
		displayName,
		isHidden,
	);
	return {
		status: 201,
		json: {
			'@odata.context': odataContext.folder(ctx.urls.graphBaseUrl, ctx.owner.id),
			...serializeFolder(ctx.mailbox, folder),
		},
	};
}

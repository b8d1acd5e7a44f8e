/**
 * Folder changes (issue 16): rename (PATCH displayName), move (POST .../move {destinationId}) and delete.
 * Docs: mailfolder-update.md, mailfolder-move.md, mailfolder-delete.md. A name clash under one parent
 * is 409 ErrorFolderExists, as on create (mailfolder-post-childfolders.md).
 */
import type { HandlerResult } from '../../contract';
import type { RequestContext } from '../routing/context';
import { badRequest, GraphError, unknownProperty } from '../errors';
import { getProperty, readJsonObject } from '../input/json-body';
import { readDestination } from './message-actions';
import { FOLDER_PROPERTIES, odataContext, serializeFolder } from './serialize';
import { childFolders, messagesOfFolder, removeMessage, wellKnownFolder } from '../storage/store';
import type { Mailbox, StoredFolder } from '../types';

const FOLDER_EXISTS = () =>
	new GraphError(409, 'ErrorFolderExists', 'A folder with the specified name already exists.');

function checkNameFree(
	mailbox: Mailbox,
	parentId: string,
	displayName: string,
	self?: StoredFolder,
): void {
	const clash = childFolders(mailbox, parentId).some(
		(f) => f !== self && f.displayName.toLowerCase() === displayName.toLowerCase(),
	);
	if (clash) throw FOLDER_EXISTS();
}

/** Exchange's distinguished folders (Inbox, Drafts, ...) cannot be moved or deleted. */
function checkNotDistinguished(folder: StoredFolder, action: 'moved' | 'deleted'): void {
	if (!folder.wellKnownName) return;
	const code =
		action === 'moved' ? 'ErrorMoveDistinguishedFolder' : 'ErrorDeleteDistinguishedFolder';
	throw badRequest(`Distinguished folders cannot be ${action}.`, code);
}

function respondWithFolder(
	ctx: RequestContext,
	status: number,
	folder: StoredFolder,
): HandlerResult {
	return {
		status,
		json: {
			'@odata.context': odataContext.folder(ctx.urls.graphBaseUrl, ctx.owner.id),
			...serializeFolder(ctx.mailbox, folder),
		},
	};
}

/** PATCH .../mailFolders/{id} {displayName}: the only writable property of a mailFolder (mailfolder-update.md). */
export function updateFolder(ctx: RequestContext, folder: StoredFolder): HandlerResult {
	const json = readJsonObject(ctx.req);
	for (const key of Object.keys(json)) {
		if (
			!key.startsWith('@odata.') &&
			!FOLDER_PROPERTIES.some((p) => p.toLowerCase() === key.toLowerCase())
		) {
			throw unknownProperty(key, 'microsoft.graph.mailFolder');
		}
	}
	const displayName = getProperty(json, 'displayName');
	if (displayName !== undefined) {
		if (typeof displayName !== 'string' || displayName.trim() === '') {
			throw badRequest(
				"The value of the property 'displayName' is empty.",
				'ErrorInvalidParameter',
			);
		}
		checkNameFree(ctx.mailbox, folder.parentFolderId, displayName, folder);
		folder.displayName = displayName;
	}
	return respondWithFolder(ctx, 200, folder);
}

function isWithin(mailbox: Mailbox, folder: StoredFolder, ancestor: StoredFolder): boolean {
	for (let f: StoredFolder | undefined = folder; f; f = mailbox.folders.get(f.parentFolderId))
		if (f === ancestor) return true;
	return false;
}

/** POST .../mailFolders/{id}/move {destinationId} -> 201 with the folder under its new parent (same id). */
export function moveFolder(ctx: RequestContext, folder: StoredFolder): HandlerResult {
	const destination = readDestination(ctx, 'move');
	checkNotDistinguished(folder, 'moved');
	if (isWithin(ctx.mailbox, destination, folder)) {
		throw badRequest(
			'The folder cannot be moved into itself or one of its subfolders.',
			'ErrorMoveCopyFailed',
		);
	}
	checkNameFree(ctx.mailbox, destination.id, folder.displayName, folder);
	folder.parentFolderId = destination.id;
	folder.inMailboxView = destination.inMailboxView;
	return respondWithFolder(ctx, 201, folder);
}

function purge(mailbox: Mailbox, folder: StoredFolder): void {
	for (const child of childFolders(mailbox, folder.id)) purge(mailbox, child);
	for (const message of messagesOfFolder(mailbox, folder)) removeMessage(mailbox, message);
	mailbox.folders.delete(folder.id);
}

/**
 * DELETE .../mailFolders/{id} -> 204. As Outlook does, the folder (with its content) goes to Deleted
 * Items; a folder already in Deleted Items is removed with everything in it.
 */
export function deleteFolder(ctx: RequestContext, folder: StoredFolder): HandlerResult {
	checkNotDistinguished(folder, 'deleted');
	const deletedItems = wellKnownFolder(ctx.mailbox, 'deleteditems');
	if (isWithin(ctx.mailbox, folder, deletedItems)) {
		purge(ctx.mailbox, folder);
		return { status: 204 };
	}
	let name = folder.displayName;
	for (
		let n = 1;
		childFolders(ctx.mailbox, deletedItems.id).some(
			(f) => f.displayName.toLowerCase() === name.toLowerCase(),
		);
		n++
	) {
		name = `${folder.displayName} (${n})`;
	}
	folder.displayName = name;
	folder.parentFolderId = deletedItems.id;
	return { status: 204 };
}

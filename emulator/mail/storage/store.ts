/** Mailboxes, folders and messages in memory, and the only code that stamps change sequences (delta relies on it). */
import { newId, newInternetMessageId, nextOrdinal } from './ids';
import { wholeSeconds } from '../time';
import type { Mailbox, MailState, StoredFolder, StoredMessage } from '../types';

interface FolderSpec {
	wellKnownName: string;
	displayName: string;
	parent: string;
	isHidden?: boolean;
	inMailboxView?: boolean;
}

/** Layout of a new mailbox; `parent` names another entry (or 'root'). Order = creation order. */
const MAILBOX_LAYOUT: FolderSpec[] = [
	{ wellKnownName: 'msgfolderroot', displayName: 'Top of Information Store', parent: 'root' },
	{ wellKnownName: 'archive', displayName: 'Archive', parent: 'msgfolderroot' },
	{ wellKnownName: 'clutter', displayName: 'Clutter', parent: 'msgfolderroot', isHidden: true },
	{
		wellKnownName: 'conversationhistory',
		displayName: 'Conversation History',
		parent: 'msgfolderroot',
	},
	{ wellKnownName: 'deleteditems', displayName: 'Deleted Items', parent: 'msgfolderroot' },
	{ wellKnownName: 'drafts', displayName: 'Drafts', parent: 'msgfolderroot' },
	{ wellKnownName: 'inbox', displayName: 'Inbox', parent: 'msgfolderroot' },
	{ wellKnownName: 'junkemail', displayName: 'Junk Email', parent: 'msgfolderroot' },
	{ wellKnownName: 'outbox', displayName: 'Outbox', parent: 'msgfolderroot' },
	{ wellKnownName: 'sentitems', displayName: 'Sent Items', parent: 'msgfolderroot' },
	{ wellKnownName: 'syncissues', displayName: 'Sync Issues', parent: 'msgfolderroot' },
	{ wellKnownName: 'conflicts', displayName: 'Conflicts', parent: 'syncissues' },
	{ wellKnownName: 'localfailures', displayName: 'Local Failures', parent: 'syncissues' },
	{ wellKnownName: 'serverfailures', displayName: 'Server Failures', parent: 'syncissues' },
	{
		wellKnownName: 'scheduled',
		displayName: 'Scheduled',
		parent: 'root',
		isHidden: true,
		inMailboxView: false,
	},
	{
		wellKnownName: 'searchfolders',
		displayName: 'Finder',
		parent: 'root',
		isHidden: true,
		inMailboxView: false,
	},
	{
		wellKnownName: 'recoverableitemsdeletions',
		displayName: 'Deletions',
		parent: 'root',
		isHidden: true,
		inMailboxView: false,
	},
];

export const ROOT_KEY = 'root';

export function createMailbox(state: MailState, userId: string): Mailbox {
	const mailbox: Mailbox = {
		userId,
		folders: new Map(),
		messages: new Map(),
		seq: 0,
		removals: [],
		wellKnown: new Map(),
		byImmutableId: new Map(),
	};
	const root = addFolder(state, mailbox, 'Root', '', { isHidden: true, inMailboxView: false });
	mailbox.wellKnown.set(ROOT_KEY, root.id);
	for (const spec of MAILBOX_LAYOUT) {
		const parentId = mailbox.wellKnown.get(spec.parent) as string;
		const folder = addFolder(state, mailbox, spec.displayName, parentId, {
			isHidden: spec.isHidden ?? false,
			inMailboxView: spec.inMailboxView ?? true,
			wellKnownName: spec.wellKnownName,
		});
		mailbox.wellKnown.set(spec.wellKnownName, folder.id);
	}
	state.mailboxes.set(userId, mailbox);
	return mailbox;
}

export function addFolder(
	state: MailState,
	mailbox: Mailbox,
	displayName: string,
	parentFolderId: string,
	opts: { isHidden?: boolean; inMailboxView?: boolean; wellKnownName?: string } = {},
): StoredFolder {
	const folder: StoredFolder = {
		id: newId(state, 'folder'),
		displayName,
		parentFolderId,
		wellKnownName: opts.wellKnownName,
		isHidden: opts.isHidden ?? false,
		inMailboxView: opts.inMailboxView ?? true,
		messageIds: new Set(),
	};
	mailbox.folders.set(folder.id, folder);
	return folder;
}

/** A folder id or a well-known name (case-insensitive, locale-independent). */
export function resolveFolder(mailbox: Mailbox, ref: string): StoredFolder | undefined {
	const direct = mailbox.folders.get(ref);
	if (direct) return direct;
	const lower = ref.toLowerCase();
	if (lower === ROOT_KEY) return undefined; // the hidden root is not addressable by name
	const id = mailbox.wellKnown.get(lower);
	return id ? mailbox.folders.get(id) : undefined;
}

export function wellKnownFolder(mailbox: Mailbox, name: string): StoredFolder {
	return mailbox.folders.get(mailbox.wellKnown.get(name) as string) as StoredFolder;
}

export function childFolders(mailbox: Mailbox, parentId: string): StoredFolder[] {
	const children: StoredFolder[] = [];
	for (const folder of mailbox.folders.values())
		if (folder.parentFolderId === parentId) children.push(folder);
	return children;
}

export type MessageFields = Partial<
	Omit<StoredMessage, 'id' | 'immutableId' | 'ordinal' | 'folderId' | 'createdSeq' | 'changedSeq'>
>;

/** Builds a message with Graph's defaults (times in whole seconds). */
export function buildMessage(
	state: MailState,
	now: number,
	fields: MessageFields,
): Omit<StoredMessage, 'folderId' | 'createdSeq' | 'changedSeq'> {
	const t = wholeSeconds(now);
	return {
		id: newId(state, 'message'),
		immutableId: newId(state, 'immutable'),
		ordinal: nextOrdinal(state),
		createdAt: fields.createdAt ?? t,
		lastModifiedAt: fields.lastModifiedAt ?? t,
		receivedAt: fields.receivedAt ?? t,
		sentAt: fields.sentAt ?? fields.receivedAt ?? t,
		changeKey: newId(state, 'changeKey'),
		subject: fields.subject ?? '',
		body: fields.body ?? { contentType: 'html', content: '' },
		importance: fields.importance ?? 'normal',
		categories: fields.categories ?? [],
		from: fields.from,
		sender: fields.sender ?? fields.from,
		to: fields.to ?? [],
		cc: fields.cc ?? [],
		bcc: fields.bcc ?? [],
		replyTo: fields.replyTo ?? [],
		isRead: fields.isRead ?? false,
		isDraft: fields.isDraft ?? false,
		isDeliveryReceiptRequested: fields.isDeliveryReceiptRequested ?? false,
		isReadReceiptRequested: fields.isReadReceiptRequested ?? false,
		internetMessageId: fields.internetMessageId ?? newInternetMessageId(state),
		conversationId: fields.conversationId ?? newId(state, 'conversation'),
		inferenceClassification: fields.inferenceClassification ?? 'focused',
		flag: fields.flag ?? { flagStatus: 'notFlagged' },
		headers: fields.headers ?? [],
		extendedProperties: fields.extendedProperties ?? [],
		attachments: fields.attachments ?? [],
	};
}

/** Puts a message into a folder and stamps it as a new change of the mailbox. */
export function insertMessage(
	mailbox: Mailbox,
	folder: StoredFolder,
	message: Omit<StoredMessage, 'folderId' | 'createdSeq' | 'changedSeq'>,
): StoredMessage {
	mailbox.seq += 1;
	const stored: StoredMessage = {
		...message,
		folderId: folder.id,
		createdSeq: mailbox.seq,
		changedSeq: mailbox.seq,
	};
	mailbox.messages.set(stored.id, stored);
	mailbox.byImmutableId.set(stored.immutableId, stored.id);
	folder.messageIds.add(stored.id);
	return stored;
}

/** Records a modification: new change key, new sequence (delta "updated"). */
export function touchMessage(
	state: MailState,
	mailbox: Mailbox,
	message: StoredMessage,
	now: number,
): void {
	mailbox.seq += 1;
	message.changedSeq = mailbox.seq;
	message.lastModifiedAt = wholeSeconds(now);
	message.changeKey = newId(state, 'changeKey');
	message.previewCache = undefined;
}

/** Takes a message out of its folder and logs it for delta `@removed`. */
export function removeMessage(mailbox: Mailbox, message: StoredMessage): void {
	mailbox.seq += 1;
	mailbox.removals.push({
		seq: mailbox.seq,
		folderId: message.folderId,
		messageId: message.id,
		immutableId: message.immutableId,
	});
	mailbox.folders.get(message.folderId)?.messageIds.delete(message.id);
	mailbox.messages.delete(message.id);
	mailbox.byImmutableId.delete(message.immutableId);
}

/** Exchange gives a moved item a new id: remove + insert as a new item of the destination. */
export function moveMessage(
	state: MailState,
	mailbox: Mailbox,
	message: StoredMessage,
	destination: StoredFolder,
	now: number,
): StoredMessage {
	removeMessage(mailbox, message);
	// insertMessage overwrites folder and sequences of the spread copy
	const moved = insertMessage(mailbox, destination, {
		...message,
		id: newId(state, 'message'),
		ordinal: nextOrdinal(state),
		changeKey: newId(state, 'changeKey'),
		lastModifiedAt: wholeSeconds(now),
	});
	return moved;
}

/**
 * By REST id or immutable id (Graph accepts both in paths). A soft-deleted message is found only by
 * its REST id (which no client has any more): deleted means gone.
 */
export function findMessage(mailbox: Mailbox, id: string): StoredMessage | undefined {
	const direct = mailbox.messages.get(id);
	if (direct) return direct;
	const current = mailbox.byImmutableId.get(id);
	const message = current ? mailbox.messages.get(current) : undefined;
	if (
		!message ||
		mailbox.folders.get(message.folderId)?.wellKnownName === 'recoverableitemsdeletions'
	)
		return undefined;
	return message;
}

export function messagesOfFolder(mailbox: Mailbox, folder: StoredFolder): StoredMessage[] {
	const result: StoredMessage[] = [];
	for (const id of folder.messageIds) {
		const message = mailbox.messages.get(id);
		if (message) result.push(message);
	}
	return result;
}

export function messagesOfMailbox(mailbox: Mailbox): StoredMessage[] {
	const result: StoredMessage[] = [];
	for (const message of mailbox.messages.values()) {
		if (mailbox.folders.get(message.folderId)?.inMailboxView) result.push(message);
	}
	return result;
}

export function messageSize(
	message: Pick<StoredMessage, 'body' | 'subject' | 'attachments'>,
): number {
	let size = Buffer.byteLength(message.body.content) + Buffer.byteLength(message.subject);
	for (const attachment of message.attachments) size += attachment.size;
	return size;
}

/** Graph: hasAttachments is false when a message holds only inline attachments. */
export function hasVisibleAttachments(message: StoredMessage): boolean {
	return message.attachments.some((a) => !a.isInline);
}

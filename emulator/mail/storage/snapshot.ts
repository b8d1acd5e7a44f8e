/** Read-only views for assertions and the web view (contract's MailboxSnapshot). */
import type { MailboxSnapshot } from '../../contract';
import { messagesOfFolder } from './store';
import { toGraphDate } from '../time';
import { publicUser } from './users';
import type { DirectoryUser, Mailbox } from '../types';

export function snapshotMailbox(user: DirectoryUser, mailbox: Mailbox): MailboxSnapshot {
	const folders: MailboxSnapshot['folders'] = [];
	for (const folder of mailbox.folders.values()) {
		if (folder.parentFolderId === '') continue; // the hidden root
		const messages = messagesOfFolder(mailbox, folder).sort(
			(a, b) => b.receivedAt - a.receivedAt || b.ordinal - a.ordinal,
		);
		folders.push({
			id: folder.id,
			displayName: folder.displayName,
			wellKnownName: folder.wellKnownName,
			parentFolderId: folder.parentFolderId,
			messages: messages.map((m) => ({
				id: m.id,
				subject: m.subject,
				from: m.from?.address,
				to: m.to.map((a) => a.address),
				cc: m.cc.map((a) => a.address),
				bcc: m.bcc.map((a) => a.address),
				receivedDateTime: toGraphDate(m.receivedAt),
				isRead: m.isRead,
				isDraft: m.isDraft,
				internetMessageId: m.internetMessageId,
				internetMessageHeaders: m.headers.map((h) => ({ ...h })),
				body: { ...m.body },
				attachments: m.attachments.map((a) => ({
					id: a.id,
					name: a.name,
					size: a.size,
					contentType: a.contentType ?? 'application/octet-stream',
					isInline: a.isInline,
					contentId: a.contentId ?? undefined,
				})),
			})),
		});
	}
	return { user: publicUser(user), folders };
}

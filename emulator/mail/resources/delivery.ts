/**
 * Delivery of a sent message: a copy into the Inbox of every local recipient (bcc hidden), and counting
 * of deliveries -- including to external addresses -- with duplicate detection. A duplicate is a mail
 * whose (sending mailbox, sorted recipient set, subject, body content) was already delivered to that
 * recipient: exactly what a retried or re-run send produces.
 */
import { createHash } from 'node:crypto';
import { copyAttachment } from '../input/attachment-input';
import { buildMessage, insertMessage, wellKnownFolder } from '../storage/store';
import { findUserByAddress } from '../storage/users';
import type { MailState, StoredMessage } from '../types';

function fingerprint(senderMailboxId: string, message: StoredMessage): string {
	const recipients = [
		...new Set([...message.to, ...message.cc, ...message.bcc].map((a) => a.address.toLowerCase())),
	].sort();
	return createHash('sha256')
		.update(
			`${senderMailboxId}\n${recipients.join(',')}\n${message.subject}\n${message.body.content}`,
		)
		.digest('base64');
}

/** Delivers `sent` to its recipients; returns the local copies created. */
export function deliverToRecipients(
	state: MailState,
	senderMailboxId: string,
	sent: StoredMessage,
	now: number,
): StoredMessage[] {
	const print = fingerprint(senderMailboxId, sent);
	const seen = new Set<string>();
	const copies: StoredMessage[] = [];
	for (const recipient of [...sent.to, ...sent.cc, ...sent.bcc]) {
		const user = findUserByAddress(state, recipient.address);
		const key = user ? `user:${user.id}` : `smtp:${recipient.address.toLowerCase()}`;
		if (seen.has(key)) continue; // one copy per mailbox even if listed twice
		seen.add(key);
		countDelivery(state, key, print);
		if (!user) continue;
		const mailbox = state.mailboxes.get(user.id);
		if (!mailbox) continue;
		const copy = buildMessage(state, now, {
			subject: sent.subject,
			body: sent.body,
			importance: sent.importance,
			categories: [],
			from: sent.from,
			sender: sent.sender,
			to: sent.to,
			cc: sent.cc,
			bcc: [],
			replyTo: sent.replyTo,
			isRead: false,
			isDraft: false,
			isDeliveryReceiptRequested: sent.isDeliveryReceiptRequested,
			isReadReceiptRequested: sent.isReadReceiptRequested,
			internetMessageId: sent.internetMessageId,
			conversationId: sent.conversationId,
			headers: sent.headers.map((h) => ({ ...h })),
			attachments: sent.attachments.map((a) => copyAttachment(state, a)),
		});
		copies.push(insertMessage(mailbox, wellKnownFolder(mailbox, 'inbox'), copy));
	}
	return copies;
}

function countDelivery(state: MailState, recipientKey: string, print: string): void {
	state.counters.delivered += 1;
	let prints = state.deliveredFingerprints.get(recipientKey);
	if (!prints) {
		prints = new Set();
		state.deliveredFingerprints.set(recipientKey, prints);
	}
	if (prints.has(print)) state.counters.duplicatesDelivered += 1;
	else prints.add(print);
}

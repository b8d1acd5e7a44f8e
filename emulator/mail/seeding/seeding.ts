/** Putting messages straight into mailboxes: `deliver()` ("a mail arrives") and fast bulk `seedMessages()`. */
import type { SeedMessage } from '../../contract';
import { guessContentType } from '../content/content-type';
import { newId } from '../storage/ids';
import { buildMessage, createMailbox, insertMessage, resolveFolder } from '../storage/store';
import { parseIsoDate, wholeSeconds } from '../time';
import { findUserByAddress, findUserByKey } from '../storage/users';
import type { Address, Mailbox, MailState, StoredAttachment, StoredFolder } from '../types';

const DEFAULT_SENDER: Address = { name: 'Microsoft Outlook', address: 'no-reply@emulator.local' };

export function mailboxOf(state: MailState, userIdOrUpn: string): Mailbox {
	const user = findUserByKey(state, userIdOrUpn);
	if (!user) throw new Error(`unknown user: ${userIdOrUpn}`);
	return state.mailboxes.get(user.id) ?? createMailbox(state, user.id);
}

export function folderOf(mailbox: Mailbox, folderIdOrWellKnown: string): StoredFolder {
	const folder = resolveFolder(mailbox, folderIdOrWellKnown);
	if (!folder) throw new Error(`unknown folder: ${folderIdOrWellKnown}`);
	return folder;
}

function named(state: MailState, a: { name?: string; address: string }): Address {
	return { name: a.name ?? findUserByAddress(state, a.address)?.displayName, address: a.address };
}

function dateOrUndefined(text: string | undefined): number | undefined {
	if (text === undefined) return undefined;
	const ms = parseIsoDate(text);
	if (ms === undefined) throw new Error(`invalid date-time: ${text}`);
	return wholeSeconds(ms);
}

function seedAttachments(state: MailState, seed: SeedMessage, now: number): StoredAttachment[] {
	return (seed.attachments ?? []).map((a) => ({
		id: newId(state, 'attachment'),
		kind: a.kind ?? ('file' as const),
		name: a.name,
		contentType: a.contentType ?? guessContentType(a.name, a.bytes),
		size: a.bytes.length,
		isInline: a.isInline ?? false,
		contentId: a.contentId ?? null,
		contentLocation: null,
		lastModifiedAt: wholeSeconds(now),
		bytes: a.bytes,
	}));
}

export function deliverSeed(
	state: MailState,
	now: number,
	userId: string,
	folderRef: string,
	seed: SeedMessage,
): string {
	const mailbox = mailboxOf(state, userId);
	const folder = folderOf(mailbox, folderRef);
	const receivedAt = dateOrUndefined(seed.receivedDateTime) ?? wholeSeconds(now);
	const from = seed.from ? named(state, seed.from) : DEFAULT_SENDER;
	const message = buildMessage(state, now, {
		subject: seed.subject ?? '',
		body: seed.body ?? { contentType: 'text', content: '' },
		from,
		sender: from,
		to: (seed.toRecipients ?? [{ address: state.users.get(mailbox.userId)?.mail ?? '' }]).map((a) =>
			named(state, a),
		),
		cc: (seed.ccRecipients ?? []).map((a) => named(state, a)),
		receivedAt,
		sentAt: dateOrUndefined(seed.sentDateTime) ?? receivedAt,
		createdAt: wholeSeconds(now),
		isRead: seed.isRead ?? false,
		importance: seed.importance ?? 'normal',
		categories: [...(seed.categories ?? [])],
		headers: (seed.internetMessageHeaders ?? []).map((h) => ({ ...h })),
		attachments: seedAttachments(state, seed, now),
	});
	return insertMessage(mailbox, folder, message).id;
}

/**
 * Generates `count` messages one minute apart, the newest at the template's receivedDateTime (or now);
 * created oldest first, ids returned in creation order. Cheap enough for 10,000 in well under a second.
 */
export function seedMany(
	state: MailState,
	now: number,
	userId: string,
	folderRef: string,
	count: number,
	template: SeedMessage = {},
): string[] {
	const mailbox = mailboxOf(state, userId);
	const folder = folderOf(mailbox, folderRef);
	const newest = dateOrUndefined(template.receivedDateTime) ?? wholeSeconds(now);
	const from = template.from ? named(state, template.from) : DEFAULT_SENDER;
	const to = (
		template.toRecipients ?? [{ address: state.users.get(mailbox.userId)?.mail ?? '' }]
	).map((a) => named(state, a));
	const cc = (template.ccRecipients ?? []).map((a) => named(state, a));
	const subject = template.subject ?? 'Seeded message';
	const body = template.body ?? { contentType: 'text' as const, content: 'Seeded message body.' };
	const ids: string[] = [];
	for (let i = count - 1; i >= 0; i--) {
		const receivedAt = newest - i * 60_000;
		const message = buildMessage(state, now, {
			subject: `${subject} ${count - i}`,
			body,
			from,
			sender: from,
			to,
			cc,
			receivedAt,
			sentAt: receivedAt,
			createdAt: wholeSeconds(now),
			isRead: template.isRead ?? false,
			importance: template.importance ?? 'normal',
			categories: [...(template.categories ?? [])],
			headers: (template.internetMessageHeaders ?? []).map((h) => ({ ...h })),
			attachments: seedAttachments(state, template, now),
		});
		ids.push(insertMessage(mailbox, folder, message).id);
	}
	return ids;
}

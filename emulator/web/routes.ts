import type { ServerResponse } from 'node:http';

import type { MailService } from '../contract';
import { sendHtml } from '../http/respond';
import { findMessage, mailboxPage, messagePage, notFoundPage, usersPage } from './pages';

export function isWebPath(pathname: string): boolean {
	return pathname === '/' || pathname.startsWith('/web/');
}

function safeDecode(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}

/** Content types that a browser could run as a page are served as plain bytes. */
function downloadType(contentType: string): string {
	return /html|xml|javascript|svg/i.test(contentType) || !contentType
		? 'application/octet-stream'
		: contentType;
}

/** The read-only web view: users -> folders -> messages, and attachment downloads. */
export function handleWebRequest(
	mail: MailService,
	res: ServerResponse,
	pathname: string,
	query: URLSearchParams,
	links: { graph: string; upload: string },
): void {
	if (pathname === '/') return sendHtml(res, 200, usersPage(mail.listUsers(), links));
	const parts = pathname.split('/').filter(Boolean).map(safeDecode);
	if (parts[1] === 'users' && parts[2]) {
		const user = mail.findUser(parts[2]);
		if (!user) return sendHtml(res, 404, notFoundPage(`No user ${parts[2]}.`));
		const snapshot = mail.mailbox(user.id);
		if (parts.length === 3)
			return sendHtml(res, 200, mailboxPage(snapshot, query.get('folder') ?? undefined));
		if (parts[3] === 'messages' && parts[4] && parts.length === 5) {
			const found = findMessage(snapshot, parts[4]);
			if (!found) return sendHtml(res, 404, notFoundPage(`No message ${parts[4]}.`));
			return sendHtml(res, 200, messagePage(snapshot, found.folder, found.message));
		}
	}
	const [, section, userKey, messageId, attachmentId, ...extra] = parts;
	if (
		section === 'attachments' &&
		userKey !== undefined &&
		messageId !== undefined &&
		attachmentId !== undefined &&
		extra.length === 0
	) {
		const user = mail.findUser(userKey);
		const found = user ? findMessage(mail.mailbox(user.id), messageId) : undefined;
		const meta = found?.message.attachments.find((attachment) => attachment.id === attachmentId);
		const bytes = user && meta ? mail.attachmentBytes(user.id, messageId, attachmentId) : undefined;
		if (!meta || !bytes) return sendHtml(res, 404, notFoundPage('No such attachment.'));
		res.writeHead(200, {
			'Content-Type': downloadType(meta.contentType),
			'Content-Length': String(bytes.length),
			'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(meta.name)}`,
			'X-Content-Type-Options': 'nosniff',
		});
		res.end(bytes);
		return;
	}
	return sendHtml(res, 404, notFoundPage(pathname));
}

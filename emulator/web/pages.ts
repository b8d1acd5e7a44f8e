import type { EmulatorUser, MailboxSnapshot } from '../contract';
import { escapeHtml, htmlDocument } from '../util/html';

type SnapshotFolder = MailboxSnapshot['folders'][number];
type SnapshotMessage = SnapshotFolder['messages'][number];

const seg = (value: string) => encodeURIComponent(value);

export function usersPage(users: EmulatorUser[], links: { graph: string; upload: string }): string {
	const rows = users
		.map(
			(user) =>
				`<tr><td><a href="/web/users/${seg(user.id)}">${escapeHtml(user.displayName)}</a></td><td>${escapeHtml(user.userPrincipalName)}</td><td class="muted">${escapeHtml(user.id)}</td></tr>`,
		)
		.join('\n');
	return htmlDocument(
		'Microsoft 365 emulator',
		`<h1>Microsoft 365 emulator</h1>
<p class="muted">Graph: ${escapeHtml(links.graph)}/v1.0 &middot; uploads: ${escapeHtml(links.upload)}</p>
<h2>Mailboxes</h2>
<table id="users"><tr><th>Name</th><th>User principal name</th><th>Id</th></tr>
${rows || '<tr><td colspan="3">No users.</td></tr>'}
</table>`,
	);
}

function folderLabel(folder: SnapshotFolder): string {
	return folder.wellKnownName
		? `${folder.displayName} (${folder.wellKnownName})`
		: folder.displayName;
}

export function mailboxPage(
	snapshot: MailboxSnapshot,
	selectedFolderId: string | undefined,
): string {
	const user = snapshot.user;
	const selected =
		snapshot.folders.find((folder) => folder.id === selectedFolderId) ??
		snapshot.folders.find((folder) => folder.wellKnownName?.toLowerCase() === 'inbox') ??
		snapshot.folders[0];
	const folders = snapshot.folders
		.map((folder) => {
			const label = `${escapeHtml(folderLabel(folder))} <span class="muted">${folder.messages.length}</span>`;
			const link = `<a href="/web/users/${seg(user.id)}?folder=${seg(folder.id)}">${label}</a>`;
			return `<li>${folder === selected ? `<strong>${link}</strong>` : link}</li>`;
		})
		.join('\n');
	const messages = [...(selected?.messages ?? [])]
		.sort((a, b) => b.receivedDateTime.localeCompare(a.receivedDateTime))
		.map(
			(message) =>
				`<tr><td><a href="/web/users/${seg(user.id)}/messages/${seg(message.id)}">${escapeHtml(message.subject || '(no subject)')}</a>${message.isDraft ? ' <span class="muted">[draft]</span>' : ''}</td><td>${escapeHtml(message.from ?? '')}</td><td>${escapeHtml(message.to.join(', '))}</td><td>${escapeHtml(message.receivedDateTime)}</td><td>${message.attachments.length || ''}</td></tr>`,
		)
		.join('\n');
	return htmlDocument(
		`${user.displayName} - mailbox`,
		`<p><a href="/">&larr; all mailboxes</a></p>
<h1>${escapeHtml(user.displayName)} <span class="muted">${escapeHtml(user.userPrincipalName)}</span></h1>
<h2>Folders</h2>
<ul id="folders">
${folders}
</ul>
<h2>${escapeHtml(selected ? folderLabel(selected) : 'No folder')}</h2>
<table id="messages"><tr><th>Subject</th><th>From</th><th>To</th><th>Received</th><th>Attachments</th></tr>
${messages || '<tr><td colspan="5">No messages.</td></tr>'}
</table>`,
	);
}

export function findMessage(
	snapshot: MailboxSnapshot,
	messageId: string,
): { folder: SnapshotFolder; message: SnapshotMessage } | undefined {
	for (const folder of snapshot.folders) {
		const message = folder.messages.find((candidate) => candidate.id === messageId);
		if (message) return { folder, message };
	}
	return undefined;
}

/** A first <base target="_blank"> in the head (the first <base> is the one browsers use). */
function withLinksInNewTab(html: string): string {
	const base = '<base target="_blank">';
	const head = /<head(\s[^>]*)?>/i.exec(html);
	return head ? html.replace(head[0], `${head[0]}${base}`) : `${base}${html}`;
}

export function messagePage(
	snapshot: MailboxSnapshot,
	folder: SnapshotFolder,
	message: SnapshotMessage,
): string {
	const user = snapshot.user;
	// HTML bodies are shown in a sandboxed frame: no scripts, no same origin; links open in a new
	// tab as in Outlook on the web.
	const body =
		message.body.contentType.toLowerCase() === 'html'
			? `<iframe sandbox="allow-popups allow-popups-to-escape-sandbox" id="body" srcdoc="${escapeHtml(withLinksInNewTab(message.body.content))}"></iframe>`
			: `<pre id="body">${escapeHtml(message.body.content)}</pre>`;
	const attachments = message.attachments
		.map(
			(attachment) =>
				`<li><a href="/web/attachments/${seg(user.id)}/${seg(message.id)}/${seg(attachment.id)}">${escapeHtml(attachment.name)}</a> <span class="muted">${escapeHtml(attachment.contentType)}, ${attachment.size} bytes${attachment.isInline ? ', inline' : ''}</span></li>`,
		)
		.join('\n');
	const row = (label: string, value: string) =>
		`<tr><th>${label}</th><td>${escapeHtml(value)}</td></tr>`;
	return htmlDocument(
		message.subject || '(no subject)',
		`<p><a href="/web/users/${seg(user.id)}?folder=${seg(folder.id)}">&larr; ${escapeHtml(folderLabel(folder))}</a></p>
<h1 id="subject">${escapeHtml(message.subject || '(no subject)')}</h1>
<table>
${row('From', message.from ?? '')}
${row('To', message.to.join(', '))}
${message.cc.length ? row('Cc', message.cc.join(', ')) : ''}
${message.bcc.length ? row('Bcc', message.bcc.join(', ')) : ''}
${row('Date', message.receivedDateTime)}
${row('Message-ID', message.internetMessageId)}
</table>
${body}
${attachments ? `<h2>Attachments</h2><ul id="attachments">${attachments}</ul>` : ''}`,
	);
}

export function notFoundPage(what: string): string {
	return htmlDocument(
		'Not found',
		`<p><a href="/">&larr; all mailboxes</a></p><h1>Not found</h1><p>${escapeHtml(what)}</p>`,
	);
}

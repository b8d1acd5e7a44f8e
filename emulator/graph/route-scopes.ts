import type { RouteName } from '../contract';

/** Mail.ReadBasic reads messages without body or attachments (the mail service trims what it returns). */
const READ_BASIC = [
	'Mail.ReadBasic',
	'Mail.Read',
	'Mail.ReadWrite',
	'Mail.Read.Shared',
	'Mail.ReadWrite.Shared',
];
const READ = ['Mail.Read', 'Mail.ReadWrite', 'Mail.Read.Shared', 'Mail.ReadWrite.Shared'];
const WRITE = ['Mail.ReadWrite', 'Mail.ReadWrite.Shared'];
const SEND = ['Mail.Send', 'Mail.Send.Shared'];
const PROFILE = ['User.Read', 'User.ReadBasic.All', 'User.Read.All'];

/**
 * Delegated scopes that let a caller use a route in its own mailbox (any one suffices). The
 * `.Shared` variants include the caller's own mailbox, as in Microsoft's permission reference;
 * whether another user's mailbox may be used (grant + `.Shared` scope) is the mail service's call.
 * Routes absent here need no scope (upload URLs are pre-authenticated; `$batch` checks per request).
 */
const ROUTE_SCOPES: Partial<Record<RouteName, string[]>> = {
	me: PROFILE,
	user: PROFILE,
	sendMail: SEND,
	sendDraft: SEND,
	listMessages: READ_BASIC,
	getMessage: READ_BASIC,
	messageValue: READ,
	listAttachments: READ,
	getAttachment: READ,
	attachmentValue: READ,
	listFolders: READ_BASIC,
	getFolder: READ_BASIC,
	delta: READ_BASIC,
	// Graph needs Mail.ReadBasic or Mail.Read for a subscription to messages (checked per resource too)
	subscriptions: READ_BASIC,
	createMessage: WRITE,
	updateMessage: WRITE,
	deleteMessage: WRITE,
	moveMessage: WRITE,
	addAttachment: WRITE,
	createUploadSession: WRITE,
	createFolder: WRITE,
	replyMessage: SEND,
	forwardMessage: SEND,
	createReplyDraft: WRITE,
	copyMessage: WRITE,
	permanentDeleteMessage: WRITE,
	updateFolder: WRITE,
	moveFolder: WRITE,
	deleteFolder: WRITE,
	// outlook/masterCategories: MailboxSettings.Read / ReadWrite (checked per method by the mail service)
	masterCategories: ['MailboxSettings.Read', 'MailboxSettings.ReadWrite'],
};

export function routeAllows(route: RouteName, scopes: readonly string[]): boolean {
	const wanted = ROUTE_SCOPES[route];
	return !wanted || wanted.some((scope) => scopes.includes(scope));
}

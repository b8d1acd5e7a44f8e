/** Wire JSON for users, messages, folders and attachments, in the key order of the documented responses. */
import { bodyInFormat, previewOf } from '../content/body-format';
import { childFolders, hasVisibleAttachments, messagesOfFolder } from '../storage/store';
import { toGraphDate } from '../time';
import type {
	Address,
	DirectoryUser,
	ExtendedProperty,
	Mailbox,
	StoredAttachment,
	StoredFolder,
	StoredMessage,
} from '../types';

export const MESSAGE_TYPE = 'microsoft.graph.message';

/** Canonical order = order of "Get message - Example 1"; the last two only appear with $select. */
export const MESSAGE_PROPERTIES = [
	'id',
	'createdDateTime',
	'lastModifiedDateTime',
	'changeKey',
	'categories',
	'receivedDateTime',
	'sentDateTime',
	'hasAttachments',
	'internetMessageId',
	'subject',
	'bodyPreview',
	'importance',
	'parentFolderId',
	'conversationId',
	'isDeliveryReceiptRequested',
	'isReadReceiptRequested',
	'isRead',
	'isDraft',
	'webLink',
	'inferenceClassification',
	'body',
	'uniqueBody',
	'sender',
	'from',
	'toRecipients',
	'ccRecipients',
	'bccRecipients',
	'replyTo',
	'flag',
	'internetMessageHeaders',
] as const;

const SELECT_ONLY = new Set(['uniqueBody', 'internetMessageHeaders']);

export function recipient(address: Address): { emailAddress: { name: string; address: string } } {
	return { emailAddress: { name: address.name ?? address.address, address: address.address } };
}

export function webLinkOf(id: string): string {
	return `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(id)}&exvsurl=1&viewmodel=ReadMessageItem`;
}

export function etagOf(changeKey: string): string {
	return `W/"${changeKey}"`;
}

export function previewCached(message: StoredMessage): string {
	if (message.previewCache === undefined) message.previewCache = previewOf(message.body);
	return message.previewCache;
}

export interface MessageView {
	select?: string[];
	bodyFormat: 'text' | 'html';
	expandAttachments?: boolean;
	/** `$expand=singleValueExtendedProperties($filter=...)`: which ones to show. */
	expandExtendedProperties?: (property: ExtendedProperty) => boolean;
	/** `Prefer: IdType="ImmutableId"`: answer immutable message ids. */
	immutableIds?: boolean;
	/** Caller has only Mail.ReadBasic: no body, uniqueBody, bodyPreview or attachments. */
	basicOnly?: boolean;
}

const NOT_BASIC = new Set(['body', 'uniqueBody', 'bodyPreview']);

function messageProperty(message: StoredMessage, name: string, view: MessageView): unknown {
	switch (name) {
		case 'id':
			return view.immutableIds ? message.immutableId : message.id;
		case 'createdDateTime':
			return toGraphDate(message.createdAt);
		case 'lastModifiedDateTime':
			return toGraphDate(message.lastModifiedAt);
		case 'changeKey':
			return message.changeKey;
		case 'categories':
			return [...message.categories];
		case 'receivedDateTime':
			return toGraphDate(message.receivedAt);
		case 'sentDateTime':
			return toGraphDate(message.sentAt);
		case 'hasAttachments':
			return hasVisibleAttachments(message);
		case 'internetMessageId':
			return message.internetMessageId;
		case 'subject':
			return message.subject;
		case 'bodyPreview':
			return previewCached(message);
		case 'importance':
			return message.importance;
		case 'parentFolderId':
			return message.folderId;
		case 'conversationId':
			return message.conversationId;
		case 'isDeliveryReceiptRequested':
			return message.isDeliveryReceiptRequested;
		case 'isReadReceiptRequested':
			return message.isReadReceiptRequested;
		case 'isRead':
			return message.isRead;
		case 'isDraft':
			return message.isDraft;
		case 'webLink':
			return webLinkOf(view.immutableIds ? message.immutableId : message.id);
		case 'inferenceClassification':
			return message.inferenceClassification;
		case 'body':
		case 'uniqueBody':
			return { ...bodyInFormat(message.body, view.bodyFormat) };
		case 'sender':
			return message.sender ? recipient(message.sender) : null;
		case 'from':
			return message.from ? recipient(message.from) : null;
		case 'toRecipients':
			return message.to.map(recipient);
		case 'ccRecipients':
			return message.cc.map(recipient);
		case 'bccRecipients':
			return message.bcc.map(recipient);
		case 'replyTo':
			return message.replyTo.map(recipient);
		case 'flag':
			return { ...message.flag };
		case 'internetMessageHeaders':
			return message.headers.map((h) => ({ name: h.name, value: h.value }));
		default:
			return undefined;
	}
}

export function serializeMessage(
	message: StoredMessage,
	view: MessageView,
): Record<string, unknown> {
	const out: Record<string, unknown> = { '@odata.etag': etagOf(message.changeKey) };
	const selected = view.select ? new Set(['id', ...view.select]) : undefined;
	for (const name of MESSAGE_PROPERTIES) {
		if (selected ? !selected.has(name) : SELECT_ONLY.has(name)) continue;
		if (view.basicOnly && NOT_BASIC.has(name)) continue;
		// a draft without from/sender shows neither (draft vector); asked for explicitly they are null
		if (!selected && (name === 'sender' || name === 'from') && !message[name]) continue;
		out[name] = messageProperty(message, name, view);
	}
	if (view.expandAttachments && !view.basicOnly)
		out.attachments = message.attachments.map((a) => serializeAttachment(a, {}));
	if (view.expandExtendedProperties) {
		out.singleValueExtendedProperties = message.extendedProperties
			.filter(view.expandExtendedProperties)
			.map((p) => ({ ...p }));
	}
	return out;
}

export const ATTACHMENT_PROPERTIES = [
	'id',
	'lastModifiedDateTime',
	'name',
	'contentType',
	'size',
	'isInline',
	'contentId',
	'contentLocation',
	'contentBytes',
] as const;

export function attachmentODataType(attachment: StoredAttachment): string {
	if (attachment.kind === 'reference') return '#microsoft.graph.referenceAttachment';
	return attachment.kind === 'file'
		? '#microsoft.graph.fileAttachment'
		: '#microsoft.graph.itemAttachment';
}

export function serializeAttachment(
	attachment: StoredAttachment,
	opts: { select?: string[]; withMediaType?: boolean },
): Record<string, unknown> {
	const out: Record<string, unknown> = { '@odata.type': attachmentODataType(attachment) };
	if (opts.withMediaType && attachment.kind === 'file')
		out['@odata.mediaContentType'] = attachment.contentType;
	const selected = opts.select ? new Set(['id', ...opts.select]) : undefined;
	const values: Record<string, unknown> = {
		id: attachment.id,
		lastModifiedDateTime: toGraphDate(attachment.lastModifiedAt),
		name: attachment.name,
		contentType: attachment.contentType,
		size: attachment.size,
		isInline: attachment.isInline,
	};
	if (attachment.kind === 'file') {
		values.contentId = attachment.contentId;
		values.contentLocation = attachment.contentLocation;
		values.contentBytes = attachment.bytes.toString('base64');
	}
	for (const name of ATTACHMENT_PROPERTIES) {
		if (!(name in values)) continue;
		if (selected && !selected.has(name)) continue;
		out[name] = values[name];
	}
	return out;
}

export const FOLDER_PROPERTIES = [
	'id',
	'displayName',
	'parentFolderId',
	'childFolderCount',
	'unreadItemCount',
	'totalItemCount',
	'isHidden',
] as const;

export function serializeFolder(
	mailbox: Mailbox,
	folder: StoredFolder,
	select?: string[],
): Record<string, unknown> {
	const messages = messagesOfFolder(mailbox, folder);
	const values: Record<string, unknown> = {
		id: folder.id,
		displayName: folder.displayName,
		parentFolderId: folder.parentFolderId,
		childFolderCount: childFolders(mailbox, folder.id).length,
		unreadItemCount: messages.filter((m) => !m.isRead).length,
		totalItemCount: messages.length,
		isHidden: folder.isHidden,
	};
	const selected = select ? new Set(['id', ...select]) : undefined;
	const out: Record<string, unknown> = {};
	for (const name of FOLDER_PROPERTIES)
		if (!selected || selected.has(name)) out[name] = values[name];
	return out;
}

export function serializeUser(user: DirectoryUser): Record<string, unknown> {
	return {
		businessPhones: [...user.businessPhones],
		displayName: user.displayName,
		givenName: user.givenName ?? null,
		jobTitle: user.jobTitle,
		mail: user.mail,
		mobilePhone: user.mobilePhone,
		officeLocation: user.officeLocation,
		preferredLanguage: user.preferredLanguage,
		surname: user.surname ?? null,
		userPrincipalName: user.userPrincipalName,
		id: user.id,
	};
}

/** `@odata.context` values, built on the emulator's own Graph base URL. */
export const odataContext = {
	base: (graphBaseUrl: string) => `${graphBaseUrl}/v1.0/$metadata`,
	user: (graphBaseUrl: string) => `${graphBaseUrl}/v1.0/$metadata#users/$entity`,
	messages: (graphBaseUrl: string, userId: string, select?: string[]) =>
		`${graphBaseUrl}/v1.0/$metadata#users('${userId}')/messages${select ? `(${select.join(',')})` : ''}`,
	message: (graphBaseUrl: string, userId: string, select?: string[]) =>
		`${odataContext.messages(graphBaseUrl, userId, select)}/$entity`,
	folders: (graphBaseUrl: string, userId: string) =>
		`${graphBaseUrl}/v1.0/$metadata#users('${userId}')/mailFolders`,
	childFolders: (graphBaseUrl: string, userId: string, folderId: string) =>
		`${graphBaseUrl}/v1.0/$metadata#users('${userId}')/mailFolders('${encodeURIComponent(folderId)}')/childFolders`,
	folder: (graphBaseUrl: string, userId: string) =>
		`${odataContext.folders(graphBaseUrl, userId)}/$entity`,
	attachments: (graphBaseUrl: string, userId: string, messageId: string) =>
		`${graphBaseUrl}/v1.0/$metadata#users('${userId}')/messages('${encodeURIComponent(messageId)}')/attachments`,
	attachment: (graphBaseUrl: string, userId: string, messageId: string) =>
		`${odataContext.attachments(graphBaseUrl, userId, messageId)}/$entity`,
	delta: (graphBaseUrl: string) => `${graphBaseUrl}/v1.0/$metadata#Collection(message)`,
	uploadSession: (graphBaseUrl: string) =>
		`${graphBaseUrl}/v1.0/$metadata#microsoft.graph.uploadSession`,
};

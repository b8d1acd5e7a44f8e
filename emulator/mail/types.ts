/** Internal data model of the mail service. Nothing here leaves the service as-is: serialize.ts shapes the wire JSON. */
import type { EmulatorUser } from '../contract';

export interface Address {
	name?: string;
	address: string;
}

export interface ItemBody {
	contentType: 'text' | 'html';
	content: string;
}

export interface InternetHeader {
	name: string;
	value: string;
}

export interface StoredAttachment {
	id: string;
	/** `reference`: a link to a file in OneDrive / SharePoint, no content (only seeded: v1.0 cannot create one). */
	kind: 'file' | 'item' | 'reference';
	name: string;
	contentType: string | null;
	size: number;
	isInline: boolean;
	contentId: string | null;
	contentLocation: string | null;
	lastModifiedAt: number;
	/** File content; for item attachments the JSON of the item (never mutated: copies share it). */
	bytes: Buffer;
	item?: Record<string, unknown>;
}

export type Importance = 'low' | 'normal' | 'high';

/** A MAPI property set through singleValueExtendedProperties, e.g. `Boolean 0x0E01` (delete after submit). */
export interface ExtendedProperty {
	id: string;
	value: string;
}

export interface StoredMessage {
	id: string;
	/** `Prefer: IdType="ImmutableId"`: stays the same when the message moves within its mailbox. */
	immutableId: string;
	/** Creation order, unique per service: the tie-break of every sort and page cursor. */
	ordinal: number;
	folderId: string;
	/** Mailbox change sequence when the message entered its folder (delta "created"). */
	createdSeq: number;
	/** Mailbox change sequence of the last change (delta "updated"). */
	changedSeq: number;
	createdAt: number;
	lastModifiedAt: number;
	receivedAt: number;
	sentAt: number;
	changeKey: string;
	subject: string;
	body: ItemBody;
	importance: Importance;
	categories: string[];
	from?: Address;
	sender?: Address;
	to: Address[];
	cc: Address[];
	bcc: Address[];
	replyTo: Address[];
	isRead: boolean;
	isDraft: boolean;
	isDeliveryReceiptRequested: boolean;
	isReadReceiptRequested: boolean;
	internetMessageId: string;
	conversationId: string;
	inferenceClassification: 'focused' | 'other';
	flag: Record<string, unknown>;
	headers: InternetHeader[];
	extendedProperties: ExtendedProperty[];
	attachments: StoredAttachment[];
	/** Cached text preview; dropped whenever the body changes (never persisted). */
	previewCache?: string;
}

export interface StoredFolder {
	id: string;
	displayName: string;
	/** Empty for the hidden mailbox root. */
	parentFolderId: string;
	wellKnownName?: string;
	isHidden: boolean;
	/** Part of what `/messages` (the whole mailbox) lists. */
	inMailboxView: boolean;
	messageIds: Set<string>;
}

export interface Removal {
	seq: number;
	folderId: string;
	messageId: string;
	immutableId: string;
}

export interface Mailbox {
	userId: string;
	folders: Map<string, StoredFolder>;
	messages: Map<string, StoredMessage>;
	/** Monotonic change counter of this mailbox (delta watermark). */
	seq: number;
	/** Log of messages that left a folder, for delta `@removed`. */
	removals: Removal[];
	/** Lower-case well-known name -> folder id. */
	wellKnown: Map<string, string>;
	/** Immutable id -> current message id. */
	byImmutableId: Map<string, string>;
}

export interface DirectoryUser extends EmulatorUser {
	/** Extra addresses that deliver to this mailbox (e.g. the vectors' contoso.com addresses). */
	proxyAddresses: string[];
	jobTitle: string | null;
	mobilePhone: string | null;
	officeLocation: string | null;
	preferredLanguage: string | null;
	businessPhones: string[];
}

export interface MailboxRights {
	fullAccess: boolean;
	sendAs: boolean;
	sendOnBehalf: boolean;
}

export interface UploadSession {
	id: string;
	authToken: string;
	userId: string;
	/** Immutable id of the target message. */
	messageId: string;
	/** The message id as the client wrote it in the createUploadSession path. */
	messageRef: string;
	name: string;
	size: number;
	contentType: string | null;
	isInline: boolean;
	contentId: string | null;
	chunks: Buffer[];
	nextOffset: number;
	expiresAt: number;
}

export interface ServiceConfig {
	maxMessageBytes: number;
	now: () => number;
	uploadSessionLifetimeMs: number;
	enforceScopes: boolean;
	sharedMailboxUploadForbidden: boolean;
}

/** Everything the service owns; persistence.ts round-trips it. */
export interface MailState {
	users: Map<string, DirectoryUser>;
	/** mailbox user id -> delegate user id -> rights (both lower-case). */
	grants: Map<string, Map<string, MailboxRights>>;
	mailboxes: Map<string, Mailbox>;
	uploads: Map<string, UploadSession>;
	/** recipient key -> fingerprints of mails already delivered to it (duplicate detection). */
	deliveredFingerprints: Map<string, Set<string>>;
	counters: { delivered: number; duplicatesDelivered: number };
	ids: { prefix: Buffer; counter: number };
	deltaEpoch: number;
	/** Key that seals page and delta tokens so clients cannot read or forge them. */
	tokenKey: Buffer;
}

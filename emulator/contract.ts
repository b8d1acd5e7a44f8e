/**
 * The seams of the Microsoft 365 emulator. Two halves meet here:
 *  - the server (emulator/server.ts, identity/, graph/ with throttle, faults and $batch, control.ts, web/):
 *    HTTP listeners, the identity platform, bearer-token checks, throttling, fault injection,
 *    `$batch`, counters, the control API and the web view;
 *  - the mail service (emulator/mail/): users, mailboxes, folders, messages, attachments,
 *    upload sessions, queries, delta, delivery.
 * Neither half imports the other's internals; both import this file.
 */
import type { IncomingHttpHeaders } from 'node:http';

export const MiB = 1024 * 1024;

/** Limits the emulator enforces; the product keeps its own copies (it never imports the emulator). */
export const LIMITS = {
	/** Any JSON request body to Graph above this gets 413. */
	maxRequestBytes: 4 * MiB,
	/** A fileAttachment sent inline (sendMail, draft create, POST attachments) must be smaller. */
	maxInlineAttachmentBytes: 3 * MiB,
	/** createUploadSession refuses smaller files (ErrorAttachmentSizeShouldNotBeLessThanMinimumSize). */
	minUploadSessionBytes: 3_000_000,
	/** One PUT to an upload URL may carry at most this many bytes. */
	maxUploadChunkBytes: 4 * MiB,
	/** Default maximum message size (configurable per emulator). */
	maxMessageBytes: 150 * MiB,
	maxRecipients: 500,
	maxBatchRequests: 20,
	maxConcurrentPerMailbox: 4,
	requestsPerTenMinutes: 10_000,
	uploadBytesPerFiveMinutes: 150 * MiB,
	maxPageSize: 1000,
	defaultPageSize: 10,
} as const;

export interface EmulatorUser {
	id: string; // GUID
	userPrincipalName: string;
	mail: string;
	displayName: string;
	givenName?: string;
	surname?: string;
}

/** Who is calling Graph, from a valid bearer token. */
export interface Caller {
	/** Empty for an app-only caller. */
	userId: string;
	clientId: string;
	scopes: string[]; // normalised, e.g. ['openid','offline_access','User.Read','Mail.Send']; app-only: the roles
	/** App-only access (client credentials): the application access policy's mailboxes (absent = all). */
	app?: { mailboxes?: string[] };
}

export interface RawRequest {
	method: string;
	/** Path after `/v1.0`, still percent-encoded, e.g. `/users/a%40b.com/messages`. */
	path: string;
	query: URLSearchParams;
	headers: IncomingHttpHeaders;
	body: Buffer;
}

export interface HandlerResult {
	status: number;
	headers?: Record<string, string>;
	/** JSON body (serialised by the server). */
	json?: unknown;
	/** Raw body (attachments `$value`, MIME). */
	raw?: Buffer;
}

export interface UrlContext {
	/** e.g. http://127.0.0.1:4010 (Graph and login share it); nextLinks and @odata.context use it. */
	graphBaseUrl: string;
	/** Base of the separate upload listener, e.g. http://127.0.0.1:4011 (no bearer token allowed). */
	uploadBaseUrl: string;
}

/** Route names used for counters, server time and fault matching. */
export type RouteName =
	| 'subscriptions'
	| 'notification'
	| 'me'
	| 'user'
	| 'sendMail'
	| 'listMessages'
	| 'getMessage'
	| 'createMessage'
	| 'updateMessage'
	| 'deleteMessage'
	| 'moveMessage'
	| 'sendDraft'
	| 'listAttachments'
	| 'getAttachment'
	| 'attachmentValue'
	| 'addAttachment'
	| 'createUploadSession'
	| 'uploadChunk'
	| 'cancelUpload'
	| 'listFolders'
	| 'getFolder'
	| 'createFolder'
	| 'delta'
	| 'messageValue'
	| 'replyMessage'
	| 'forwardMessage'
	| 'createReplyDraft'
	| 'copyMessage'
	| 'permanentDeleteMessage'
	| 'updateFolder'
	| 'moveFolder'
	| 'deleteFolder'
	| 'masterCategories'
	| 'batch'
	| 'token' // the identity platform's token endpoint (faults only)
	| 'other';

export interface RouteInfo {
	route: RouteName;
	/** Lower-case user id of the mailbox the request targets, for throttling; undefined if none. */
	mailboxId?: string;
	/** Resolution failed: e.g. unknown user -> the handler will answer 404. */
	unresolved?: boolean;
}

/** Implemented by emulator/mail/. The server calls it after auth, throttling and fault checks. */
export interface MailService {
	classify(req: RawRequest, caller: Caller): RouteInfo;
	handleGraph(req: RawRequest, caller: Caller, urls: UrlContext): Promise<HandlerResult>;
	/** PUT / DELETE on an upload URL (path under `/upload/`), already checked for no Authorization header. */
	handleUpload(req: RawRequest, urls: UrlContext): Promise<HandlerResult>;
	/** Route info for an upload request (mailbox for the upload budget). */
	classifyUpload(req: RawRequest): RouteInfo;

	// --- directory and control ---
	listUsers(): EmulatorUser[];
	findUser(idOrUpn: string): EmulatorUser | undefined;
	addUser(
		user: Partial<EmulatorUser> & { userPrincipalName: string; displayName: string },
	): EmulatorUser;
	/** `delegateId` may act on `mailboxId`: fullAccess = read/write the mailbox through /users/{id};
	 * sendAs / sendOnBehalf = set `from` to the mailbox owner. */
	grant(
		mailboxId: string,
		delegateId: string,
		rights: { fullAccess?: boolean; sendAs?: boolean; sendOnBehalf?: boolean },
	): void;
	createFolder(userId: string, displayName: string, parentFolderId?: string): { id: string };
	/** Puts a message straight into a folder (seeding, "a mail arrives"). Returns its id. */
	deliver(userId: string, folderIdOrWellKnown: string, message: SeedMessage): string;
	/** Seeds N generated messages into a folder quickly. */
	seedMessages(
		userId: string,
		folderIdOrWellKnown: string,
		count: number,
		template?: SeedMessage,
	): string[];
	/** Snapshot of a mailbox for assertions and the web view. */
	mailbox(userId: string): MailboxSnapshot;
	/** Raw bytes of an attachment, for assertions and the web view. */
	attachmentBytes(userId: string, messageId: string, attachmentId: string): Buffer | undefined;
	deliveryCounters(): { delivered: number; duplicatesDelivered: number };
	/** Makes every delta token issued so far invalid (next use -> 410 SyncStateNotFound). */
	invalidateDeltaTokens(): void;
	/** Change-notification subscriptions alive now (ids, resources, URLs, expiry). */
	subscriptions(): Array<Record<string, unknown>>;
	/** Sends a lifecycle event to one subscription (or all); `subscriptionRemoved` deletes it. Returns how many. */
	subscriptionLifecycle(
		event: 'subscriptionRemoved' | 'missed' | 'reauthorizationRequired',
		subscriptionId?: string,
	): number;
	reset(): void;
	toJSON(): unknown;
	load(state: unknown): void;
}

export interface SeedMessage {
	subject?: string;
	body?: { contentType: 'text' | 'html'; content: string };
	from?: { name?: string; address: string };
	toRecipients?: Array<{ name?: string; address: string }>;
	ccRecipients?: Array<{ name?: string; address: string }>;
	receivedDateTime?: string;
	sentDateTime?: string;
	isRead?: boolean;
	importance?: 'low' | 'normal' | 'high';
	categories?: string[];
	internetMessageHeaders?: Array<{ name: string; value: string }>;
	attachments?: Array<{
		name: string;
		contentType?: string;
		bytes: Buffer;
		isInline?: boolean;
		contentId?: string;
		/** `reference`: a link attachment (no content; `bytes` only give its reported size). Default `file`. */
		kind?: 'file' | 'reference';
	}>;
}

export interface MailboxSnapshot {
	user: EmulatorUser;
	folders: Array<{
		id: string;
		displayName: string;
		wellKnownName?: string;
		parentFolderId?: string;
		messages: Array<{
			id: string;
			subject: string;
			from?: string;
			to: string[];
			cc: string[];
			bcc: string[];
			receivedDateTime: string;
			isRead: boolean;
			isDraft: boolean;
			internetMessageId: string;
			internetMessageHeaders: Array<{ name: string; value: string }>;
			body: { contentType: string; content: string };
			attachments: Array<{
				id: string;
				name: string;
				size: number;
				contentType: string;
				isInline: boolean;
				contentId?: string;
			}>;
		}>;
	}>;
}

/** Fault injection, matched per request in order; each fault fires `times` times (default 1). */
export interface FaultSpec {
	/** Which requests: route name(s), method, mailbox (user id or UPN), or a path regex. */
	route?: RouteName | RouteName[];
	method?: string;
	mailbox?: string;
	pathPattern?: string;
	kind:
		| '429' // 429 TooManyRequests with Retry-After
		| '503'
		| '504'
		| 'reset' // socket destroyed before the request is processed (nothing committed)
		| 'lostResponse' // request fully processed and committed, then the socket is destroyed
		| 'latency' // add delayMs before answering
		| 'redirect' // answer `status` (default 302) with `Location: location`, doing nothing
		| 'html' // answer `status` (default 500) with an HTML page, doing nothing (a gateway or proxy page)
		| 'answer' // answer `status` with the JSON `body` (default {}), doing nothing (a misbehaving host)
		// change notifications the emulator POSTs (route 'notification'; pathPattern tests the URL's path):
		| 'notificationDrop' // never sent
		| 'notificationDelay' // sent after delayMs
		| 'notificationDuplicate' // sent twice
		| 'notificationReorder'; // held back and sent after the next one (or after delayMs, default 1000)
	/** Retry-After header value as sent: seconds ('2', '0.5') or an HTTP date. */
	retryAfter?: string;
	delayMs?: number;
	/** HTTP status of a redirect, html or answer fault. */
	status?: number;
	/** Location of a redirect fault (absolute, e.g. another host). */
	location?: string;
	/** JSON body of an answer fault. */
	body?: unknown;
	times?: number;
	/** Instead of `times`: fire with this probability (0..1) on matching requests, seeded. */
	probability?: number;
	/** Applies to sub-requests inside `$batch` too (as sub-responses, or lostResponse of the whole batch). */
	inBatch?: boolean;
}

export interface EmulatorCounters {
	requests: number;
	requestsByRoute: Record<string, number>;
	throttled429: number;
	faultsServed: Record<string, number>;
	delivered: number;
	duplicatesDelivered: number;
	bytesUploaded: number;
	peakInFlightByMailbox: Record<string, number>;
	/** Requests that arrived with an Authorization header at the upload listener (always rejected). */
	uploadRequestsWithAuthorization: number;
	tokensIssued: number;
	/** Of which client-credentials (app-only) tokens. */
	appOnlyTokensIssued: number;
	refreshes: number;
}

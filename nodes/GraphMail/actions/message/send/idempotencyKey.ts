/**
 * Exactly once: an idempotency key per item, stamped on the message as its internetMessageId, so
 * that a later look into the mailbox can tell whether the mail already went out.
 *
 * The key is a digest of what makes the mail "the same mail of the same piece of work": the run
 * (the execution that first did the work and the node's run index, see runIdentity.ts), the
 * workflow, the node, the item's index, the message as it is sent (recipients, subject, body,
 * headers, options, attachments by content digest or size) and the input item's JSON. So it stays
 * the same when n8n's Retry On Fail runs the node again, when an answer is lost and the run looks
 * again, and when a failed execution is retried, while a new execution makes new keys and sends.
 * Without a run (a retried execution whose first run is unknown) the key is the content-only key of
 * earlier versions of the node.
 *
 * The internetMessageId also names the deduplication window it was sent in
 * (`<key.epoch@graph-mail.n8n>`, epoch = now / window): a mail sent again after the window gets a
 * new Message-ID, so recipients' servers (which drop repeated Message-IDs) deliver it. A lookup
 * asks for the current and the previous epoch's id, which covers every send younger than the
 * window. Pure: no I/O.
 */
import { createHash } from 'node:crypto';

import type { GraphMessage } from './payload';

export const MESSAGE_ID_DOMAIN = 'graph-mail.n8n';
/** Message ids per `$filter` (two per item: the current and the previous window). */
export const IDS_PER_LOOKUP = 14;
/** A week: a failed execution retried after a weekend still finds what it sent. */
export const DEFAULT_WINDOW_MINUTES = 10080;
export const MAX_WINDOW_MINUTES = 60 * 24 * 30;

export interface KeyAttachment {
	name: string;
	contentType: string;
	size: number;
	isInline: boolean;
	contentId?: string;
	/** sha256 of the content, when it was read; else the size stands for it. */
	digest?: string;
}

export interface KeyInput {
	/** The piece of work (execution identity and run index); undefined: content only. */
	run?: string;
	workflowId: string;
	nodeId: string;
	itemIndex: number;
	mailbox: string;
	/** The message without attachments and without an internetMessageId. */
	message: GraphMessage;
	saveToSentItems: boolean;
	attachments: KeyAttachment[];
	/** The input item's JSON. */
	itemJson: unknown;
}

/** The item's key and the message ids that stand for it. */
export interface SendKey {
	key: string;
	/** Stamped on the message now. */
	internetMessageId: string;
	/** The id a send in the previous window carries. */
	previousInternetMessageId: string;
	windowMs: number;
}

/** JSON with object keys sorted, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
	const seen = new Set<unknown>();
	const walk = (current: unknown): unknown => {
		if (current === null || typeof current !== 'object') {
			return typeof current === 'bigint' ? current.toString() : current;
		}
		if (current instanceof Date) return current.toISOString();
		if (Buffer.isBuffer(current)) return current.toString('base64');
		if (seen.has(current)) return '[circular]';
		seen.add(current);
		let out: unknown;
		if (Array.isArray(current)) {
			out = current.map((entry) => (entry === undefined ? null : walk(entry)));
		} else {
			const sorted: Record<string, unknown> = {};
			for (const name of Object.keys(current).sort()) {
				const entry = (current as Record<string, unknown>)[name];
				if (entry !== undefined && typeof entry !== 'function') sorted[name] = walk(entry);
			}
			out = sorted;
		}
		seen.delete(current);
		return out;
	};
	return JSON.stringify(walk(value)) ?? 'null';
}

export function idempotencyKey(input: KeyInput): string {
	const { message } = input;
	const bare: Record<string, unknown> = { ...message };
	delete bare.internetMessageId;
	delete bare.attachments;
	const text = canonicalJson({
		...(input.run === undefined ? { v: 1 } : { v: 2, run: input.run }),
		workflow: input.workflowId,
		node: input.nodeId,
		item: input.itemIndex,
		mailbox: input.mailbox.toLowerCase(),
		message: bare,
		saveToSentItems: input.saveToSentItems,
		attachments: input.attachments.map((attachment) => ({ ...attachment, contentId: attachment.contentId ?? null })),
		json: input.itemJson ?? null,
	});
	return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

export function windowMsOf(minutes: unknown): number {
	const value = Number(minutes);
	const clamped = Number.isFinite(value) && value > 0 ? Math.min(MAX_WINDOW_MINUTES, value) : DEFAULT_WINDOW_MINUTES;
	return Math.round(clamped * 60_000);
}

export function messageIdFor(key: string, epoch: number): string {
	return `<${key}.${epoch.toString(36)}@${MESSAGE_ID_DOMAIN}>`;
}

export function sendKeyFor(key: string, windowMs: number, nowMs: number): SendKey {
	const epoch = Math.floor(nowMs / windowMs);
	return {
		key,
		internetMessageId: messageIdFor(key, epoch),
		previousInternetMessageId: messageIdFor(key, epoch - 1),
		windowMs,
	};
}

/** `internetMessageId eq '<a>' or internetMessageId eq '<b>'` (quotes doubled, as OData wants). */
export function internetMessageIdFilter(ids: string[]): string {
	return ids.map((id) => `internetMessageId eq '${id.replace(/'/g, "''")}'`).join(' or ');
}

/** Splits ids into groups for one `$filter` each. */
export function lookupGroups(ids: string[], perGroup = IDS_PER_LOOKUP): string[][] {
	const unique = [...new Set(ids)];
	const groups: string[][] = [];
	for (let i = 0; i < unique.length; i += perGroup) groups.push(unique.slice(i, i + perGroup));
	return groups;
}

/** A message the lookup found. */
export interface FoundMessage {
	id: string;
	internetMessageId: string;
	isDraft: boolean;
	sentDateTime?: string;
	parentFolderId?: string;
}

/**
 * The earlier send of this item that counts (not a draft; in the current window, or in the
 * previous one and younger than the window), or undefined when the item is to be sent.
 */
export function earlierSend(key: SendKey, found: FoundMessage[], nowMs: number): FoundMessage | undefined {
	const sent = found.filter((message) => !message.isDraft);
	const current = sent.find((message) => message.internetMessageId === key.internetMessageId);
	if (current) return current;
	return sent.find((message) => {
		if (message.internetMessageId !== key.previousInternetMessageId) return false;
		const sentAt = message.sentDateTime ? Date.parse(message.sentDateTime) : NaN;
		return Number.isNaN(sentAt) || sentAt >= nowMs - key.windowMs;
	});
}

import {
	NodeOperationError,
	type IBinaryKeyData,
	type IDataObject,
	type IExecuteFunctions,
	type ILoadOptionsFunctions,
} from 'n8n-workflow';

import { APP_ONLY_MAILBOX_HINT, checkAppOnlyMailbox } from '../../helpers/appOnlyMailbox';
import { checkPathSegment, idSegment } from '../../helpers/pathSegment';
import { usesAppOnly } from '../../transport/appOnlyAuth';
import { SIMPLE_FIELDS, simplifyMessage, withoutAnnotations } from '../../helpers/simplify';
import { downloadBytes } from '../../transport/download';
import type { GraphClient } from '../../transport/graphClient';
import { collect } from '../../transport/paging';
import { itemMessage } from '../../helpers/itemText';

/** Shared by Get and Get Many (and the folder list search): mailboxes, output shaping, attachments. */

export interface MailboxRef {
	/** Key for the client's in-flight cap: `me` or the user as entered. */
	mailbox: string;
	/** `/me` or `/users/{encoded id or UPN}`. */
	base: string;
}

export function mailboxRef(kind: string, userId: string): MailboxRef | { problem: string } {
	if (kind !== 'user') return { mailbox: 'me', base: '/me' };
	const user = userId.trim();
	if (user === '') return { problem: 'No user is set for the mailbox' };
	const checked = checkPathSegment(user);
	if ('problem' in checked) return { problem: `User ${checked.problem}` };
	return { mailbox: user, base: `/users/${checked.segment}` };
}

export function mailboxOf(ctx: IExecuteFunctions, itemIndex: number): MailboxRef {
	if (usesAppOnly(ctx.getNode())) {
		const ref = checkAppOnlyMailbox(ctx.getNodeParameter('appOnlyMailbox', itemIndex, ''));
		if ('problem' in ref) throw new NodeOperationError(ctx.getNode(), ref.problem, { itemIndex, description: APP_ONLY_MAILBOX_HINT });
		return ref;
	}
	const kind = ctx.getNodeParameter('mailbox', itemIndex, 'me') as string;
	const userId = kind === 'user' ? String(ctx.getNodeParameter('userId', itemIndex, '') ?? '') : '';
	const ref = mailboxRef(kind, userId);
	if ('problem' in ref) {
		throw new NodeOperationError(ctx.getNode(), itemMessage(ref.problem, itemIndex), {
			itemIndex,
			description: "Enter the mailbox owner's user principal name (e.g. alex@contoso.com) or user ID",
		});
	}
	return ref;
}

/** The mailbox as currently set in the editor, for list searches. */
export function mailboxInEditor(ctx: ILoadOptionsFunctions): MailboxRef {
	if (usesAppOnly(ctx.getNode())) {
		const value = String(ctx.getCurrentNodeParameter('appOnlyMailbox') ?? '');
		const ref = value.startsWith('=') ? { problem: 'The list needs a fixed mailbox, not an expression' } : checkAppOnlyMailbox(value);
		if ('problem' in ref) throw new NodeOperationError(ctx.getNode(), ref.problem, { description: APP_ONLY_MAILBOX_HINT });
		return ref;
	}
	const kind = String(ctx.getCurrentNodeParameter('mailbox') ?? 'me');
	const userId = String(ctx.getCurrentNodeParameter('userId') ?? '');
	if (kind.startsWith('=') || (kind === 'user' && userId.startsWith('='))) {
		throw new NodeOperationError(ctx.getNode(), 'The list needs a fixed user, not an expression', {
			description: 'Enter the user as plain text to pick a folder from the list, or enter the folder ID',
		});
	}
	const ref = mailboxRef(kind, userId);
	if ('problem' in ref) {
		throw new NodeOperationError(ctx.getNode(), ref.problem, { description: 'Enter the user first' });
	}
	return ref;
}

export type OutputMode = 'simple' | 'raw' | 'fields';

export interface OutputPlan {
	mode: OutputMode;
	/** `$select`, or undefined for Raw. */
	select?: string[];
	/** Selected fields the user asked for (Selected Fields only). */
	requested?: string[];
}

/**
 * What to ask Graph for and how to shape each message. `needHasAttachments` adds hasAttachments to
 * `$select` for the attachment download (it is removed again from a Selected Fields output that did not ask for it).
 */
export function outputPlan(mode: OutputMode, fields: string[], needHasAttachments: boolean): OutputPlan {
	if (mode === 'raw') return { mode };
	if (mode === 'fields') {
		const requested = [...new Set(['id', ...fields.map((f) => f.trim()).filter(Boolean)])];
		const select = needHasAttachments && !requested.includes('hasAttachments') ? [...requested, 'hasAttachments'] : requested;
		return { mode, select, requested };
	}
	return { mode: 'simple', select: [...SIMPLE_FIELDS] };
}

export function shapeMessage(plan: OutputPlan, message: IDataObject): IDataObject {
	if (plan.mode === 'simple') return simplifyMessage(message);
	if (plan.mode === 'raw') return message;
	const clean = withoutAnnotations(message);
	const out: IDataObject = {};
	for (const name of plan.requested ?? []) if (name in clean) out[name] = clean[name];
	return out;
}

export function preferBodyFormat(format: string): Record<string, string> {
	return { Prefer: `outlook.body-content-type="${format === 'text' ? 'text' : 'html'}"` };
}

export interface AttachmentOptions {
	prefix: string;
	skipInline: boolean;
}

/** Attachments at or above this size are fetched one at a time, so only one is ever held in memory. */
export const LARGE_ATTACHMENT_BYTES = 3 * 1024 * 1024;

/** A one-slot gate: large attachment downloads queue here. */
export class Gate {
	private busy = false;
	private readonly queue: Array<() => void> = [];

	async run<T>(task: () => Promise<T>): Promise<T> {
		if (this.busy) await new Promise<void>((resolve) => this.queue.push(resolve));
		this.busy = true;
		try {
			return await task();
		} finally {
			const next = this.queue.shift();
			if (next) next();
			else this.busy = false;
		}
	}
}

interface AttachmentMeta {
	'@odata.type'?: string;
	id?: string;
	name?: string | null;
	contentType?: string | null;
	size?: number;
	isInline?: boolean;
}

/** Whether a message's attachments need listing at all. */
export function mayHaveAttachments(message: IDataObject, options: AttachmentOptions): boolean {
	// hasAttachments is false when a message carries inline attachments only
	return !options.skipInline || message.hasAttachments !== false;
}

/**
 * Downloads a message's file attachments into binary properties `<prefix><index>`: metadata first
 * (without contentBytes), then each attachment's `$value`, one after another; large ones also pass
 * the execution-wide gate. File names and MIME types are kept.
 */
export async function downloadAttachments(
	ctx: { helpers: Pick<IExecuteFunctions['helpers'], 'prepareBinaryData'> },
	client: GraphClient,
	target: { ref: MailboxRef; messageId: string; itemIndex: number },
	options: AttachmentOptions,
	largeGate: Gate,
): Promise<IBinaryKeyData | undefined> {
	const { ref, itemIndex } = target;
	const messagePath = `${ref.base}/messages/${idSegment(client.node, target.messageId, 'Message ID', itemIndex)}`;
	const attachments = await collect<AttachmentMeta>(
		client,
		{
			path: `${messagePath}/attachments`,
			qs: { $select: 'id,name,contentType,size,isInline' },
			mailbox: ref.mailbox,
			itemIndex,
		},
		{ sendTop: false },
	);
	const binary: IBinaryKeyData = {};
	let index = 0;
	for (const attachment of attachments) {
		const type = String(attachment['@odata.type'] ?? '#microsoft.graph.fileAttachment').replace(/^#?/, '#');
		if (type.toLowerCase() !== '#microsoft.graph.fileattachment' || !attachment.id) continue;
		if (options.skipInline && attachment.isInline) continue;
		const fetch = async () => {
			const { bytes, contentType } = await downloadBytes(client, {
				path: `${messagePath}/attachments/${idSegment(client.node, attachment.id as string, 'Attachment ID', itemIndex)}/$value`,
				mailbox: ref.mailbox,
				itemIndex,
			});
			const mimeType = attachment.contentType || contentType || 'application/octet-stream';
			return await ctx.helpers.prepareBinaryData(bytes, attachment.name || `attachment-${index}`, mimeType);
		};
		const large = (attachment.size ?? 0) >= LARGE_ATTACHMENT_BYTES;
		binary[`${options.prefix}${index}`] = large ? await largeGate.run(fetch) : await fetch();
		index++;
	}
	return index > 0 ? binary : undefined;
}

/** Runs `task` over `inputs` with at most `concurrency` at a time, results in input order. */
export async function mapLimited<I, O>(inputs: I[], concurrency: number, task: (input: I, index: number) => Promise<O>): Promise<O[]> {
	const results = new Array<O>(inputs.length);
	let next = 0;
	const worker = async () => {
		while (next < inputs.length) {
			const index = next++;
			results[index] = await task(inputs[index], index);
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, inputs.length) }, worker));
	return results;
}

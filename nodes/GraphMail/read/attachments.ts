import type { IBinaryKeyData, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { KeyedLimiter } from '../helpers/concurrency';
import { safeFileName } from '../helpers/fileName';
import { idSegment } from '../helpers/pathSegment';
import { downloadBytes } from '../transport/download';
import type { GraphClient } from '../transport/graphClient';
import { collect } from '../transport/paging';
import type { MailboxRef } from './mailbox';

/** A message's file attachments into binary properties (Get, Get Many, the trigger). */

export interface AttachmentOptions {
	prefix: string;
	skipInline: boolean;
}

/** Attachments at or above this size are fetched one at a time, so only one is ever held in memory. */
export const LARGE_ATTACHMENT_BYTES = 3 * 1024 * 1024;

/** A one-slot gate for the whole execution: large attachment downloads queue here (`run('large', ...)`). */
export function largeDownloadGate(): KeyedLimiter {
	return new KeyedLimiter(1);
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
	largeGate: KeyedLimiter,
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
		const type = String(attachment['@odata.type'] ?? '#microsoft.graph.fileAttachment').replace(
			/^#?/,
			'#',
		);
		if (type.toLowerCase() !== '#microsoft.graph.fileattachment' || !attachment.id) continue;
		if (options.skipInline && attachment.isInline) continue;
		const fetch = async () => {
			const { bytes, contentType } = await downloadBytes(client, {
				path: `${messagePath}/attachments/${idSegment(client.node, attachment.id as string, 'Attachment ID', itemIndex)}/$value`,
				mailbox: ref.mailbox,
				itemIndex,
			});
			const mimeType = attachment.contentType || contentType || 'application/octet-stream';
			return await ctx.helpers.prepareBinaryData(
				bytes,
				safeFileName(attachment.name, `attachment-${index}`),
				mimeType,
			);
		};
		const large = (attachment.size ?? 0) >= LARGE_ATTACHMENT_BYTES;
		binary[`${options.prefix}${index}`] = large
			? await largeGate.run('large', fetch)
			: await fetch();
		index++;
	}
	return index > 0 ? binary : undefined;
}

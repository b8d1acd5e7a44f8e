/**
 * One attachment's content into n8n binary data, streamed (any size): a file attachment's bytes,
 * an item attachment (an attached mail) as its `.eml` (Graph's `$value` is its MIME). Reference
 * attachments are links with no bytes at Graph (`$value` answers 405): an item error that says so.
 * The file name is made safe (no path, no control characters, no `..`).
 */
import {
	NodeOperationError,
	type IBinaryData,
	type IDataObject,
	type IExecuteFunctions,
} from 'n8n-workflow';

import { safeFileName } from '../../helpers/fileName';
import { itemMessage } from '../../helpers/itemText';
import { textOf } from '../../helpers/valueText';
import { downloadStream } from '../../transport/download';
import type { GraphClient } from '../../transport/graphClient';
import { kindOf } from './metadata';

/** `name.eml` for an attached mail (its subject is the name, often without an extension). */
function fileNameOf(attachment: IDataObject): string {
	const safe = safeFileName(
		attachment.name,
		kindOf(attachment) === 'item' ? 'attached-mail' : 'attachment',
	);
	return kindOf(attachment) === 'item' && !/\.eml$/i.test(safe) ? `${safe}.eml` : safe;
}

export async function downloadAttachment(
	ctx: IExecuteFunctions,
	client: GraphClient,
	target: { mailbox: string; path: string; itemIndex: number },
	attachment: IDataObject,
): Promise<IBinaryData> {
	const kind = kindOf(attachment);
	if (kind === 'reference') {
		throw new NodeOperationError(
			ctx.getNode(),
			itemMessage(
				`Attachment '${textOf(attachment.name) || textOf(attachment.id)}' is a link to a file in the cloud, not a file in the mail: there is nothing to download`,
				target.itemIndex,
			),
			{
				itemIndex: target.itemIndex,
				description:
					'Reference attachments point to OneDrive or SharePoint; Graph has no content for them ($value answers 405). Download the file from its location with the OneDrive or SharePoint node.',
			},
		);
	}
	const { stream, contentType } = await downloadStream(client, {
		path: `${target.path}/$value`,
		mailbox: target.mailbox,
		itemIndex: target.itemIndex,
	});
	const mimeType =
		kind === 'item'
			? 'message/rfc822'
			: textOf(attachment.contentType) || contentType || 'application/octet-stream';
	return await ctx.helpers.prepareBinaryData(stream, fileNameOf(attachment), mimeType);
}

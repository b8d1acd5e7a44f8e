import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { idSegment } from '../helpers/pathSegment';
import { textOf } from '../helpers/valueText';
import { mailboxInEditor } from '../read/mailbox';
import { messageIdOf } from '../read/messageLocator';
import { GraphClient } from '../transport/graphClient';
import { collect } from '../transport/paging';

/** List search of the Attachment picker: the attachments of the message chosen above it. */
export async function searchAttachments(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const ref = mailboxInEditor(this);
	const messageId = messageIdOf(this.getCurrentNodeParameter('messageId'));
	if (!messageId || messageId.startsWith('=')) return { results: [] };
	const client = await GraphClient.create(this);
	const attachments = await collect<IDataObject>(
		client,
		{
			path: `${ref.base}/messages/${idSegment(this.getNode(), messageId, 'Message ID')}/attachments`,
			qs: { $select: 'id,name,size' },
			mailbox: ref.mailbox,
		},
		{ sendTop: false, limit: 250 },
	);
	const text = (filter ?? '').trim().toLowerCase();
	const results = attachments
		.filter((attachment) => typeof attachment.id === 'string')
		.map((attachment) => ({
			name: `${textOf(attachment.name) || '(no name)'}${typeof attachment.size === 'number' ? ` (${attachment.size} bytes)` : ''}`,
			value: attachment.id as string,
		}))
		.filter((entry) => !text || entry.name.toLowerCase().includes(text));
	return { results };
}

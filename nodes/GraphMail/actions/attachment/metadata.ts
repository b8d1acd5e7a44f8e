/** An attachment's metadata as the Attachment operations return it. Pure: no I/O. */
import type { IDataObject } from 'n8n-workflow';

import { textOf } from '../../helpers/valueText';

export type AttachmentKind = 'file' | 'item' | 'reference';

/** What Get and Get Many ask for (never contentBytes: files can be large). */
export const ATTACHMENT_SELECT = 'id,name,contentType,size,isInline,contentId,lastModifiedDateTime';

export function kindOf(attachment: IDataObject): AttachmentKind {
	const type = textOf(attachment['@odata.type']).toLowerCase();
	if (type.endsWith('itemattachment')) return 'item';
	if (type.endsWith('referenceattachment')) return 'reference';
	return 'file';
}

export function attachmentOutput(attachment: IDataObject, messageId: string): IDataObject {
	const kind = kindOf(attachment);
	return {
		id: attachment.id,
		messageId,
		kind,
		name: attachment.name ?? null,
		contentType: attachment.contentType ?? null,
		size: attachment.size ?? null,
		isInline: attachment.isInline === true,
		contentId: typeof attachment.contentId === 'string' ? attachment.contentId : null,
		lastModifiedDateTime: attachment.lastModifiedDateTime ?? null,
		...(kind === 'reference' && typeof attachment.sourceUrl === 'string'
			? { sourceUrl: attachment.sourceUrl }
			: {}),
	};
}

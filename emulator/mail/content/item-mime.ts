/**
 * `GET .../attachments/{id}/$value` of an itemAttachment answers the attached item's MIME
 * (attachment-get.md, "Get the MIME raw contents of an item attachment"), not its JSON.
 */
import { buildMime } from './mime-build';
import { parseMessageInput } from '../input/message-input';
import { buildMessage } from '../storage/store';
import type { MailState, StoredAttachment } from '../types';

export function itemAttachmentMime(
	state: MailState,
	now: number,
	attachment: StoredAttachment,
): Buffer {
	const input = parseMessageInput(state, now, { ...(attachment.item ?? {}) });
	const message = buildMessage(state, now, {
		...input,
		from: input.from ?? undefined,
		sender: input.sender ?? input.from ?? undefined,
		sentAt: attachment.lastModifiedAt,
	});
	return buildMime({ ...message, folderId: '', createdSeq: 0, changedSeq: 0 });
}

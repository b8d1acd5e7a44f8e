import type { IExecuteFunctions } from 'n8n-workflow';

import { mailboxOf, type MailboxRef } from '../../../read/mailbox';
import { messageOf } from '../../../read/messageLocator';

/** One item's planned action on a message: which item, mailbox and message (as the user gave it). */
export interface MessagePlan {
	itemIndex: number;
	messageId: string;
	ref: MailboxRef;
	/** The message id as a checked URL segment. */
	segment: string;
}

/** The item's mailbox and message, read and checked (a NodeOperationError naming the field). */
export function planMessage(ctx: IExecuteFunctions, itemIndex: number): MessagePlan {
	const ref = mailboxOf(ctx, itemIndex);
	const message = messageOf(ctx, itemIndex);
	return { itemIndex, messageId: message.id, ref, segment: message.segment };
}

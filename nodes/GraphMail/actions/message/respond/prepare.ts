/**
 * Reply, Reply All, Forward, step 1: one item's fields -> a plan (or the item's problems), before
 * anything is sent. The plan is Send's (`planSend` routes the attachments: in the draft, added
 * after it, or through upload sessions from 3 MB) with the action's own request beside it:
 *  - no attachments and not Save as Draft: method `sendMail`, i.e. one request,
 *    `POST .../messages/{id}/reply|replyAll|forward`, which goes through `$batch`;
 *  - otherwise method `draft`: `createReply|createReplyAll|createForward`, attachments, then send
 *    (or keep the draft).
 * With Don't Resend on Retry the item's key goes into the reply (replyKey.ts).
 */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { resolveAttachments } from '../../../binary/binaryAttachments';
import { itemMessage } from '../../../helpers/itemText';
import type { Importance } from '../../../helpers/optionLists';
import { textOf } from '../../../helpers/valueText';
import { mailboxOf } from '../../../read/mailbox';
import { messageOf } from '../../../read/messageLocator';
import type { SendKey } from '../send/idempotencyKey';
import {
	recipients,
	type FieldProblem,
	type GraphMessage,
	type GraphRecipient,
} from '../send/payload';
import { planSend } from '../send/plan';
import { attachmentRowsOf, problemsError, sendKeyOf, type PreparedSend } from '../send/prepare';
import type { RunIdentity } from '../send/runIdentity';
import type { RespondKind } from './fields';
import { replyKeyProperty } from './replyKey';

/** The action's parameters (message-reply.md, message-forward.md, message-createreply.md). */
export interface ActionBody {
	comment?: string;
	/** Writable message properties of the reply: extra recipients, body, importance, the key. */
	message: IDataObject;
	/** Forward only. */
	toRecipients?: GraphRecipient[];
}

export interface PreparedRespond extends PreparedSend {
	kind: RespondKind;
	/** The message replied to or forwarded. */
	original: { id: string; segment: string };
	/** `/me` or `/users/{id}`. */
	base: string;
	action: ActionBody;
	saveAsDraft: boolean;
}

/** The item's plan, or a NodeOperationError naming the item and the field. */
export async function prepareRespond(
	ctx: IExecuteFunctions,
	kind: RespondKind,
	item: INodeExecutionData,
	itemIndex: number,
	run: RunIdentity,
): Promise<PreparedRespond | NodeOperationError> {
	let ref: ReturnType<typeof mailboxOf>;
	let original: { id: string; segment: string };
	let options: IDataObject;
	let delivery: IDataObject;
	let bodyMode: string;
	let text: string;
	let bodyType: string;
	let to: unknown;
	try {
		ref = mailboxOf(ctx, itemIndex);
		original = messageOf(ctx, itemIndex);
		options = ctx.getNodeParameter('options', itemIndex, {});
		delivery = ctx.getNodeParameter('delivery', itemIndex, {}) as IDataObject;
		bodyMode = ctx.getNodeParameter('bodyMode', itemIndex, 'comment') as string;
		text =
			bodyMode === 'body'
				? textOf(ctx.getNodeParameter('bodyContent', itemIndex, ''))
				: textOf(ctx.getNodeParameter('comment', itemIndex, ''));
		bodyType = ctx.getNodeParameter('bodyContentType', itemIndex, 'text') as string;
		to =
			kind === 'forward'
				? ctx.getNodeParameter('toRecipients', itemIndex, '')
				: options.toRecipients;
	} catch (error) {
		if (error instanceof NodeOperationError) {
			error.message = itemMessage(error.message, itemIndex);
			return error;
		}
		const message = error instanceof Error ? error.message : String(error);
		return new NodeOperationError(ctx.getNode(), itemMessage(message, itemIndex), {
			itemIndex,
			description: (error as { description?: string }).description,
		});
	}

	const problems: FieldProblem[] = [];
	const toList = recipients(kind === 'forward' ? 'To' : 'Extra To', to, problems);
	const cc = recipients('CC', options.ccRecipients, problems);
	const bcc = recipients('BCC', options.bccRecipients, problems);
	if (kind === 'forward' && !problems.some((p) => p.field === 'To') && !toList.length) {
		problems.push({
			field: 'To',
			message: 'no recipient: a forward needs at least one address in To',
			hint: 'Give at least one address in To, or map a field of the input item that holds one',
		});
	}
	const { attachments, problems: attachmentProblems } = await resolveAttachments(
		ctx,
		item,
		attachmentRowsOf(options.attachments),
	);
	problems.push(...attachmentProblems);
	if (problems.length) return problemsError(ctx, itemIndex, problems);

	const saveAsDraft = options.saveAsDraft === true;
	const message: IDataObject = {};
	if (kind !== 'forward' && toList.length) message.toRecipients = toList;
	if (cc.length) message.ccRecipients = cc;
	if (bcc.length) message.bccRecipients = bcc;
	if (options.importance) message.importance = options.importance as Importance;
	const body = { contentType: bodyType === 'html' ? 'HTML' : 'Text', content: text } as const;
	// Graph takes a comment or the message's body, never both (message-reply.md).
	const action: ActionBody = bodyMode === 'body' ? { message: { ...message, body } } : { message };
	if (bodyMode !== 'body' && text !== '') action.comment = text;
	if (kind === 'forward') action.toRecipients = toList;

	let sendKey: SendKey | undefined;
	if (delivery.exactlyOnce !== false && delivery.exactlyOnce !== 'false') {
		const key = await sendKeyOf(
			ctx,
			run,
			item,
			itemIndex,
			{
				mailbox: ref.mailbox,
				message: { kind, original: original.id, ...action } as unknown as GraphMessage,
				saveToSentItems: !saveAsDraft,
			},
			attachments,
			delivery.deduplicationWindow,
		);
		if (key instanceof NodeOperationError) return key;
		sendKey = key;
		action.message.singleValueExtendedProperties = [replyKeyProperty(sendKey.internetMessageId)];
	}

	// Send's planner routes the attachments and checks the sizes; the reply keeps Graph's subject.
	const planned = planSend({
		mailbox: ref.mailbox,
		built: {
			message: { subject: '', body, toRecipients: toList, ccRecipients: cc, bccRecipients: bcc },
			saveToSentItems: true,
			recipients: { to: toList.length, cc: cc.length, bcc: bcc.length },
		},
		attachments: attachments.map(({ binary: _binary, ...spec }) => spec),
		returnDetails: attachments.length > 0 || saveAsDraft,
	});
	if (!planned.ok) return problemsError(ctx, itemIndex, planned.problems);
	return {
		itemIndex,
		plan: planned.plan,
		attachments,
		dryRun: false,
		...(sendKey ? { sendKey } : {}),
		kind,
		original,
		base: ref.base,
		action,
		saveAsDraft,
	};
}

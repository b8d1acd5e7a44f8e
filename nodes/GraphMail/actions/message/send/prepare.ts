/**
 * Send, step 1: one item's fields -> a SendPlan (or the item's problems). Reads parameters and
 * binary metadata only; sends nothing. Every item is prepared before any mail is sent.
 */
import { createHash } from 'node:crypto';

import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import {
	readAttachmentBytes,
	resolveAttachments,
	type AttachmentRow,
	type ResolvedAttachment,
} from '../../../binary/binaryAttachments';
import type { Importance } from '../../../helpers/optionLists';
import {
	buildMessage,
	mailboxOf,
	type BodyType,
	type CustomHeader,
	type FieldProblem,
	type GraphMessage,
} from './payload';
import { appOnlySendMailbox } from '../../../helpers/appOnlyMailbox';
import { usesAppOnly } from '../../../transport/appOnlyAuth';
import {
	idempotencyKey,
	sendKeyFor,
	windowMsOf,
	type KeyAttachment,
	type SendKey,
} from './idempotencyKey';
import { planSend, UPLOAD_SESSION_MIN_BYTES, type PlannedAttachment, type SendPlan } from './plan';
import { addSentence, itemMessage } from '../../../helpers/itemText';
import type { RunIdentity } from './runIdentity';

export interface PreparedSend {
	itemIndex: number;
	plan: SendPlan;
	/** Same order as plan.attachments. */
	attachments: ResolvedAttachment[];
	dryRun: boolean;
	/** Exactly Once: the item's key; its internetMessageId is stamped on plan.message. */
	sendKey?: SendKey;
}

/** The plan's attachments with their binary sources, in order (prepareSend builds both from the same rows). */
export function attachmentsOf(
	ctx: IExecuteFunctions,
	prepared: PreparedSend,
): Array<{ planned: PlannedAttachment; resolved: ResolvedAttachment }> {
	const { plan, attachments, itemIndex } = prepared;
	const pairs = plan.attachments.flatMap((planned, i) => {
		const resolved = attachments[i];
		return resolved ? [{ planned, resolved }] : [];
	});
	if (pairs.length !== attachments.length) {
		throw new NodeOperationError(
			ctx.getNode(),
			itemMessage('The attachments planned differ from the attachments read', itemIndex),
			{
				itemIndex,
			},
		);
	}
	return pairs;
}

/**
 * What stands for an attachment's content in the key: the sha256 of its bytes when they are in
 * memory or small (under 3 MB, read anyway to send them inline); name, type and size otherwise.
 */
export async function keyAttachment(
	ctx: IExecuteFunctions,
	itemIndex: number,
	attachment: ResolvedAttachment,
): Promise<KeyAttachment> {
	const { name, contentType, size, isInline, contentId } = attachment;
	let digest: string | undefined;
	if (!attachment.binary.id) {
		digest = createHash('sha256')
			.update(attachment.binary.data ?? '')
			.digest('hex');
	} else if (size < UPLOAD_SESSION_MIN_BYTES) {
		digest = createHash('sha256')
			.update(await readAttachmentBytes(ctx, itemIndex, attachment))
			.digest('hex');
	}
	return { name, contentType, size, isInline, contentId, ...(digest ? { digest } : {}) };
}

/** Every attachment's part of the key, or the item's error when a file cannot be read. */
export async function keyAttachmentsOf(
	ctx: IExecuteFunctions,
	itemIndex: number,
	attachments: ResolvedAttachment[],
): Promise<KeyAttachment[] | NodeOperationError> {
	try {
		return await Promise.all(
			attachments.map(async (attachment) => await keyAttachment(ctx, itemIndex, attachment)),
		);
	} catch (error) {
		return problemsError(ctx, itemIndex, [
			{
				field: 'Attachments',
				message: `could not be read: ${error instanceof Error ? error.message : String(error)}`,
			},
		]);
	}
}

/**
 * The item's send key (Don't Resend on Retry): this piece of work (unless a Retry could not be
 * recognised), the workflow and node, the item, the mailbox, the message and its files, within the
 * Deduplication Window; or the item's error when a file cannot be read.
 */
export async function sendKeyOf(
	ctx: IExecuteFunctions,
	run: RunIdentity,
	item: INodeExecutionData,
	itemIndex: number,
	send: { mailbox: string; message: GraphMessage; saveToSentItems: boolean },
	attachments: ResolvedAttachment[],
	deduplicationWindow: unknown,
): Promise<SendKey | NodeOperationError> {
	const keyAttachments = await keyAttachmentsOf(ctx, itemIndex, attachments);
	if (keyAttachments instanceof NodeOperationError) return keyAttachments;
	const key = idempotencyKey({
		...(run.unknownRetry ? {} : { run: run.run }),
		...keyScope(ctx),
		itemIndex,
		...send,
		attachments: keyAttachments,
		itemJson: item.json,
	});
	return sendKeyFor(key, windowMsOf(deduplicationWindow), Date.now());
}

/** The workflow's and the node's ids (stable across executions and renames). */
export function keyScope(ctx: IExecuteFunctions): { workflowId: string; nodeId: string } {
	const workflow = ctx.getWorkflow();
	const node = ctx.getNode();
	return {
		workflowId: String(workflow.id ?? workflow.name ?? ''),
		nodeId: String(node.id || node.name),
	};
}

/** "To: 'bob@' is not an email address [item 3]", with the fix and the other problems in the description. */
export function problemsError(
	ctx: IExecuteFunctions,
	itemIndex: number,
	problems: FieldProblem[],
): NodeOperationError {
	const [first, ...rest] = problems;
	if (!first)
		return new NodeOperationError(
			ctx.getNode(),
			itemMessage('The item cannot be sent', itemIndex),
			{ itemIndex },
		);
	const lines: string[] = [];
	if (first.hint) lines.push(first.hint);
	if (rest.length)
		lines.push(`Also: ${rest.map((problem) => `${problem.field}: ${problem.message}`).join('; ')}`);
	const error = new NodeOperationError(
		ctx.getNode(),
		itemMessage(`${first.field}: ${first.message}`, itemIndex),
		{
			itemIndex,
			description: lines.length
				? lines.reduce<string>((text, line) => addSentence(text, line), '')
				: undefined,
		},
	);
	error.context.field = first.field;
	error.context.problems = problems.map((problem) => ({ ...problem }));
	return error;
}

/** The rows of a fixed collection (attachments or headers). */
export function rowsOf(value: unknown): IDataObject[] {
	if (!value || typeof value !== 'object') return [];
	const rows = (value as IDataObject).attachment ?? (value as IDataObject).header;
	return Array.isArray(rows) ? (rows as IDataObject[]) : [];
}

function booleanOption(options: IDataObject, name: string): boolean | undefined {
	const value = options[name];
	return value === undefined || value === null ? undefined : value === true || value === 'true';
}

/**
 * One item's plan, or a NodeOperationError naming the item and the field. `body`, when given,
 * replaces the Body Type and Body fields (Send and Wait builds its own body).
 */
export async function prepareSend(
	ctx: IExecuteFunctions,
	item: INodeExecutionData,
	itemIndex: number,
	run: RunIdentity,
	body?: { type: BodyType; content: string },
): Promise<PreparedSend | NodeOperationError> {
	let options: IDataObject;
	let delivery: IDataObject;
	let fields: Parameters<typeof buildMessage>[0];
	try {
		options = ctx.getNodeParameter('options', itemIndex, {});
		delivery = ctx.getNodeParameter('delivery', itemIndex, {}) as IDataObject;
		fields = {
			to: ctx.getNodeParameter('toRecipients', itemIndex, ''),
			cc: ctx.getNodeParameter('ccRecipients', itemIndex, ''),
			bcc: ctx.getNodeParameter('bccRecipients', itemIndex, ''),
			replyTo: ctx.getNodeParameter('replyTo', itemIndex, ''),
			subject: ctx.getNodeParameter('subject', itemIndex, ''),
			bodyType:
				body?.type ?? (ctx.getNodeParameter('bodyContentType', itemIndex, 'text') as BodyType),
			body: body?.content ?? ctx.getNodeParameter('bodyContent', itemIndex, ''),
			importance: options.importance as Importance | undefined,
			readReceipt: booleanOption(options, 'readReceipt'),
			deliveryReceipt: booleanOption(options, 'deliveryReceipt'),
			customHeaders: rowsOf(options.customHeaders).map((row) => ({
				name: row.name as string,
				value: row.value as string,
			})) as CustomHeader[],
			categories: options.categories,
			from: options.from,
			saveToSentItems: booleanOption(options, 'saveToSentItems'),
		};
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		return new NodeOperationError(ctx.getNode(), itemMessage(message, itemIndex), {
			itemIndex,
			description: (error as { description?: string }).description,
		});
	}

	const problems: FieldProblem[] = [];
	const built = buildMessage(fields);
	if (!built.ok) problems.push(...built.problems);
	const mailbox = usesAppOnly(ctx.getNode())
		? appOnlySendMailbox(ctx.getNodeParameter('appOnlyMailbox', itemIndex, ''))
		: mailboxOf(options.mailbox);
	if ('problem' in mailbox) problems.push(mailbox.problem);
	const { attachments, problems: attachmentProblems } = await resolveAttachments(
		ctx,
		item,
		attachmentRowsOf(options.attachments),
	);
	problems.push(...attachmentProblems);
	if (problems.length || !built.ok || 'problem' in mailbox)
		return problemsError(ctx, itemIndex, problems);

	let sendKey: SendKey | undefined;
	if (booleanOption(delivery, 'exactlyOnce') !== false) {
		const key = await sendKeyOf(
			ctx,
			run,
			item,
			itemIndex,
			{
				mailbox: mailbox.mailbox,
				message: built.value.message,
				saveToSentItems: built.value.saveToSentItems,
			},
			attachments,
			delivery.deduplicationWindow,
		);
		if (key instanceof NodeOperationError) return key;
		sendKey = key;
		built.value.message.internetMessageId = sendKey.internetMessageId;
	}

	const planned = planSend({
		mailbox: mailbox.mailbox,
		built: built.value,
		attachments: attachments.map(({ binary: _binary, ...spec }) => spec),
		returnDetails: booleanOption(options, 'returnDetails') === true,
	});
	if (!planned.ok) return problemsError(ctx, itemIndex, planned.problems);
	return {
		itemIndex,
		plan: planned.plan,
		attachments,
		dryRun: booleanOption(options, 'dryRun') === true,
		...(sendKey ? { sendKey } : {}),
	};
}

/** The attachment rows of an Attachments collection. */
export function attachmentRowsOf(value: unknown): AttachmentRow[] {
	return rowsOf(value) as unknown as AttachmentRow[];
}

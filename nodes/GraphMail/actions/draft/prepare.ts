/**
 * Draft, step 1: one item's fields -> what to create or change, or the item's problems. Reads
 * parameters and binary metadata only; nothing is written before every item is prepared.
 */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import {
	resolveAttachments,
	type AttachmentRow,
	type ResolvedAttachment,
} from '../../binary/binaryAttachments';
import { itemMessage } from '../../helpers/itemText';
import type { Importance } from '../../helpers/optionLists';
import { mailboxOf, type MailboxRef } from '../../read/mailbox';
import { addProblems } from '../attachment/addFiles';
import {
	buildMessage,
	type BodyType,
	type CustomHeader,
	type GraphMessage,
	type SendFields,
} from '../message/send/payload';
import { planSend, type SendPlan } from '../message/send/plan';
import { problemsError, rowsOf } from '../message/send/prepare';
import { MESSAGE_FIELD_NAMES } from './fields';

export interface PreparedCreate {
	itemIndex: number;
	ref: MailboxRef;
	plan: SendPlan;
	/** Same order as plan.attachments. */
	attachments: ResolvedAttachment[];
	folder: unknown;
}

export interface PreparedUpdate {
	itemIndex: number;
	ref: MailboxRef;
	/** The PATCH body: only the fields the item sets; empty when only files are added. */
	patch: IDataObject;
	attachments: ResolvedAttachment[];
}

function booleanOf(value: unknown): boolean | undefined {
	return value === undefined || value === null ? undefined : value === true || value === 'true';
}

/** Send's fields from a flat object (Create's parameters, or Update's collection). */
function sendFieldsOf(values: IDataObject): SendFields {
	return {
		to: values.toRecipients,
		cc: values.ccRecipients,
		bcc: values.bccRecipients,
		replyTo: values.replyTo,
		subject: values.subject,
		bodyType: (values.bodyContentType ?? 'text') as BodyType,
		body: values.bodyContent,
		importance: values.importance as Importance | undefined,
		readReceipt: booleanOf(values.readReceipt),
		deliveryReceipt: booleanOf(values.deliveryReceipt),
		customHeaders: rowsOf(values.customHeaders).map((row) => ({
			name: row.name as string,
			value: row.value as string,
		})) as CustomHeader[],
		categories: values.categories,
		from: values.from,
		saveToSentItems: booleanOf(values.saveToSentItems),
	};
}

function readError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): NodeOperationError {
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(ctx.getNode(), itemMessage(message, itemIndex), {
		itemIndex,
		description: (error as { description?: string }).description,
	});
}

export async function prepareCreate(
	ctx: IExecuteFunctions,
	item: INodeExecutionData,
	itemIndex: number,
): Promise<PreparedCreate | NodeOperationError> {
	let ref: MailboxRef;
	let options: IDataObject;
	let values: IDataObject;
	try {
		ref = mailboxOf(ctx, itemIndex);
		options = ctx.getNodeParameter('options', itemIndex, {});
		values = { ...options };
		for (const name of MESSAGE_FIELD_NAMES)
			values[name] = ctx.getNodeParameter(
				name,
				itemIndex,
				name === 'bodyContentType' ? 'text' : '',
			);
	} catch (error) {
		return readError(ctx, error, itemIndex);
	}
	const built = buildMessage(sendFieldsOf(values), { requireRecipient: false });
	const { attachments, problems } = await resolveAttachments(
		ctx,
		item,
		rowsOf(options.attachments) as AttachmentRow[],
	);
	if (!built.ok) problems.unshift(...built.problems);
	if (problems.length || !built.ok) return problemsError(ctx, itemIndex, problems);
	const planned = planSend({
		mailbox: ref.mailbox,
		built: built.value,
		attachments: attachments.map(({ binary: _binary, ...spec }) => spec),
		// Always the draft layout: the draft is the point.
		returnDetails: true,
	});
	if (!planned.ok) return problemsError(ctx, itemIndex, planned.problems);
	return { itemIndex, ref, plan: planned.plan, attachments, folder: options.folder };
}

/** Update's collection field -> the Graph properties it sets (an empty list clears). */
function patchOf(given: IDataObject, message: GraphMessage): IDataObject {
	const patch: IDataObject = {};
	const has = (name: string) => Object.prototype.hasOwnProperty.call(given, name);
	if (has('toRecipients')) patch.toRecipients = message.toRecipients;
	if (has('ccRecipients')) patch.ccRecipients = message.ccRecipients ?? [];
	if (has('bccRecipients')) patch.bccRecipients = message.bccRecipients ?? [];
	if (has('replyTo')) patch.replyTo = message.replyTo ?? [];
	if (has('subject')) patch.subject = message.subject;
	if (has('bodyContent')) patch.body = message.body;
	if (has('importance')) patch.importance = message.importance;
	if (has('readReceipt')) patch.isReadReceiptRequested = message.isReadReceiptRequested ?? false;
	if (has('deliveryReceipt'))
		patch.isDeliveryReceiptRequested = message.isDeliveryReceiptRequested ?? false;
	if (has('categories')) patch.categories = message.categories ?? [];
	if (has('from') && message.from) patch.from = message.from;
	if (has('customHeaders')) patch.internetMessageHeaders = message.internetMessageHeaders ?? [];
	return patch;
}

export async function prepareUpdate(
	ctx: IExecuteFunctions,
	item: INodeExecutionData,
	itemIndex: number,
): Promise<PreparedUpdate | NodeOperationError> {
	let ref: MailboxRef;
	let given: IDataObject;
	let rows: IDataObject[];
	try {
		ref = mailboxOf(ctx, itemIndex);
		given = ctx.getNodeParameter('updateFields', itemIndex, {});
		rows = rowsOf(ctx.getNodeParameter('attachments', itemIndex, {}));
	} catch (error) {
		return readError(ctx, error, itemIndex);
	}
	const built = buildMessage(sendFieldsOf(given), { requireRecipient: false });
	const { attachments, problems } = await resolveAttachments(ctx, item, rows as AttachmentRow[]);
	if (!built.ok) problems.unshift(...built.problems);
	problems.push(...addProblems(attachments));
	if (has(given, 'bodyContentType') && !has(given, 'bodyContent'))
		problems.push({
			field: 'Body Type',
			message: 'is set without Body',
			hint: 'Add Body too: Graph changes the body type with the body',
		});
	if (problems.length || !built.ok) return problemsError(ctx, itemIndex, problems);
	return { itemIndex, ref, patch: patchOf(given, built.value.message), attachments };
}

function has(values: IDataObject, name: string): boolean {
	return Object.prototype.hasOwnProperty.call(values, name);
}

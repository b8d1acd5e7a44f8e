/**
 * Message > Send. Every item is validated and planned first (addresses, headers, attachments and
 * their sizes); only then is anything sent, one item after the other. A bad item stops the node
 * before any mail goes out, or with Continue On Fail becomes an error item while the valid items
 * are sent once each.
 */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { draftBody, fileAttachment, sendMailBody, type SendPlan } from '../../helpers/sendPlan';
import type { GraphClient } from '../../transport/graphClient';
import { errorItemOrThrow } from '../itemErrors';
import { executeSend, type SendReport } from './send.executor';
import { sendFields } from './send.fields';
import { prepareSend, type PreparedSend } from './send.prepare';

export const properties: INodeProperties[] = sendFields;

/** "Item 4" / "Items 2, 5 and 7" (1-based), shortened after ten. */
function itemList(indexes: number[]): string {
	const numbers = indexes.map((index) => index + 1);
	if (numbers.length === 1) return `Item ${numbers[0]}`;
	if (numbers.length > 10) return `Items ${numbers.slice(0, 10).join(', ')} and ${numbers.length - 10} more`;
	return `Items ${numbers.slice(0, -1).join(', ')} and ${numbers[numbers.length - 1]}`;
}

/** The request a dry run would send, with base64 content replaced by its size. */
function dryRunPayload(plan: SendPlan): IDataObject {
	const placeholder = (size: number) => `<${size} bytes>`;
	if (plan.method === 'sendMail') {
		return sendMailBody(
			plan.message,
			plan.saveToSentItems,
			plan.attachments.map((spec) => fileAttachment(spec, placeholder(spec.size))),
		) as unknown as IDataObject;
	}
	return {
		draft: draftBody(
			plan.message,
			plan.saveToSentItems,
			plan.attachments.filter((spec) => spec.via === 'inline').map((spec) => fileAttachment(spec, placeholder(spec.size))),
		) as unknown as IDataObject,
		addedAttachments: plan.attachments.filter((spec) => spec.via === 'attachment').map((spec) => spec.name),
		uploadSessions: plan.attachments.filter((spec) => spec.via === 'uploadSession').map((spec) => spec.name),
	};
}

function summary(prepared: PreparedSend, report?: SendReport): IDataObject {
	const { plan } = prepared;
	return {
		status: report ? 'sent' : 'dryRun',
		mailbox: plan.mailbox,
		method: plan.method,
		recipients: { ...plan.recipients },
		attachments: plan.attachments.map((spec) => ({
			name: spec.name,
			size: spec.size,
			contentType: spec.contentType,
			isInline: spec.isInline,
			uploadedVia: spec.via,
		})),
		requestBytes: plan.requestBytes,
		...(report ? { ...report.details } : { payload: dryRunPayload(plan) }),
	};
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	client: GraphClient,
): Promise<INodeExecutionData[]> {
	// 1. Validate and plan every item; nothing is sent yet.
	const prepared: Array<PreparedSend | NodeOperationError> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		prepared.push(await prepareSend(this, items[itemIndex], itemIndex));
	}
	const invalid = prepared
		.map((entry, itemIndex) => (entry instanceof NodeOperationError ? itemIndex : -1))
		.filter((itemIndex) => itemIndex >= 0);
	if (invalid.length && !this.continueOnFail()) {
		const first = prepared[invalid[0]] as NodeOperationError;
		const others = invalid.length > 1 ? ` ${itemList(invalid.slice(1))} ${invalid.length > 2 ? 'have' : 'has'} problems too.` : '';
		first.description = `${first.description ? `${first.description}\n` : ''}Nothing was sent.${others}`;
		throw first;
	}

	// 2. Send the valid items, in order, once each.
	const output: INodeExecutionData[] = [];
	const sent: number[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const entry = prepared[itemIndex];
		if (entry instanceof NodeOperationError) {
			output.push(errorItemOrThrow(this, entry, itemIndex));
			continue;
		}
		if (entry.dryRun) {
			output.push({ json: summary(entry), pairedItem: { item: itemIndex } });
			continue;
		}
		let report: SendReport;
		try {
			report = await executeSend(this, client, entry);
		} catch (error) {
			if (!this.continueOnFail() && sent.length) {
				const described = error as { description?: string | null };
				described.description = `${described.description ? `${described.description}\n` : ''}${itemList(sent)} ${sent.length > 1 ? 'were' : 'was'} sent before this error; running the node again sends ${sent.length > 1 ? 'them' : 'it'} again.`;
			}
			output.push(errorItemOrThrow(this, error, itemIndex));
			continue;
		}
		sent.push(itemIndex);
		output.push({ json: summary(entry, report), pairedItem: { item: itemIndex } });
	}
	return output;
}

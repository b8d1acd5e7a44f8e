/**
 * Message > Send and Wait for Response. Sends one mail (from the first input item, as n8n's own
 * Send and Wait does) through Send's preparation and sending, so it has Send's attachments of any
 * size, sender mailbox and Don't Resend on Retry, then puts the execution to wait with n8n's
 * mechanism. The mail's links are n8n's signed resume URLs for this execution and node; the answer
 * arrives through the node's webhook (webhook.ts). When the time limit passes first, n8n resumes
 * the node as "disabled", which passes its input through: that input is replaced here by the
 * timeout item, so the workflow continues with `timedOut: true`.
 */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import type { GraphClient } from '../../../transport/graphClient';
import { itemMessage } from '../../../helpers/itemText';
import { errorItemOrThrow } from '../../itemErrors';
import { sendAll } from '../send/batchPath';
import { RECOVERY, clientOptions as sendClientOptions } from '../send/operation';
import { prepareSend } from '../send/prepare';
import { runIdentity } from '../send/runIdentity';
import { sendAndWaitFields } from './fields';
import { mailHtml, mailText, type MailButton } from './mail';
import { timeoutItem } from './output';
import { responseSettings, type ResponseSettings } from './settings';
import { waitLimitOf } from './waitLimit';

export const properties: INodeProperties[] = sendAndWaitFields;
export const clientOptions = sendClientOptions;

function fieldError(ctx: IExecuteFunctions, field: string, message: string, description?: string) {
	const error = new NodeOperationError(ctx.getNode(), itemMessage(`${field}: ${message}`, 0), {
		itemIndex: 0,
		...(description ? { description } : {}),
	});
	error.context.field = field;
	return error;
}

/** What the settings lack before a mail can go out (the form is built only when it is opened). */
function settingsProblem(
	ctx: IExecuteFunctions,
	settings: ResponseSettings,
	message: string,
): NodeOperationError | undefined {
	if (!message.trim())
		return fieldError(ctx, 'Message', 'is empty', 'Write the text the recipient answers.');
	if (settings.type !== 'customForm') return undefined;
	if (!settings.fields.length)
		return fieldError(
			ctx,
			'Form Fields',
			'no field is defined',
			'Add at least one field with a label.',
		);
	const labels = settings.fields.map((field) => field.label);
	const repeated = labels.find((label, index) => labels.indexOf(label) !== index);
	if (repeated)
		return fieldError(
			ctx,
			'Form Fields',
			`the label "${repeated}" is used twice`,
			'Each label is the key of its value in the output, so labels must differ.',
		);
	const noChoices = settings.fields.find(
		(field) => (field.type === 'dropdown' || field.type === 'checkboxes') && !field.choices.length,
	);
	if (noChoices)
		return fieldError(
			ctx,
			'Form Fields',
			`"${noChoices.label}" has no choices`,
			'Write the choices separated by commas.',
		);
	if (settings.fields.some((field) => field.label === 'respondedAt'))
		return fieldError(
			ctx,
			'Form Fields',
			'the label "respondedAt" is reserved for the answer time',
		);
	return undefined;
}

/** The buttons: one signed link per answer (approval) or one to the form. */
function buttonsFor(ctx: IExecuteFunctions, settings: ResponseSettings): MailButton[] {
	if (settings.type === 'approval')
		return settings.buttons.map((button) => ({
			label: button.label,
			style: button.style,
			url: ctx.getSignedResumeUrl({ approved: String(button.approved) }),
		}));
	return [{ label: settings.respondLabel, style: 'primary', url: ctx.getSignedResumeUrl() }];
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	client: GraphClient,
): Promise<INodeExecutionData[]> {
	const item = items[0] ?? { json: {} };
	let waitUntil: Date;
	let output: IDataObject;
	let settings: ResponseSettings;
	try {
		settings = responseSettings((name, fallback) => this.getNodeParameter(name, 0, fallback));
		const rawMessage = this.getNodeParameter('message', 0, '');
		const message = typeof rawMessage === 'string' ? rawMessage : '';
		const problem = settingsProblem(this, settings, message);
		if (problem) throw problem;
		const options: IDataObject = this.getNodeParameter('options', 0, {});
		const limit = waitLimitOf(options.limitWaitTime, new Date());
		if ('problem' in limit)
			throw fieldError(
				this,
				'Limit Wait Time',
				limit.problem,
				'Pick an interval above 0 or a date and time in the future.',
			);
		waitUntil = limit.until;

		const content = { message, buttons: buttonsFor(this, settings) };
		const body =
			options.plainText === true
				? { type: 'text' as const, content: mailText(content) }
				: { type: 'html' as const, content: mailHtml(content) };
		const prepared = await prepareSend(this, item, 0, runIdentity(this), body);
		if (prepared instanceof NodeOperationError) throw prepared;
		const outcome = (
			await sendAll(this, client, [prepared], { continueOnFail: false, recovery: RECOVERY })
		).get(0);
		if (outcome?.kind === 'error') throw outcome.error;
		if (outcome?.kind !== 'sent' && outcome?.kind !== 'alreadySent')
			throw new NodeOperationError(this.getNode(), itemMessage('The mail was not sent', 0), {
				itemIndex: 0,
			});
		output = {
			status: 'waiting',
			responseType: settings.type,
			mailbox: prepared.plan.mailbox,
			recipients: { ...prepared.plan.recipients },
			...(outcome.kind === 'sent'
				? { ...outcome.details, alreadySent: false }
				: { internetMessageId: outcome.found.internetMessageId, alreadySent: true }),
			...(limit.limited ? { waitingUntil: limit.until.toISOString() } : {}),
		};
	} catch (error) {
		return [errorItemOrThrow(this, error, 0)];
	}
	// Nothing may throw from here on: a retry would otherwise start from the replaced input.
	this.getExecuteData().data = { main: [[timeoutItem(settings, waitUntil)]] };
	await this.putExecutionToWait(waitUntil);
	return [{ json: output, pairedItem: { item: 0 } }];
}

/**
 * Send and Wait: the node's webhook, reached through n8n's waiting-webhook URL of this execution
 * and node (`/webhook-waiting/{executionId}/{nodeId}?...&signature=...`). n8n checks the signature
 * (an HMAC over the path and query with the instance's secret) before this runs, and answers a
 * link of a finished execution itself ("No action required"), so one answer resumes once.
 *
 * GET only shows a page (a confirmation button for approvals, the form otherwise): link scanners
 * such as Microsoft Defender Safe Links open every link of a mail, and must not answer it. POST
 * (the page's button) resumes the workflow with the answer.
 */
import type {
	IDataObject,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { FREE_TEXT_FIELD, readFormAnswer } from './answer';
import { approvalItem, formItem, textItem } from './output';
import { confirmPage, formPage, invalidLinkPage, PAGE_CSP, recordedPage } from './pages';
import { responseSettings, type ResponseSettings } from './settings';

/** n8n recognises Send and Wait by the operation's name and a webhook path equal to the node's id. */
export const sendAndWaitWebhooks: IWebhookDescription[] = ['GET', 'POST'].map((httpMethod) => ({
	name: 'default',
	httpMethod,
	responseMode: 'onReceived',
	responseData: '',
	path: '={{ $nodeId }}',
	restartWebhook: true,
	isFullPath: true,
}));

interface PageResponse {
	statusCode: number;
	setHeader(name: string, value: string): unknown;
	end(body: string): unknown;
}

function respond(res: PageResponse, status: number, html: string): void {
	res.statusCode = status;
	res.setHeader('Content-Type', 'text/html; charset=utf-8');
	res.setHeader('Content-Security-Policy', PAGE_CSP);
	res.setHeader('Cache-Control', 'no-store');
	res.setHeader('X-Content-Type-Options', 'nosniff');
	res.setHeader('Referrer-Policy', 'no-referrer');
	res.end(html);
}

function textParameter(ctx: IWebhookFunctions, name: string): string {
	try {
		const value = ctx.getNodeParameter(name, '');
		return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
	} catch {
		return '';
	}
}

/** The posted form: n8n parses url-encoded bodies; the raw body is read when it did not. */
function postedBody(ctx: IWebhookFunctions): IDataObject {
	const body = ctx.getBodyData();
	if (body && Object.keys(body).length) return body;
	const raw = (ctx.getRequestObject() as { rawBody?: { toString(): string } }).rawBody;
	const values: Record<string, string[]> = {};
	if (!raw) return values;
	for (const [key, value] of new URLSearchParams(raw.toString())) (values[key] ??= []).push(value);
	return values;
}

function formOf(ctx: IWebhookFunctions, settings: ResponseSettings) {
	return {
		title: settings.formTitle || textParameter(ctx, 'subject'),
		description: settings.formDescription || textParameter(ctx, 'message'),
		fields: settings.type === 'freeText' ? [FREE_TEXT_FIELD] : settings.fields,
	};
}

/** The node's `webhook` method (n8n awaits it; everything it does is synchronous). */
export function sendAndWaitWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	return new Promise((resolve) => resolve(answerRequest(this)));
}

function answerRequest(ctx: IWebhookFunctions): IWebhookResponseData {
	const req = ctx.getRequestObject();
	const res = ctx.getResponseObject() as unknown as PageResponse;
	const settings = responseSettings((name, fallback) => ctx.getNodeParameter(name, fallback));
	const isPost = req.method === 'POST';
	const now = new Date();

	if (settings.type === 'approval') {
		const approved = (req.query as IDataObject | undefined)?.approved;
		const button = settings.buttons.find((entry) => String(entry.approved) === approved);
		if (!button) {
			respond(res, 400, invalidLinkPage());
			return { noWebhookResponse: true };
		}
		if (!isPost) {
			const page = confirmPage(
				textParameter(ctx, 'subject'),
				textParameter(ctx, 'message'),
				button,
			);
			respond(res, 200, page);
			return { noWebhookResponse: true };
		}
		respond(res, 200, recordedPage());
		return { noWebhookResponse: true, workflowData: [[approvalItem(button, now)]] };
	}

	const form = formOf(ctx, settings);
	if (!isPost) {
		respond(res, 200, formPage(form.title, form.description, form.fields, settings.submitLabel));
		return { noWebhookResponse: true };
	}
	const answer = readFormAnswer(form.fields, postedBody(ctx));
	if (!answer.ok) {
		const page = formPage(
			form.title,
			form.description,
			form.fields,
			settings.submitLabel,
			answer.given,
			answer.problems,
		);
		respond(res, 400, page);
		return { noWebhookResponse: true };
	}
	respond(res, 200, recordedPage());
	const item =
		settings.type === 'freeText'
			? textItem(String(answer.values[FREE_TEXT_FIELD.label] ?? ''), now)
			: formItem(answer.values, now);
	return { noWebhookResponse: true, workflowData: [[item]] };
}

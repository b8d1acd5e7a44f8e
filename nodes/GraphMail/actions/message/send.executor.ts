/**
 * Send, step 2: runs one prepared plan against Graph.
 *  - sendMail: `POST {mailbox}/sendMail` with the attachments inline (one request, 202);
 *  - draft: `POST {mailbox}/messages` (Prefer: IdType="ImmutableId", so the id stays valid in
 *    Sent Items), `POST .../attachments` for the other small files, an upload session per large
 *    file, then `POST .../send`. If a step before the send fails, the draft is deleted: nothing
 *    is sent and nothing is left behind.
 * Bulk sending (send.bulk.ts) runs sendMail plans through `$batch` and draft plans through here.
 * With Exactly Once (`recover`), a lost answer is resolved instead of reported: a lost answer to
 * the draft's creation deletes any draft carrying the item's internetMessageId and creates it
 * again (no mail can go out twice: nothing was sent yet); a lost answer to the send looks at the
 * draft (by its immutable id): sent (no longer a draft, or gone) -> done; still a draft -> sent
 * again, which cannot send twice either (a draft is sent once).
 */
import { appOnlyRefusal } from '../../transport/appOnlyAuth';
import {
	NodeApiError,
	NodeOperationError,
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type JsonObject,
} from 'n8n-workflow';

import { openUploadSource, readAttachmentBytes, type ResolvedAttachment } from '../../binary/binaryAttachments';
import { idSegment, mailboxPath } from '../../helpers/pathSegment';
import type { GraphFileAttachment } from '../../helpers/sendPayload';
import {
	draftBody,
	fileAttachment,
	sendMailBody,
	UPLOAD_CHUNK_BYTES,
	type PlannedAttachment,
	type SendPlan,
} from '../../helpers/sendPlan';
import type { GraphClient } from '../../transport/graphClient';
import { uploadAttachment } from '../../transport/uploadSession';
import { addSentence, itemMessage } from '../../helpers/itemText';
import { findByInternetMessageId } from './send.lookup';
import type { PreparedSend } from './send.prepare';

export const MAYBE_SENT =
	'No definite answer came back to the send request: the message may have been sent. Check Sent Items before running the node again.';

export const IMMUTABLE_ID_HEADERS = { Prefer: 'IdType="ImmutableId"' };

/** What Graph told us about the sent message (draft path only). */
export interface SentDetails {
	messageId?: string;
	internetMessageId?: string;
	conversationId?: string;
	webLink?: string;
}

export interface SendReport {
	details: SentDetails;
	/** Bytes of file content sent in upload-session PUTs (resent ranges included). */
	uploadedBytes: number;
}

export type Stage = 'sendMail' | 'createDraft' | 'addAttachment' | 'uploadSession' | 'sendDraft';

/** Exactly Once: how a lost answer is resolved (see the file's comment). */
export interface Recovery {
	/** Wait at least this long after a lost answer before looking (the service may still be at work). */
	settleMs: number;
	/** Looks (and sends again where that cannot send twice) at most this many times. */
	rounds: number;
}

export interface ExecuteOptions {
	recover?: Recovery;
}

function graphCodeOf(error: unknown): string | undefined {
	const code = (error as { context?: IDataObject })?.context?.graphCode;
	return typeof code === 'string' ? code : undefined;
}

function httpStatusOf(error: unknown): number | undefined {
	const code = Number((error as { httpCode?: unknown })?.httpCode);
	return Number.isFinite(code) && code > 0 ? code : undefined;
}

/** Whether the request may have been carried out although it failed (lost answer, server error). */
export function outcomeUncertain(error: unknown): boolean {
	const status = httpStatusOf(error);
	if (status !== undefined) return status >= 500;
	const code = graphCodeOf(error) ?? '';
	return /^E[A-Z_]+$/.test(code) && code !== 'ECONNREFUSED';
}

function reworded(
	ctx: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
	message: string,
	description: string | undefined,
): NodeApiError {
	const graphCode = graphCodeOf(error);
	const status = httpStatusOf(error);
	const original = error instanceof Error ? error.message : String(error);
	const rewritten = new NodeApiError(ctx.getNode(), { code: graphCode ?? 'Error', message: original } as JsonObject, {
		message,
		description,
		httpCode: status ? String(status) : undefined,
		itemIndex,
	});
	rewritten.context.graphCode = graphCode;
	return rewritten;
}

/** Graph's refusal as an error that says which item, which field, and how to fix it. */
export function explainSendError(
	ctx: IExecuteFunctions,
	error: unknown,
	prepared: PreparedSend,
	stage: Stage,
): NodeApiError | NodeOperationError {
	const { itemIndex, plan } = prepared;
	const tag = (text: string) => itemMessage(text, itemIndex);
	const code = graphCodeOf(error);
	const status = httpStatusOf(error);
	const otherMailbox = plan.mailbox !== 'me';
	const from = plan.message.from?.emailAddress.address;
	const original = error instanceof Error ? error.message : String(error);
	// Graph's own words, without GraphClient's "Microsoft Graph refused the request: <code>: " prefix.
	const graphMessage = original.replace(/^Microsoft Graph refused the request: [^:]+: /, '');

	if (code === 'ErrorSendAsDenied') {
		return reworded(
			ctx,
			error,
			itemIndex,
			tag(`From: the connected account has no Send As or Send on Behalf permission on ${from ? `'${from}'` : `mailbox '${plan.mailbox}'`}`),
			"Graph answered 403 ErrorSendAsDenied. An Exchange admin must give the connected account Send As or Send on Behalf permission on that mailbox, and the credential needs the Mail.Send.Shared scope: add it under Additional Scopes in the credential and reconnect.",
		);
	}
	const appOnly = appOnlyRefusal(ctx.getNode(), { status, code: code ?? '', message: graphMessage });
	if (appOnly) return reworded(ctx, error, itemIndex, tag(`Mailbox '${plan.mailbox}': ${appOnly.message}`), appOnly.description);
	if (stage === 'uploadSession' && otherMailbox && (status === 403 || code === 'ErrorAccessDenied')) {
		return reworded(
			ctx,
			error,
			itemIndex,
			tag(`Attachments: Graph refused to upload a large attachment into mailbox '${plan.mailbox}'`),
			'With delegated permissions Graph only accepts upload sessions (files of 3 MB or more) in the signed-in user\'s own mailbox. Send the mail from the connected account (empty Mailbox, set From instead) or keep each file under 3 MB.',
		);
	}
	if (otherMailbox && (status === 403 || code === 'ErrorAccessDenied')) {
		return reworded(
			ctx,
			error,
			itemIndex,
			tag(`Mailbox: the connected account may not send through mailbox '${plan.mailbox}'`),
			'Graph answered 403. Sending through another mailbox needs Full Access to it for the connected account, and the Mail.Send.Shared and Mail.ReadWrite.Shared scopes: add them under Additional Scopes in the credential and reconnect.',
		);
	}
	if (otherMailbox && (code === 'ErrorInvalidUser' || code === 'MailboxNotEnabledForRESTAPI' || status === 404) && stage !== 'addAttachment') {
		return reworded(
			ctx,
			error,
			itemIndex,
			tag(`Mailbox: Graph found no usable mailbox '${plan.mailbox}'`),
			`Graph answered ${code ?? status}: ${graphMessage} Check the user principal name or ID; the mailbox must be an Exchange Online mailbox.`,
		);
	}
	if (code === 'ErrorMessageSizeExceeded') {
		return reworded(
			ctx,
			error,
			itemIndex,
			tag(`Attachments: the message is larger than the mailbox accepts`),
			'Exchange Online limits the message size per mailbox (35 MB by default, up to 150 MB when an admin raises it). Send smaller or fewer files.',
		);
	}
	if (code === 'ErrorInvalidRecipients') {
		return reworded(ctx, error, itemIndex, tag(`To: Graph refused a recipient: ${graphMessage}`), undefined);
	}
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (!error.message.endsWith(`[item ${itemIndex}]`)) error.message = tag(error.message);
		return error;
	}
	return new NodeOperationError(ctx.getNode(), tag(original), { itemIndex });
}

async function inlineAttachment(
	ctx: IExecuteFunctions,
	itemIndex: number,
	planned: PlannedAttachment,
	resolved: ResolvedAttachment,
): Promise<GraphFileAttachment> {
	const bytes = await readAttachmentBytes(ctx, itemIndex, resolved);
	if (bytes.length !== planned.size) {
		throw new NodeOperationError(
			ctx.getNode(),
			itemMessage(`Attachments: binary field '${planned.binaryProperty}' holds ${bytes.length} bytes, its metadata says ${planned.size}`, itemIndex),
			{ itemIndex },
		);
	}
	return fileAttachment(planned, bytes.toString('base64'));
}

function detailsOf(body: IDataObject | undefined, plan: SendPlan): SentDetails {
	const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);
	const details: SentDetails = {
		internetMessageId: text(body?.internetMessageId),
		conversationId: text(body?.conversationId),
	};
	// Without a Sent Items copy the message has no id or link once it is sent.
	if (plan.saveToSentItems) {
		details.messageId = text(body?.id);
		details.webLink = text(body?.webLink);
	}
	return Object.fromEntries(Object.entries(details).filter(([, value]) => value !== undefined)) as SentDetails;
}

/** The body of `POST {mailbox}/sendMail` for a sendMail plan, with the attachments' bytes read. */
export async function sendMailRequestBody(ctx: IExecuteFunctions, prepared: PreparedSend): Promise<IDataObject> {
	const { plan, itemIndex } = prepared;
	const attachments: GraphFileAttachment[] = [];
	for (let i = 0; i < plan.attachments.length; i++) {
		attachments.push(await inlineAttachment(ctx, itemIndex, plan.attachments[i], prepared.attachments[i]));
	}
	return sendMailBody(plan.message, plan.saveToSentItems, attachments) as unknown as IDataObject;
}

async function sendWithSendMail(ctx: IExecuteFunctions, client: GraphClient, prepared: PreparedSend): Promise<SendReport> {
	const { plan, itemIndex } = prepared;
	const body = await sendMailRequestBody(ctx, prepared);
	try {
		await client.request({
			method: 'POST',
			path: `${mailboxPath(plan.mailbox)}/sendMail`,
			body,
			mailbox: plan.mailbox,
			idempotent: false,
			itemIndex,
		});
	} catch (error) {
		const explained = explainSendError(ctx, error, prepared, 'sendMail');
		if (outcomeUncertain(error)) explained.description = addSentence(explained.description, MAYBE_SENT);
		throw explained;
	}
	return { details: {}, uploadedBytes: 0 };
}

async function deleteDraft(client: GraphClient, plan: SendPlan, messagePath: string, itemIndex: number): Promise<void> {
	try {
		await client.request({ method: 'DELETE', path: messagePath, headers: IMMUTABLE_ID_HEADERS, mailbox: plan.mailbox, itemIndex });
	} catch {
		// A draft left in Drafts is harmless; the original error matters more.
	}
}

async function settle(since: number, settleMs: number): Promise<void> {
	const left = since + settleMs - Date.now();
	if (left > 0) await sleep(left);
}

/**
 * Creates the draft. With `recover`, a lost answer deletes the drafts that carry the item's
 * internetMessageId (the one that may have been created) and creates it again.
 */
async function createDraft(
	ctx: IExecuteFunctions,
	client: GraphClient,
	prepared: PreparedSend,
	body: IDataObject,
	recover: Recovery | undefined,
): Promise<IDataObject> {
	const { plan, itemIndex } = prepared;
	const internetMessageId = plan.message.internetMessageId;
	for (let round = 0; ; round++) {
		let failedAt: number;
		try {
			const response = await client.request<IDataObject>({
				method: 'POST',
				path: `${mailboxPath(plan.mailbox)}/messages`,
				body,
				headers: IMMUTABLE_ID_HEADERS,
				mailbox: plan.mailbox,
				idempotent: false,
				itemIndex,
			});
			return response.body ?? {};
		} catch (error) {
			if (!recover || !internetMessageId || !outcomeUncertain(error) || round >= recover.rounds) {
				throw explainSendError(ctx, error, prepared, 'createDraft');
			}
			failedAt = Date.now();
		}
		await settle(failedAt, recover.settleMs);
		const found = await findByInternetMessageId(client, plan.mailbox, [internetMessageId]).catch(() => undefined);
		if (!found) continue;
		for (const draft of (found.get(internetMessageId) ?? []).filter((message) => message.isDraft)) {
			await deleteDraft(client, plan, `${mailboxPath(plan.mailbox)}/messages/${idSegment(client.node, draft.id, 'Draft ID', itemIndex)}`, itemIndex);
		}
	}
}

type DraftState = { sent: true; body?: IDataObject } | { sent: false } | undefined;

/** Whether the draft went out: no longer a draft, or gone (deleted after submit); undefined when unknown. */
async function draftState(client: GraphClient, plan: SendPlan, messagePath: string, itemIndex: number): Promise<DraftState> {
	const outcome = await client.attempt<IDataObject>({
		method: 'GET',
		path: `${messagePath}?$select=id,isDraft,internetMessageId,conversationId,webLink`,
		headers: IMMUTABLE_ID_HEADERS,
		mailbox: plan.mailbox,
		itemIndex,
	});
	if ('response' in outcome) return outcome.response.body?.isDraft === false ? { sent: true, body: outcome.response.body } : { sent: false };
	return outcome.failure.status === 404 ? { sent: true } : undefined;
}

/**
 * After a lost answer to `POST .../send`: looks at the draft and sends it again while it is still
 * a draft. Resolves to the sent message (or {}), or undefined when it stays unknown.
 */
async function recoverDraftSend(
	client: GraphClient,
	prepared: PreparedSend,
	messagePath: string,
	recover: Recovery,
): Promise<IDataObject | undefined> {
	const { plan, itemIndex } = prepared;
	let failedAt = Date.now();
	for (let round = 0; round < recover.rounds; round++) {
		await settle(failedAt, recover.settleMs);
		const state = await draftState(client, plan, messagePath, itemIndex);
		if (state?.sent) return state.body ?? {};
		if (!state) {
			failedAt = Date.now();
			continue;
		}
		const outcome = await client.attempt({
			method: 'POST',
			path: `${messagePath}/send`,
			headers: IMMUTABLE_ID_HEADERS,
			mailbox: plan.mailbox,
			idempotent: false,
			itemIndex,
		});
		if ('response' in outcome) return {};
		// A refusal now may mean the first send went through meanwhile: look again next round.
		failedAt = Date.now();
	}
	return undefined;
}

async function sendWithDraft(
	ctx: IExecuteFunctions,
	client: GraphClient,
	prepared: PreparedSend,
	options: ExecuteOptions,
): Promise<SendReport> {
	const { plan, itemIndex } = prepared;
	const base = mailboxPath(plan.mailbox);
	const inline: GraphFileAttachment[] = [];
	for (let i = 0; i < plan.attachments.length; i++) {
		if (plan.attachments[i].via === 'inline') {
			inline.push(await inlineAttachment(ctx, itemIndex, plan.attachments[i], prepared.attachments[i]));
		}
	}
	const created = await createDraft(
		ctx,
		client,
		prepared,
		draftBody(plan.message, plan.saveToSentItems, inline) as unknown as IDataObject,
		options.recover,
	);
	inline.length = 0;
	const draftId = typeof created.id === 'string' ? created.id : '';
	if (!draftId) {
		throw new NodeOperationError(ctx.getNode(), itemMessage('Graph created the draft but returned no id', itemIndex), { itemIndex });
	}
	const messagePath = `${base}/messages/${idSegment(client.node, draftId, 'Draft ID', itemIndex)}`;
	let uploadedBytes = 0;
	let stage: Stage = 'addAttachment';
	try {
		for (let i = 0; i < plan.attachments.length; i++) {
			const planned = plan.attachments[i];
			if (planned.via === 'attachment') {
				stage = 'addAttachment';
				const body = await inlineAttachment(ctx, itemIndex, planned, prepared.attachments[i]);
				await client.request({
					method: 'POST',
					path: `${messagePath}/attachments`,
					body: body as unknown as IDataObject,
					headers: IMMUTABLE_ID_HEADERS,
					mailbox: plan.mailbox,
					idempotent: false,
					itemIndex,
				});
			} else if (planned.via === 'uploadSession') {
				stage = 'uploadSession';
				const source = openUploadSource(ctx, prepared.attachments[i]);
				try {
					const result = await uploadAttachment(
						ctx,
						client,
						{
							mailbox: plan.mailbox,
							messagePath,
							name: planned.name,
							size: planned.size,
							contentType: planned.contentType,
							isInline: planned.isInline,
							contentId: planned.contentId,
							itemIndex,
							headers: IMMUTABLE_ID_HEADERS,
						},
						source,
						{ chunkBytes: UPLOAD_CHUNK_BYTES },
					);
					uploadedBytes += result.bytesSent;
				} finally {
					await source.close();
				}
			}
		}
	} catch (error) {
		await deleteDraft(client, plan, messagePath, itemIndex);
		throw explainSendError(ctx, error, prepared, stage);
	}
	try {
		await client.request({
			method: 'POST',
			path: `${messagePath}/send`,
			headers: IMMUTABLE_ID_HEADERS,
			mailbox: plan.mailbox,
			idempotent: false,
			itemIndex,
		});
	} catch (error) {
		// A definite refusal left the draft unsent: remove it. After a lost answer it may have gone out: keep it.
		const explained = explainSendError(ctx, error, prepared, 'sendDraft');
		if (outcomeUncertain(error)) {
			const recovered = options.recover ? await recoverDraftSend(client, prepared, messagePath, options.recover) : undefined;
			if (recovered) return { details: detailsOf({ ...created, ...recovered }, plan), uploadedBytes };
			explained.description = addSentence(explained.description, MAYBE_SENT);
		} else {
			await deleteDraft(client, plan, messagePath, itemIndex);
		}
		throw explained;
	}
	return { details: detailsOf(created, plan), uploadedBytes };
}

/** Sends one prepared item; throws an error naming the item when Graph refuses. */
export async function executeSend(
	ctx: IExecuteFunctions,
	client: GraphClient,
	prepared: PreparedSend,
	options: ExecuteOptions = {},
): Promise<SendReport> {
	return prepared.plan.method === 'sendMail'
		? await sendWithSendMail(ctx, client, prepared)
		: await sendWithDraft(ctx, client, prepared, options);
}

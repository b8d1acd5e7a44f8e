/**
 * Send, the draft path: one prepared draft plan against Graph.
 *  `POST {mailbox}/messages` (Prefer: IdType="ImmutableId", so the id stays valid in Sent Items),
 *  `POST .../attachments` for the other small files, an upload session per large file, then
 *  `POST .../send`. If a step before the send fails, the draft is deleted: nothing is sent and
 *  nothing is left behind.
 * sendMail plans go through the `$batch` path (batchPath.ts); this runs the draft plans.
 * With Exactly Once (`recover`), a lost answer is resolved instead of reported: a lost answer to
 * the draft's creation deletes any draft carrying the item's internetMessageId and creates it
 * again (no mail can go out twice: nothing was sent yet); a lost answer to the send looks at the
 * draft (by its immutable id): sent (no longer a draft, or gone) -> done; still a draft -> sent
 * again, which cannot send twice either (a draft is sent once).
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { openUploadSource } from '../../../binary/binaryAttachments';
import { idSegment, mailboxPath } from '../../../helpers/pathSegment';
import {
	IMMUTABLE_ID_HEADERS,
	type GraphClient,
	type GraphRequest,
} from '../../../transport/graphClient';
import { itemMessage } from '../../../helpers/itemText';
import { withSentence } from '../../../helpers/nodeError';
import { uploadAttachment } from './attachmentUpload';
import { explainSendError, isUncertain, MAYBE_SENT, type Stage } from './errors';
import { inlineAttachment } from './inlineAttachments';
import { findByInternetMessageId, waitBeforeLooking, type LookupBy } from './lookup';
import type { GraphFileAttachment } from './payload';
import { draftBody, type SendPlan } from './plan';
import { attachmentsOf, type PreparedSend } from './prepare';

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

/** Exactly Once: how a lost answer is resolved (see the file's comment). */
export interface Recovery {
	/** Wait at least this long after a lost answer before looking (the service may still be at work). */
	settleMs: number;
	/** Looks (and sends again where that cannot send twice) at most this many times. */
	rounds: number;
}

export interface ExecuteOptions {
	recover?: Recovery;
	/**
	 * Reply, Reply All, Forward: the draft is made from the original message (`createReply`,
	 * `createReplyAll`, `createForward`) instead of `POST {mailbox}/messages`, and carries its key
	 * elsewhere than in internetMessageId (how `lookup` finds it).
	 */
	create?: { path: string; body(inline: GraphFileAttachment[]): IDataObject; lookup: LookupBy };
	/** Save as Draft: the draft is kept (with its attachments), not sent. */
	keepDraft?: boolean;
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
	return Object.fromEntries(
		Object.entries(details).filter(([, value]) => value !== undefined),
	) as SentDetails;
}

async function deleteDraft(
	client: GraphClient,
	plan: SendPlan,
	messagePath: string,
	itemIndex: number,
): Promise<void> {
	try {
		await client.request({
			method: 'DELETE',
			path: messagePath,
			headers: IMMUTABLE_ID_HEADERS,
			mailbox: plan.mailbox,
			itemIndex,
		});
	} catch {
		// A draft left in Drafts is harmless; the original error matters more.
	}
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
	create?: ExecuteOptions['create'],
): Promise<IDataObject> {
	const { plan, itemIndex } = prepared;
	const internetMessageId = create
		? prepared.sendKey?.internetMessageId
		: plan.message.internetMessageId;
	for (let round = 0; ; round++) {
		let failedAt: number;
		try {
			const response = await client.request<IDataObject>({
				method: 'POST',
				path: create?.path ?? `${mailboxPath(plan.mailbox)}/messages`,
				body,
				headers: IMMUTABLE_ID_HEADERS,
				mailbox: plan.mailbox,
				idempotent: false,
				itemIndex,
			});
			return response.body ?? {};
		} catch (error) {
			if (!recover || !internetMessageId || !isUncertain(error) || round >= recover.rounds) {
				throw explainSendError(ctx, error, prepared, 'createDraft');
			}
			failedAt = Date.now();
		}
		await waitBeforeLooking(failedAt, recover.settleMs);
		const found = await findByInternetMessageId(
			client,
			plan.mailbox,
			[internetMessageId],
			create?.lookup,
		).catch(() => undefined);
		if (!found) continue;
		for (const draft of (found.get(internetMessageId) ?? []).filter((message) => message.isDraft)) {
			await deleteDraft(
				client,
				plan,
				`${mailboxPath(plan.mailbox)}/messages/${idSegment(client.node, draft.id, 'Draft ID', itemIndex)}`,
				itemIndex,
			);
		}
	}
}

/** `POST .../send` of the draft (not repeated by the client: a lost answer is resolved by looking). */
function sendRequest(plan: SendPlan, messagePath: string, itemIndex: number): GraphRequest {
	return {
		method: 'POST',
		path: `${messagePath}/send`,
		headers: IMMUTABLE_ID_HEADERS,
		mailbox: plan.mailbox,
		idempotent: false,
		itemIndex,
	};
}

type DraftState = { sent: true; body?: IDataObject } | { sent: false } | undefined;

/** Whether the draft went out: no longer a draft, or gone (deleted after submit); undefined when unknown. */
async function draftState(
	client: GraphClient,
	plan: SendPlan,
	messagePath: string,
	itemIndex: number,
): Promise<DraftState> {
	const outcome = await client.requestOutcome<IDataObject>({
		method: 'GET',
		path: `${messagePath}?$select=id,isDraft,internetMessageId,conversationId,webLink`,
		headers: IMMUTABLE_ID_HEADERS,
		mailbox: plan.mailbox,
		itemIndex,
	});
	if ('response' in outcome)
		return outcome.response.body?.isDraft === false
			? { sent: true, body: outcome.response.body }
			: { sent: false };
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
		await waitBeforeLooking(failedAt, recover.settleMs);
		const state = await draftState(client, plan, messagePath, itemIndex);
		if (state?.sent) return state.body ?? {};
		if (!state) {
			failedAt = Date.now();
			continue;
		}
		const outcome = await client.requestOutcome(sendRequest(plan, messagePath, itemIndex));
		if ('response' in outcome) return {};
		// A refusal now may mean the first send went through meanwhile: look again next round.
		failedAt = Date.now();
	}
	return undefined;
}

/** Sends one prepared draft plan; throws an error naming the item when Graph refuses. */
export async function sendWithDraft(
	ctx: IExecuteFunctions,
	client: GraphClient,
	prepared: PreparedSend,
	options: ExecuteOptions = {},
): Promise<SendReport> {
	const { plan, itemIndex } = prepared;
	const base = mailboxPath(plan.mailbox);
	const attachments = attachmentsOf(ctx, prepared);
	const inline: GraphFileAttachment[] = [];
	for (const { planned, resolved } of attachments) {
		if (planned.via === 'inline')
			inline.push(await inlineAttachment(ctx, itemIndex, planned, resolved));
	}
	const created = await createDraft(
		ctx,
		client,
		prepared,
		options.create
			? options.create.body(inline)
			: (draftBody(plan.message, plan.saveToSentItems, inline) as unknown as IDataObject),
		options.recover,
		options.create,
	);
	inline.length = 0;
	const draftId = typeof created.id === 'string' ? created.id : '';
	if (!draftId) {
		throw new NodeOperationError(
			ctx.getNode(),
			itemMessage('Graph created the draft but returned no id', itemIndex),
			{ itemIndex },
		);
	}
	const messagePath = `${base}/messages/${idSegment(client.node, draftId, 'Draft ID', itemIndex)}`;
	let uploadedBytes = 0;
	let stage: Stage = 'addAttachment';
	try {
		for (const { planned, resolved } of attachments) {
			if (planned.via === 'attachment') {
				stage = 'addAttachment';
				const body = await inlineAttachment(ctx, itemIndex, planned, resolved);
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
				const source = openUploadSource(ctx, resolved);
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
	if (options.keepDraft) return { details: detailsOf(created, plan), uploadedBytes };
	try {
		await client.request(sendRequest(plan, messagePath, itemIndex));
	} catch (error) {
		// A definite refusal left the draft unsent: remove it. After a lost answer it may have gone out: keep it.
		const explained = explainSendError(ctx, error, prepared, 'sendDraft');
		if (isUncertain(error)) {
			const recovered = options.recover
				? await recoverDraftSend(client, prepared, messagePath, options.recover)
				: undefined;
			if (recovered)
				return { details: detailsOf({ ...created, ...recovered }, plan), uploadedBytes };
			withSentence(explained, MAYBE_SENT);
		} else {
			await deleteDraft(client, plan, messagePath, itemIndex);
		}
		throw explained;
	}
	return { details: detailsOf(created, plan), uploadedBytes };
}

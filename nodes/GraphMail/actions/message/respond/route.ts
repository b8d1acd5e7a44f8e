/**
 * How Reply, Reply All and Forward go out through Send's bulk path (send/batchPath.ts): the one
 * request of a plan without attachments (`POST .../messages/{id}/reply|replyAll|forward`, a `$batch`
 * sub-request), the draft of the others (`createReply|createReplyAll|createForward`, then Send's
 * draft steps: attachments, upload sessions, send or keep), and the look for their keys.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { GraphClient } from '../../../transport/graphClient';
import type { BulkRoute } from '../send/batchPath';
import { sendWithDraft } from '../send/draftPath';
import { earlierSend, type FoundMessage } from '../send/idempotencyKey';
import type { GraphFileAttachment } from '../send/payload';
import type { PreparedSend } from '../send/prepare';
import type { PreparedRespond } from './prepare';
import { BY_REPLY_KEY } from './replyKey';

const DRAFT_ACTION = {
	reply: 'createReply',
	replyAll: 'createReplyAll',
	forward: 'createForward',
} as const;

const respondOf = (prepared: PreparedSend) => prepared as PreparedRespond;

function originalPath(prepared: PreparedRespond): string {
	return `${prepared.base}/messages/${prepared.original.segment}`;
}

/** The action's JSON body, with the attachments that travel inside it. */
export function actionBody(
	prepared: PreparedRespond,
	inline: GraphFileAttachment[] = [],
): IDataObject {
	const { comment, message, toRecipients } = prepared.action;
	return {
		...(comment !== undefined ? { comment } : {}),
		...(inline.length
			? { message: { ...message, attachments: inline } }
			: Object.keys(message).length
				? { message }
				: {}),
		...(toRecipients ? { toRecipients } : {}),
	} as IDataObject;
}

export function respondRoute(ctx: IExecuteFunctions, client: GraphClient): BulkRoute {
	return {
		request: async (prepared) => {
			const respond = respondOf(prepared);
			return await Promise.resolve({
				url: `${originalPath(respond)}/${respond.kind}`,
				body: actionBody(respond),
			});
		},
		draft: async (prepared, recover) => {
			const respond = respondOf(prepared);
			return await sendWithDraft(ctx, client, prepared, {
				...(recover ? { recover } : {}),
				create: {
					path: `${originalPath(respond)}/${DRAFT_ACTION[respond.kind]}`,
					body: (inline) => actionBody(respond, inline),
					lookup: BY_REPLY_KEY,
				},
				keepDraft: respond.saveAsDraft,
			});
		},
		lookup: BY_REPLY_KEY,
		// Save as Draft: the draft an earlier try saved counts; otherwise only a sent reply does.
		earlier: (prepared, found, nowMs): FoundMessage | undefined =>
			respondOf(prepared).saveAsDraft
				? found.find((message) => message.isDraft)
				: earlierSend(prepared.sendKey!, found, nowMs),
	};
}

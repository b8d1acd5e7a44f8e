/**
 * What a draft is now, read before it is changed or sent: whether it is still a draft, and the
 * send mark Draft > Send stamped on it (a named extended property holding the item's send key),
 * which tells a retried Send that this piece of work already sent it.
 */
import type { IDataObject } from 'n8n-workflow';

import { odataString } from '../../helpers/odata';
import { textOf } from '../../helpers/valueText';
import type { MailboxRef } from '../../read/mailbox';
import type { BatchSubRequest } from '../../transport/batch';
import { IMMUTABLE_ID_HEADERS, type GraphClient } from '../../transport/graphClient';

/** Graph Mail's named MAPI property (its own GUID): the send key of the Send that sent the draft. */
export const SEND_MARK_PROPERTY =
	'String {6c0f1f6e-3b8e-4f5d-9a57-2f1d7b0c9e41} Name GraphMailDraftSend';

const SELECT =
	'id,isDraft,subject,internetMessageId,conversationId,sentDateTime,webLink,parentFolderId';
const EXPAND = `singleValueExtendedProperties($filter=id eq ${odataString(SEND_MARK_PROPERTY)})`;

export interface DraftRecord {
	id: string;
	isDraft: boolean;
	subject?: string;
	internetMessageId?: string;
	conversationId?: string;
	sentDateTime?: string;
	webLink?: string;
	/** The send key stamped by Draft > Send, if any. */
	mark?: string;
}

/** `GET` of the draft with its send mark (immutable ids, so a sent draft is still found by its id). */
export function draftReadRequest(messagePath: string): BatchSubRequest {
	return {
		method: 'GET',
		url: `${messagePath}?$select=${SELECT}&$expand=${encodeURIComponent(EXPAND)}`,
		headers: { ...IMMUTABLE_ID_HEADERS },
		idempotent: true,
	};
}

export function recordOf(body: unknown): DraftRecord | undefined {
	const message = body as IDataObject | undefined;
	if (!message || typeof message.id !== 'string') return undefined;
	const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);
	const properties = Array.isArray(message.singleValueExtendedProperties)
		? (message.singleValueExtendedProperties as IDataObject[])
		: [];
	const mark = properties.find(
		(property) => textOf(property.id).toLowerCase() === SEND_MARK_PROPERTY.toLowerCase(),
	)?.value;
	const record: DraftRecord = { id: message.id, isDraft: message.isDraft === true };
	for (const name of [
		'subject',
		'internetMessageId',
		'conversationId',
		'sentDateTime',
		'webLink',
	] as const) {
		const value = text(message[name]);
		if (value) record[name] = value;
	}
	if (typeof mark === 'string') record.mark = mark;
	return record;
}

/** The PATCH that stamps the send mark (and, when given, new recipients). */
export function markBody(key: string, recipients: IDataObject = {}): IDataObject {
	return {
		...recipients,
		singleValueExtendedProperties: [{ id: SEND_MARK_PROPERTY, value: key }],
	};
}

/**
 * The message of the mailbox carrying this send mark (a sent draft whose id changed when it moved
 * to Sent Items: ids that are not immutable do). Undefined when there is none.
 */
export async function findByMark(
	client: GraphClient,
	ref: MailboxRef,
	key: string,
	itemIndex: number,
): Promise<DraftRecord | undefined> {
	const filter = `singleValueExtendedProperties/any(ep: ep/id eq ${odataString(SEND_MARK_PROPERTY)} and ep/value eq ${odataString(key)})`;
	const { body } = await client.request<{ value?: IDataObject[] }>({
		method: 'GET',
		path: `${ref.base}/messages`,
		qs: { $filter: filter, $select: SELECT, $expand: EXPAND, $top: 10 },
		headers: IMMUTABLE_ID_HEADERS,
		mailbox: ref.mailbox,
		itemIndex,
	});
	return (body.value ?? []).map(recordOf).find((record) => record && !record.isDraft);
}

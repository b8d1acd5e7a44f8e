import type { IDataObject } from 'n8n-workflow';

/** What Simplify asks Graph for (`$select`), so pages stay small. */
export const SIMPLE_FIELDS = [
	'id',
	'subject',
	'from',
	'toRecipients',
	'ccRecipients',
	'receivedDateTime',
	'isRead',
	'hasAttachments',
	'importance',
	'bodyPreview',
	'webLink',
	'conversationId',
] as const;

export interface SimpleAddress {
	name: string | null;
	address: string | null;
}

/** `{emailAddress: {name, address}}` -> `{name, address}`; anything else -> null. */
export function simplifyRecipient(recipient: unknown): SimpleAddress | null {
	const emailAddress = (
		recipient as { emailAddress?: { name?: unknown; address?: unknown } } | null | undefined
	)?.emailAddress;
	if (!emailAddress || typeof emailAddress !== 'object') return null;
	return {
		name: typeof emailAddress.name === 'string' ? emailAddress.name : null,
		address: typeof emailAddress.address === 'string' ? emailAddress.address : null,
	};
}

function recipients(value: unknown): SimpleAddress[] {
	if (!Array.isArray(value)) return [];
	return value.map(simplifyRecipient).filter((r): r is SimpleAddress => r !== null);
}

/** A Graph message -> the simplified item: the Simplify fields, with `from` / `to` / `cc` flattened. */
export function simplifyMessage(message: IDataObject): IDataObject {
	return {
		id: message.id,
		subject: message.subject ?? null,
		from: simplifyRecipient(message.from),
		to: recipients(message.toRecipients),
		cc: recipients(message.ccRecipients),
		receivedDateTime: message.receivedDateTime ?? null,
		isRead: message.isRead ?? null,
		hasAttachments: message.hasAttachments ?? null,
		importance: message.importance ?? null,
		bodyPreview: message.bodyPreview ?? null,
		webLink: message.webLink ?? null,
		conversationId: message.conversationId ?? null,
	};
}

/** Drops OData annotations (`@odata.etag`, `@odata.type`...) from a message for the Selected Fields output. */
export function withoutAnnotations(message: IDataObject): IDataObject {
	const out: IDataObject = {};
	for (const [key, value] of Object.entries(message))
		if (!key.startsWith('@odata.')) out[key] = value;
	return out;
}

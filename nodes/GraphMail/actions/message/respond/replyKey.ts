/**
 * Don't Resend on Retry for Reply, Reply All and Forward: where the item's key travels and how it
 * is found again. Graph makes the reply's Message-ID itself, so the key (the same
 * `<key.epoch@graph-mail.n8n>` text Send stamps as internetMessageId) goes into a single-value
 * extended property of the reply, set in the action's `message` parameter (or on the reply draft),
 * and a look for it is a `$filter` on that property over the whole mailbox with the property
 * `$expand`ed to read it back (singlevalueextendedproperty-get.md). Pure: no I/O.
 */
import type { LookupBy } from '../send/lookup';

/** A named string property in this package's own property set (a GUID of its own). */
export const REPLY_KEY_PROPERTY_ID =
	'String {6f1c2e84-9d3b-4a57-b0e2-5c8d7a1f3e96} Name GraphMailSendKey';

/** Keys per `$filter`: each clause is long, and the URL must stay short. */
const KEYS_PER_FILTER = 6;

const quoted = (text: string) => `'${text.replace(/'/g, "''")}'`;

export function replyKeyProperty(value: string): { id: string; value: string } {
	return { id: REPLY_KEY_PROPERTY_ID, value };
}

export const BY_REPLY_KEY: LookupBy = {
	filter: (keys) =>
		keys
			.map(
				(key) =>
					`singleValueExtendedProperties/any(ep: ep/id eq ${quoted(REPLY_KEY_PROPERTY_ID)} and ep/value eq ${quoted(key)})`,
			)
			.join(' or '),
	query: `&$expand=${encodeURIComponent(`singleValueExtendedProperties($filter=id eq ${quoted(REPLY_KEY_PROPERTY_ID)})`)}`,
	keyOf: (message) => {
		const properties = message.singleValueExtendedProperties;
		if (!Array.isArray(properties)) return undefined;
		const property = (properties as Array<Record<string, unknown>>).find(
			(entry) =>
				typeof entry.id === 'string' &&
				entry.id.toLowerCase() === REPLY_KEY_PROPERTY_ID.toLowerCase(),
		);
		return typeof property?.value === 'string' ? property.value : undefined;
	},
	perFilter: KEYS_PER_FILTER,
};

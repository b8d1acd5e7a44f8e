/** How messages are filtered and ordered: the $filter property table, $orderby and Graph's rules combining them. */
import { badRequest, GraphError } from '../errors';
import { compileFilter, propertyTable } from './odata-filter';
import type { PropertyDef } from './odata-filter';
import type { SortSpec } from './paging';
import { queryValue } from './options';
import { previewCached } from '../resources/serialize';
import { hasVisibleAttachments } from '../storage/store';
import type { ExtendedProperty, StoredMessage } from '../types';

const str = (
	name: string,
	get: (m: StoredMessage) => string | undefined,
): PropertyDef<StoredMessage> => ({
	name,
	type: 'string',
	get,
});
const bool = (name: string, get: (m: StoredMessage) => boolean): PropertyDef<StoredMessage> => ({
	name,
	type: 'bool',
	get,
});
const date = (name: string, get: (m: StoredMessage) => number): PropertyDef<StoredMessage> => ({
	name,
	type: 'date',
	get,
});

export const MESSAGE_FILTER_PROPERTIES = propertyTable<StoredMessage>([
	date('receivedDateTime', (m) => m.receivedAt),
	date('sentDateTime', (m) => m.sentAt),
	date('createdDateTime', (m) => m.createdAt),
	date('lastModifiedDateTime', (m) => m.lastModifiedAt),
	bool('isRead', (m) => m.isRead),
	bool('isDraft', (m) => m.isDraft),
	bool('hasAttachments', hasVisibleAttachments),
	bool('isDeliveryReceiptRequested', (m) => m.isDeliveryReceiptRequested),
	bool('isReadReceiptRequested', (m) => m.isReadReceiptRequested),
	str('id', (m) => m.id),
	str('subject', (m) => m.subject),
	str('bodyPreview', previewCached),
	str('importance', (m) => m.importance),
	str('internetMessageId', (m) => m.internetMessageId),
	str('conversationId', (m) => m.conversationId),
	str('parentFolderId', (m) => m.folderId),
	str('inferenceClassification', (m) => m.inferenceClassification),
	str('from/emailAddress/address', (m) => m.from?.address),
	str('from/emailAddress/name', (m) => m.from?.name ?? m.from?.address),
	str('sender/emailAddress/address', (m) => m.sender?.address),
	str('sender/emailAddress/name', (m) => m.sender?.name ?? m.sender?.address),
	str('flag/flagStatus', (m) =>
		typeof m.flag.flagStatus === 'string' ? m.flag.flagStatus : undefined,
	),
	{ name: 'categories', type: 'stringCollection', get: (m) => m.categories },
	{
		name: 'singleValueExtendedProperties',
		type: 'objectCollection',
		get: (m) => m.extendedProperties.map((p) => ({ ...p })),
	},
]);

const EXTENDED_PROPERTY_FILTER = propertyTable<ExtendedProperty>([
	{ name: 'id', type: 'string', get: (p) => p.id },
	{ name: 'value', type: 'string', get: (p) => p.value },
]);

export interface MessageExpand {
	attachments: boolean;
	extendedProperties?: (property: ExtendedProperty) => boolean;
}

/** Splits on commas outside parentheses: `a,b($filter=x eq 'y, z')`. */
function splitTopLevel(text: string): string[] {
	const parts: string[] = [];
	let depth = 0;
	let quoted = false;
	let current = '';
	for (const ch of text) {
		if (ch === "'") quoted = !quoted;
		if (!quoted && ch === '(') depth++;
		if (!quoted && ch === ')') depth--;
		if (ch === ',' && depth === 0 && !quoted) {
			parts.push(current);
			current = '';
			continue;
		}
		current += ch;
	}
	parts.push(current);
	return parts;
}

/** `$expand=attachments` and `$expand=singleValueExtendedProperties($filter=id eq '...')`. */
export function parseMessageExpand(query: URLSearchParams): MessageExpand {
	const raw = queryValue(query, '$expand');
	const expand: MessageExpand = { attachments: false };
	if (raw === undefined || raw.trim() === '') return expand;
	for (const part of splitTopLevel(raw)) {
		const m = /^\s*([\w.]+)\s*(?:\((.*)\))?\s*$/s.exec(part);
		const name = m?.[1]?.toLowerCase();
		if (m && name === 'attachments' && !m[2]) {
			expand.attachments = true;
		} else if (m && name === 'singlevalueextendedproperties') {
			const filter = m[2] ? /^\s*\$filter\s*=\s*(.+)$/is.exec(m[2])?.[1] : undefined;
			if (m[2] && filter === undefined)
				throw badRequest(`Unsupported options in $expand: '${part.trim()}'.`);
			expand.extendedProperties = filter
				? compileFilter(filter, EXTENDED_PROPERTY_FILTER).test
				: () => true;
		} else {
			throw badRequest(
				`Parsing OData Select and Expand failed: Could not find a property named '${part.trim()}'.`,
			);
		}
	}
	return expand;
}

interface OrderTerm {
	property: string;
	direction: 1 | -1;
}

const ORDERABLE: Record<string, (m: StoredMessage) => number | string> = {
	receiveddatetime: (m) => m.receivedAt,
	sentdatetime: (m) => m.sentAt,
	createddatetime: (m) => m.createdAt,
	lastmodifieddatetime: (m) => m.lastModifiedAt,
	subject: (m) => m.subject.toLowerCase(),
};

const CANONICAL: Record<string, string> = {
	receiveddatetime: 'receivedDateTime',
	sentdatetime: 'sentDateTime',
	createddatetime: 'createdDateTime',
	lastmodifieddatetime: 'lastModifiedDateTime',
	subject: 'subject',
};

export function parseOrderBy(query: URLSearchParams): OrderTerm[] | undefined {
	const raw = queryValue(query, '$orderby');
	if (raw === undefined || raw.trim() === '') return undefined;
	return raw.split(',').map((part) => {
		const m = /^\s*([\w/]+)(?:\s+(asc|desc))?\s*$/i.exec(part);
		const canonical = m ? CANONICAL[m[1]!.toLowerCase()] : undefined;
		if (!m || !canonical) {
			throw new GraphError(
				400,
				'RequestBroker--ParseUri',
				`Could not find a property named '${part.trim()}' on type 'microsoft.graph.message' that can be used in $orderby.`,
			);
		}
		return { property: canonical, direction: m[2]?.toLowerCase() === 'desc' ? -1 : 1 };
	});
}

/**
 * Graph's documented rules: with $filter, the $orderby properties must appear in $filter, in the same
 * order, before any other property -- i.e. they are a prefix of the filter's properties.
 */
export function checkOrderByWithFilter(order: OrderTerm[], filterProperties: string[]): void {
	const ok = order.every((term, i) => filterProperties[i] === term.property);
	if (!ok) {
		throw new GraphError(
			400,
			'InefficientFilter',
			'The restriction or sort order is too complex for this operation.',
		);
	}
}

/** The ordinal breaks ties so every message has a unique, stable position (keyset paging needs that). */
export function messageSortSpec(order: OrderTerm[]): SortSpec<StoredMessage> {
	const getters = order.map((term) => {
		const get = ORDERABLE[term.property.toLowerCase()];
		if (!get) throw new Error(`the emulator cannot sort by ${term.property}`);
		return get;
	});
	const tieDirection = order.at(-1)?.direction ?? -1;
	return {
		key: (m) => [...getters.map((get) => get(m)), m.ordinal],
		directions: [...order.map((term) => term.direction), tieDirection],
	};
}

export const DEFAULT_ORDER: OrderTerm[] = [{ property: 'receivedDateTime', direction: -1 }];
export const SEARCH_ORDER: OrderTerm[] = [{ property: 'sentDateTime', direction: -1 }];

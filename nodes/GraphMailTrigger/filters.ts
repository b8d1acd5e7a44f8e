import type { IDataObject } from 'n8n-workflow';

import type { MessageFilters } from '../GraphMail/helpers/odata';

/**
 * The trigger's filters. Delta queries accept no `$filter` but a receivedDateTime bound, so they
 * are applied here, to each new message of a round, after the round is read in full: a server-side
 * filter on a delta query would drop a message from the cursor for good, not just from the output.
 * Pure.
 */
export interface TriggerFilters {
	unreadOnly: boolean;
	/** Sender address, compared case-insensitively (as Graph's `from/emailAddress/address eq`). */
	from?: string;
	hasAttachments?: boolean;
	/** Case-insensitive substring of the subject (as Graph's `contains(subject, ...)`). */
	subjectContains?: string;
}

/** Message properties the filters and the cursor read: always in the delta `$select`. */
export const CURSOR_FIELDS = [
	'id',
	'receivedDateTime',
	'isRead',
	'from',
	'hasAttachments',
	'subject',
] as const;

export function readFilters(raw: IDataObject): TriggerFilters {
	const from = typeof raw.from === 'string' && raw.from.trim() !== '' ? raw.from.trim() : undefined;
	const subject =
		typeof raw.subjectContains === 'string' && raw.subjectContains !== ''
			? raw.subjectContains
			: undefined;
	return {
		unreadOnly: raw.unreadOnly === true,
		...(from !== undefined ? { from } : {}),
		...(typeof raw.hasAttachments === 'boolean' ? { hasAttachments: raw.hasAttachments } : {}),
		...(subject !== undefined ? { subjectContains: subject } : {}),
	};
}

function senderAddress(message: IDataObject): string | undefined {
	const address = (message.from as { emailAddress?: { address?: unknown } } | null | undefined)
		?.emailAddress?.address;
	return typeof address === 'string' ? address : undefined;
}

export function matchesFilters(filters: TriggerFilters, message: IDataObject): boolean {
	if (filters.unreadOnly && message.isRead !== false) return false;
	if (
		filters.from !== undefined &&
		senderAddress(message)?.toLowerCase() !== filters.from.toLowerCase()
	)
		return false;
	if (
		filters.hasAttachments !== undefined &&
		(message.hasAttachments === true) !== filters.hasAttachments
	)
		return false;
	if (filters.subjectContains !== undefined) {
		const subject = typeof message.subject === 'string' ? message.subject : '';
		if (!subject.toLowerCase().includes(filters.subjectContains.toLowerCase())) return false;
	}
	return true;
}

/** The same filters for a plain message list (`$filter`), as Get Many builds it: the manual test run. */
export function asListFilters(filters: TriggerFilters): MessageFilters {
	return {
		...(filters.unreadOnly ? { readStatus: 'unread' as const } : {}),
		...(filters.from !== undefined ? { from: filters.from } : {}),
		...(filters.hasAttachments !== undefined ? { hasAttachments: filters.hasAttachments } : {}),
		...(filters.subjectContains !== undefined ? { subjectContains: filters.subjectContains } : {}),
	};
}

/**
 * OData pieces for listing messages: string literals, date literals and the `$filter` /
 * `$orderby` pair built from the node's filter fields. Pure: no I/O, no n8n context.
 */
import type { Importance } from './optionLists';

/** The body of an OData string literal: a single quote is written twice (`It''s`). */
export function escapeODataString(value: string): string {
	return value.replace(/'/g, "''");
}

/** A complete OData string literal, quotes included. */
export function odataString(value: string): string {
	return `'${escapeODataString(value)}'`;
}

/** A DateTimeOffset literal as Graph writes them: UTC, whole seconds, `Z` (`2024-01-31T23:00:00Z`). */
export function odataDate(instant: Date): string {
	if (Number.isNaN(instant.getTime())) throw new RangeError('Invalid date');
	return instant.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export type ReadStatus = 'read' | 'unread';
export type SortOrder = 'newest' | 'oldest';

export interface MessageFilters {
	readStatus?: ReadStatus;
	/** Sender address, matched exactly (Graph compares case-insensitively). */
	from?: string;
	/** Inclusive lower bound. */
	receivedAfter?: Date;
	/** Exclusive upper bound. */
	receivedBefore?: Date;
	hasAttachments?: boolean;
	importance?: Importance;
	subjectContains?: string;
	/** Raw OData, ANDed with the rest in parentheses. */
	custom?: string;
}

/** The lower bound used to put `receivedDateTime` first when sorting with other filters. */
export const EARLIEST_RECEIVED = '1900-01-01T00:00:00Z';

export interface ListQuery {
	$filter?: string;
	$orderby?: string;
}

/** Whether any filter is set (an empty string or an unset value does not count). */
export function hasFilters(filters: MessageFilters): boolean {
	const { received, others } = filterClauses(filters);
	return received.length + others.length > 0;
}

function filterClauses(filters: MessageFilters): { received: string[]; others: string[] } {
	const received: string[] = [];
	const others: string[] = [];
	if (filters.receivedAfter) received.push(`receivedDateTime ge ${odataDate(filters.receivedAfter)}`);
	if (filters.receivedBefore) received.push(`receivedDateTime lt ${odataDate(filters.receivedBefore)}`);
	if (filters.readStatus) others.push(`isRead eq ${filters.readStatus === 'read'}`);
	if (filters.from !== undefined && filters.from.trim() !== '') {
		others.push(`from/emailAddress/address eq ${odataString(filters.from.trim())}`);
	}
	if (filters.hasAttachments !== undefined) others.push(`hasAttachments eq ${filters.hasAttachments}`);
	if (filters.importance) others.push(`importance eq ${odataString(filters.importance)}`);
	if (filters.subjectContains !== undefined && filters.subjectContains !== '') {
		others.push(`contains(subject,${odataString(filters.subjectContains)})`);
	}
	if (filters.custom !== undefined && filters.custom.trim() !== '') others.push(`(${filters.custom.trim()})`);
	return { received, others };
}

/**
 * `$filter` and `$orderby` that Graph accepts together. With `$orderby`, Graph answers
 * `InefficientFilter` unless the ordered property comes first in `$filter`; so when sorting with
 * filters and no received-date bound, an always-true `receivedDateTime ge 1900-01-01T00:00:00Z`
 * leads the filter.
 */
export function buildListQuery(filters: MessageFilters, sort?: SortOrder): ListQuery {
	const { received, others } = filterClauses(filters);
	const query: ListQuery = {};
	if (sort) {
		query.$orderby = `receivedDateTime ${sort === 'oldest' ? 'asc' : 'desc'}`;
		if (received.length === 0 && others.length > 0) received.push(`receivedDateTime ge ${EARLIEST_RECEIVED}`);
	}
	const clauses = [...received, ...others];
	if (clauses.length) query.$filter = clauses.join(' and ');
	return query;
}

/**
 * Minimal checks on a raw custom filter, so that it cannot spill out of the parentheses it is
 * wrapped in: string literals closed and parentheses balanced outside them. Returns the problem,
 * or undefined when the filter passes (Graph judges the rest).
 */
export function customFilterProblem(raw: string): string | undefined {
	const text = raw.trim();
	if (text === '') return undefined;
	if (/[\u0000-\u001f\u007f]/.test(text.replace(/[\t\r\n]/g, ' '))) return 'it contains control characters';
	let depth = 0;
	let inString = false;
	for (let i = 0; i < text.length; i++) {
		const ch = text[i];
		if (inString) {
			if (ch === "'") {
				if (text[i + 1] === "'") i++;
				else inString = false;
			}
			continue;
		}
		if (ch === "'") inString = true;
		else if (ch === '(') depth++;
		else if (ch === ')') {
			depth--;
			if (depth < 0) return 'a closing parenthesis has no opening one';
		}
	}
	if (inString) return "a string literal is not closed (write a quote inside a literal as '')";
	if (depth !== 0) return 'an opening parenthesis is not closed';
	return undefined;
}

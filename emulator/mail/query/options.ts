/** Parsing of the simple OData query options and Prefer preferences shared by the list routes. */
import { LIMITS } from '../../contract';
import type { RawRequest } from '../../contract';
import { badRequest, GraphError } from '../errors';

export function queryValue(query: URLSearchParams, name: string): string | undefined {
	// OData system query options are case-insensitive in Graph ($TOP works like $top)
	const lower = name.toLowerCase();
	for (const [key, value] of query) if (key.toLowerCase() === lower) return value;
	return undefined;
}

export function parseTop(
	query: URLSearchParams,
	fallback: number = LIMITS.defaultPageSize,
): number {
	const raw = queryValue(query, '$top');
	if (raw === undefined) return fallback;
	const top = /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
	if (!Number.isInteger(top) || top < 1 || top > LIMITS.maxPageSize) {
		throw badRequest(
			`Invalid value '${raw}' for $top: it must be an integer from 1 to ${LIMITS.maxPageSize}.`,
		);
	}
	return top;
}

export function parseSkip(query: URLSearchParams): number {
	const raw = queryValue(query, '$skip');
	if (raw === undefined) return 0;
	if (!/^\s*\d+\s*$/.test(raw)) throw badRequest(`Invalid value '${raw}' for $skip.`);
	return Number(raw);
}

/** `$select` -> canonical property names in request order; unknown names fail like Graph's URI parser. */
export function parseSelect(
	query: URLSearchParams,
	allowed: readonly string[],
	typeName: string,
): string[] | undefined {
	const raw = queryValue(query, '$select');
	if (raw === undefined || raw.trim() === '') return undefined;
	const byLower = new Map(allowed.map((name) => [name.toLowerCase(), name]));
	const selected: string[] = [];
	for (const part of raw.split(',')) {
		const name = part.trim();
		const canonical = byLower.get(name.toLowerCase());
		if (!canonical) {
			throw new GraphError(
				400,
				'RequestBroker--ParseUri',
				`Could not find a property named '${name}' on type '${typeName}'.`,
			);
		}
		if (!selected.includes(canonical)) selected.push(canonical);
	}
	return selected;
}

export interface Preferences {
	bodyFormat?: 'text' | 'html';
	maxPageSize?: number;
	immutableIds?: boolean;
}

function headerText(req: RawRequest, name: string): string {
	const value = req.headers[name];
	if (value === undefined) return '';
	return Array.isArray(value) ? value.join(',') : String(value);
}

/** `Prefer` may carry several preferences, comma-separated or in repeated headers. */
export function parsePreferences(req: RawRequest): Preferences {
	const prefs: Preferences = {};
	for (const part of headerText(req, 'prefer').split(',')) {
		const m = /^\s*([\w.-]+)\s*=\s*"?([^"]*)"?\s*$/.exec(part);
		if (!m) continue;
		const name = m[1]!.toLowerCase();
		const value = m[2]!.trim().toLowerCase();
		if (name === 'outlook.body-content-type' && (value === 'text' || value === 'html'))
			prefs.bodyFormat = value;
		if (name === 'idtype' && value === 'immutableid') prefs.immutableIds = true;
		if (name === 'odata.maxpagesize' && /^\d+$/.test(value) && Number(value) >= 1) {
			prefs.maxPageSize = Math.min(Number(value), LIMITS.maxPageSize);
		}
	}
	return prefs;
}

/** `Preference-Applied` listing what this response honoured. */
export function preferenceApplied(applied: {
	bodyFormat?: 'text' | 'html';
	maxPageSize?: number;
	immutableIds?: boolean;
}): Record<string, string> {
	const parts: string[] = [];
	if (applied.immutableIds) parts.push('IdType="ImmutableId"');
	if (applied.maxPageSize !== undefined) parts.push(`odata.maxpagesize=${applied.maxPageSize}`);
	if (applied.bodyFormat) parts.push(`outlook.body-content-type="${applied.bodyFormat}"`);
	return parts.length ? { 'Preference-Applied': parts.join(', ') } : {};
}

export function contentTypeOf(req: RawRequest): string {
	return headerText(req, 'content-type').split(';', 1).join('').trim().toLowerCase();
}

/** Rebuilds a query string for links: keys as Graph writes them ($select=...), values encoded. */
export function buildQueryString(entries: Array<[string, string]>): string {
	return entries.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&');
}

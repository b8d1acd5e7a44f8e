/** Reading JSON request bodies the way Graph does: object payloads, case-insensitive property names. */
import type { RawRequest } from '../contract';
import { invalidJson } from './errors';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses the body as a JSON object; an empty body is `{}` only where the caller allows it. */
export function readJsonObject(req: RawRequest, opts: { allowEmpty?: boolean } = {}): JsonObject {
	const text = req.body.toString('utf8').replace(/^\uFEFF/, '');
	if (text.trim() === '') {
		if (opts.allowEmpty) return {};
		throw invalidJson();
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		throw invalidJson();
	}
	if (!isObject(parsed)) throw invalidJson();
	return parsed;
}

/** Property lookup ignoring case (`AttachmentItem` vs `attachmentItem`). */
export function getProperty(obj: JsonObject, name: string): unknown {
	if (name in obj) return obj[name];
	const lower = name.toLowerCase();
	for (const key of Object.keys(obj)) if (key.toLowerCase() === lower) return obj[key];
	return undefined;
}

export function hasProperty(obj: JsonObject, name: string): boolean {
	const lower = name.toLowerCase();
	return Object.keys(obj).some((key) => key.toLowerCase() === lower);
}

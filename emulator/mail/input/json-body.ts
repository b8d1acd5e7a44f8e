/** Reading JSON request bodies the way Graph does: object payloads, case-insensitive property names. */
import type { RawRequest } from '../../contract';
import { jsonNestingDepth, MAX_JSON_NESTING } from '../../util/json-depth';
import { badRequest, GraphError, invalidJson } from '../errors';
import { contentTypeOf } from '../query/options';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A JSON body must be declared as one (user-sendmail.md: "Use application/json for a JSON object");
 * Graph's OData reader answers anything else with 415 RequestBodyRead.
 */
function unsupportedMediaType(contentType: string): GraphError {
	return new GraphError(
		415,
		'RequestBodyRead',
		`A supported MIME type could not be found that matches the content type of the response. None of the supported type(s) 'application/json' matches the content type '${contentType || '(none)'}'.`,
	);
}

/** Parses the body as a JSON object; an empty body is `{}` only where the caller allows it. */
export function readJsonObject(req: RawRequest, opts: { allowEmpty?: boolean } = {}): JsonObject {
	const text = req.body.toString('utf8').replace(/^\uFEFF/, '');
	if (text.trim() === '') {
		if (opts.allowEmpty) return {};
		throw invalidJson();
	}
	const contentType = contentTypeOf(req);
	if (contentType !== 'application/json') throw unsupportedMediaType(contentType);
	if (jsonNestingDepth(text) > MAX_JSON_NESTING) {
		throw badRequest(
			`The JSON payload is nested more than ${MAX_JSON_NESTING} levels deep.`,
			'RequestBodyRead',
		);
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

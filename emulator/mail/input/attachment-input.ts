/** Turns a JSON attachment (fileAttachment / itemAttachment) into a stored attachment, enforcing the inline size limit. */
import { LIMITS } from '../../contract';
import { guessContentType } from '../content/content-type';
import { badRequest, GraphError, unknownProperty } from '../errors';
import { newId } from '../storage/ids';
import { getProperty, isObject } from './json-body';
import type { JsonObject } from './json-body';
import { wholeSeconds } from '../time';
import type { MailState, StoredAttachment } from '../types';
import { isStrictBase64 } from '../../util/base64';

const FILE_PROPERTIES = new Set([
	'name',
	'contentbytes',
	'contenttype',
	'isinline',
	'contentid',
	'contentlocation',
	'size',
	'id',
	'lastmodifieddatetime',
]);
const ITEM_PROPERTIES = new Set([
	'name',
	'item',
	'contenttype',
	'isinline',
	'size',
	'id',
	'lastmodifieddatetime',
]);

function attachmentKind(json: JsonObject): 'file' | 'item' {
	const type = getProperty(json, '@odata.type');
	if (typeof type === 'string') {
		const normalised = type.replace(/^#/, '').toLowerCase();
		if (normalised === 'microsoft.graph.fileattachment') return 'file';
		if (normalised === 'microsoft.graph.itemattachment') return 'item';
		if (normalised === 'microsoft.graph.referenceattachment') {
			throw badRequest(
				'Creating a referenceAttachment is not supported in v1.0.',
				'ErrorInvalidRequest',
			);
		}
		throw badRequest(
			`A type named '${type}' could not be resolved by the model.`,
			'RequestBodyRead',
		);
	}
	// attachment is abstract: Graph cannot create one without being told which kind (fileattachment.md)
	throw badRequest(
		"An instance of the abstract type 'microsoft.graph.attachment' cannot be created: add '@odata.type' (#microsoft.graph.fileAttachment or #microsoft.graph.itemAttachment).",
		'RequestBodyRead',
	);
}

/**
 * Edm.Binary as Graph's .NET reader takes it (Convert.FromBase64String): the standard alphabet,
 * whitespace ignored, length a multiple of 4, at most two '=' at the end. So `QQ` (unpadded) and
 * `filesystem-v2` (base64url, wrong length) are refused, as is the docs' truncated `R0lGODdhEAYEAA7`
 * (microsoft-graph-docs#18914).
 */

export function decodeContentBytes(value: unknown): Buffer {
	const compact = typeof value === 'string' ? value.replace(/\s+/g, '') : undefined;
	if (compact === undefined || !isStrictBase64(compact)) {
		throw badRequest(
			"Cannot convert the literal in 'contentBytes' to the expected type 'Edm.Binary'.",
			'RequestBodyRead',
		);
	}
	return Buffer.from(compact, 'base64');
}

function optionalString(json: JsonObject, name: string): string | null {
	const value = getProperty(json, name);
	if (value === undefined || value === null) return null;
	if (typeof value !== 'string')
		throw badRequest(`The property '${name}' must be a string.`, 'RequestBodyRead');
	return value;
}

function optionalBool(json: JsonObject, name: string): boolean {
	const value = getProperty(json, name);
	if (value === undefined || value === null) return false;
	if (typeof value !== 'boolean')
		throw badRequest(`The property '${name}' must be a boolean.`, 'RequestBodyRead');
	return value;
}

export function attachmentTooLarge(name: string, size: number): GraphError {
	return new GraphError(
		400,
		'ErrorAttachmentSizeLimitExceeded',
		`The attachment '${name}' is ${size} bytes; attachments of ${LIMITS.maxInlineAttachmentBytes} bytes (3 MB) or more must be added with an upload session.`,
	);
}

export function parseAttachmentInput(
	state: MailState,
	now: number,
	value: unknown,
): StoredAttachment {
	if (!isObject(value)) throw badRequest('An attachment must be a JSON object.', 'RequestBodyRead');
	const kind = attachmentKind(value);
	const allowed = kind === 'file' ? FILE_PROPERTIES : ITEM_PROPERTIES;
	for (const key of Object.keys(value)) {
		if (!key.startsWith('@odata.') && !allowed.has(key.toLowerCase())) {
			throw unknownProperty(
				key,
				kind === 'file' ? 'microsoft.graph.fileAttachment' : 'microsoft.graph.itemAttachment',
			);
		}
	}
	const name = optionalString(value, 'name');
	if (!name)
		throw badRequest("The attachment property 'name' is required.", 'ErrorInvalidParameter');
	if (kind === 'item') {
		const item = getProperty(value, 'item');
		if (!isObject(item))
			throw badRequest("The itemAttachment property 'item' is required.", 'ErrorInvalidParameter');
		const bytes = Buffer.from(JSON.stringify(item), 'utf8');
		return {
			id: newId(state, 'attachment'),
			kind: 'item',
			name,
			contentType: null,
			size: bytes.length,
			isInline: false,
			contentId: null,
			contentLocation: null,
			lastModifiedAt: wholeSeconds(now),
			bytes,
			item,
		};
	}
	if (getProperty(value, 'contentBytes') === undefined) {
		throw badRequest(
			"The fileAttachment property 'contentBytes' is required.",
			'ErrorInvalidParameter',
		);
	}
	const bytes = decodeContentBytes(getProperty(value, 'contentBytes'));
	if (bytes.length >= LIMITS.maxInlineAttachmentBytes) throw attachmentTooLarge(name, bytes.length);
	return {
		id: newId(state, 'attachment'),
		kind: 'file',
		name,
		contentType: optionalString(value, 'contentType') ?? guessContentType(name, bytes),
		size: bytes.length,
		isInline: optionalBool(value, 'isInline'),
		contentId: optionalString(value, 'contentId'),
		contentLocation: null,
		lastModifiedAt: wholeSeconds(now),
		bytes,
	};
}

/** A copy for another message: new id, same (immutable) bytes. */
export function copyAttachment(state: MailState, attachment: StoredAttachment): StoredAttachment {
	return { ...attachment, id: newId(state, 'attachment') };
}

/** Parses and checks a message JSON payload (draft create, PATCH, sendMail's `message`). */
import { parseFollowupFlag } from './flag-input';
import { parseAttachmentInput } from './attachment-input';
import { badRequest, GraphError, unknownProperty } from '../errors';
import { isObject } from './json-body';
import type { JsonObject } from './json-body';
import { findUserByAddress } from '../storage/users';
import type {
	Address,
	ExtendedProperty,
	Importance,
	InternetHeader,
	ItemBody,
	MailState,
	StoredAttachment,
} from '../types';

export interface MessageInput {
	subject?: string;
	body?: ItemBody;
	importance?: Importance;
	categories?: string[];
	from?: Address | null;
	sender?: Address | null;
	to?: Address[];
	cc?: Address[];
	bcc?: Address[];
	replyTo?: Address[];
	isRead?: boolean;
	isDeliveryReceiptRequested?: boolean;
	isReadReceiptRequested?: boolean;
	inferenceClassification?: 'focused' | 'other';
	flag?: Record<string, unknown>;
	headers?: InternetHeader[];
	/** Writable on create and while a draft (Graph: "Updatable only if isDraft is true"). */
	internetMessageId?: string;
	extendedProperties?: ExtendedProperty[];
	attachments?: StoredAttachment[];
}

/** Server-computed properties a client may echo back; Graph ignores them on write. */
const READ_ONLY = new Set([
	'id',
	'createddatetime',
	'lastmodifieddatetime',
	'changekey',
	'receiveddatetime',
	'sentdatetime',
	'hasattachments',
	'bodypreview',
	'parentfolderid',
	'conversationid',
	'conversationindex',
	'isdraft',
	'weblink',
	'uniquebody',
	'multivalueextendedproperties',
	'extensions',
]);

const TYPE = 'microsoft.graph.message';

function invalidValue(property: string, expected: string): GraphError {
	return badRequest(
		`Invalid value for property '${property}': expected ${expected}.`,
		'RequestBodyRead',
	);
}

function parseAddress(state: MailState, property: string, value: unknown): Address {
	if (!isObject(value))
		throw invalidValue(property, 'a recipient object {"emailAddress":{"address":...}}');
	const email = Object.entries(value).find(([k]) => k.toLowerCase() === 'emailaddress')?.[1];
	if (!isObject(email))
		throw invalidValue(property, 'a recipient object {"emailAddress":{"address":...}}');
	let address: unknown;
	let name: unknown;
	for (const [k, v] of Object.entries(email)) {
		if (k.toLowerCase() === 'address') address = v;
		else if (k.toLowerCase() === 'name') name = v;
	}
	if (typeof address !== 'string')
		throw invalidValue(`${property}.emailAddress.address`, 'a string');
	if (name !== undefined && name !== null && typeof name !== 'string')
		throw invalidValue(`${property}.emailAddress.name`, 'a string');
	// Exchange resolves a missing display name from the directory (draft vector: "Adele Vance")
	const resolvedName =
		(typeof name === 'string' && name !== '' ? name : undefined) ??
		findUserByAddress(state, address)?.displayName;
	return resolvedName ? { name: resolvedName, address } : { address };
}

function parseRecipients(state: MailState, property: string, value: unknown): Address[] {
	if (value === null) return [];
	if (!Array.isArray(value)) throw invalidValue(property, 'an array of recipients');
	return value.map((entry) => parseAddress(state, property, entry));
}

function parseBody(value: unknown): ItemBody {
	if (!isObject(value)) throw invalidValue('body', 'an itemBody object');
	let contentType: unknown = 'text';
	let content: unknown = '';
	for (const [k, v] of Object.entries(value)) {
		if (k.toLowerCase() === 'contenttype') contentType = v;
		else if (k.toLowerCase() === 'content') content = v;
	}
	const type = typeof contentType === 'string' ? contentType.toLowerCase() : '';
	if (type !== 'text' && type !== 'html')
		throw invalidValue('body.contentType', "'text' or 'html'");
	if (content === null) content = '';
	if (typeof content !== 'string') throw invalidValue('body.content', 'a string');
	return { contentType: type, content };
}

/** Graph: custom headers must be named x-... (the documented rule for internetMessageHeaders). */
export function checkHeaderName(name: string): void {
	if (!/^x-/i.test(name)) {
		throw new GraphError(
			400,
			'InvalidInternetMessageHeader',
			`The internet message header name '${name}' should start with 'x-' or 'X-'.`,
		);
	}
}

function parseHeaders(value: unknown): InternetHeader[] {
	if (value === null) return [];
	if (!Array.isArray(value))
		throw invalidValue('internetMessageHeaders', 'an array of {name, value}');
	return value.map((entry) => {
		if (!isObject(entry)) throw invalidValue('internetMessageHeaders', 'an array of {name, value}');
		let name: unknown;
		let headerValue: unknown = '';
		for (const [k, v] of Object.entries(entry)) {
			if (k.toLowerCase() === 'name') name = v;
			else if (k.toLowerCase() === 'value') headerValue = v;
		}
		if (typeof name !== 'string' || name === '')
			throw invalidValue('internetMessageHeaders.name', 'a non-empty string');
		if (headerValue === null) headerValue = '';
		if (typeof headerValue !== 'string')
			throw invalidValue('internetMessageHeaders.value', 'a string');
		checkHeaderName(name);
		return { name, value: headerValue };
	});
}

function parseExtendedProperties(value: unknown): ExtendedProperty[] {
	if (!Array.isArray(value))
		throw invalidValue('singleValueExtendedProperties', 'an array of {id, value}');
	return value.map((entry) => {
		if (!isObject(entry))
			throw invalidValue('singleValueExtendedProperties', 'an array of {id, value}');
		let id: unknown;
		let propertyValue: unknown;
		for (const [k, v] of Object.entries(entry)) {
			if (k.toLowerCase() === 'id') id = v;
			else if (k.toLowerCase() === 'value') propertyValue = v;
		}
		if (typeof id !== 'string' || id.trim() === '')
			throw invalidValue('singleValueExtendedProperties.id', 'a string');
		if (typeof propertyValue !== 'string')
			throw invalidValue('singleValueExtendedProperties.value', 'a string');
		return { id, value: propertyValue };
	});
}

/** PR_DELETE_AFTER_SUBMIT (`Boolean 0x0E01` = true): Exchange deletes the sent item instead of keeping it. */
export function deletesAfterSubmit(properties: ExtendedProperty[]): boolean {
	return properties.some(
		(p) => /^boolean\s+0x0*e01$/i.test(p.id.trim()) && p.value.trim().toLowerCase() === 'true',
	);
}

/** PATCH semantics for extended properties: set or replace by id. */
export function mergeExtendedProperties(
	current: ExtendedProperty[],
	updates: ExtendedProperty[],
): ExtendedProperty[] {
	const merged = current.filter(
		(p) => !updates.some((u) => u.id.toLowerCase() === p.id.toLowerCase()),
	);
	return [...merged, ...updates];
}

function parseBool(property: string, value: unknown): boolean {
	if (typeof value !== 'boolean') throw invalidValue(property, 'true or false');
	return value;
}

export function parseMessageInput(state: MailState, now: number, json: JsonObject): MessageInput {
	const input: MessageInput = {};
	for (const [key, value] of Object.entries(json)) {
		const lower = key.toLowerCase();
		if (key.startsWith('@odata.') || READ_ONLY.has(lower)) continue;
		switch (lower) {
			case 'subject':
				if (value !== null && typeof value !== 'string') throw invalidValue('subject', 'a string');
				input.subject = value ?? '';
				break;
			case 'body':
				input.body = parseBody(value);
				break;
			case 'importance': {
				const v = typeof value === 'string' ? value.toLowerCase() : '';
				if (v !== 'low' && v !== 'normal' && v !== 'high')
					throw invalidValue('importance', "'low', 'normal' or 'high'");
				input.importance = v;
				break;
			}
			case 'categories':
				if (!Array.isArray(value) || value.some((c) => typeof c !== 'string'))
					throw invalidValue('categories', 'an array of strings');
				input.categories = value as string[];
				break;
			case 'from':
				input.from = value === null ? null : parseAddress(state, 'from', value);
				break;
			case 'sender':
				input.sender = value === null ? null : parseAddress(state, 'sender', value);
				break;
			case 'torecipients':
				input.to = parseRecipients(state, 'toRecipients', value);
				break;
			case 'ccrecipients':
				input.cc = parseRecipients(state, 'ccRecipients', value);
				break;
			case 'bccrecipients':
				input.bcc = parseRecipients(state, 'bccRecipients', value);
				break;
			case 'replyto':
				input.replyTo = parseRecipients(state, 'replyTo', value);
				break;
			case 'isread':
				input.isRead = parseBool('isRead', value);
				break;
			case 'isdeliveryreceiptrequested':
				input.isDeliveryReceiptRequested = parseBool('isDeliveryReceiptRequested', value);
				break;
			case 'isreadreceiptrequested':
				input.isReadReceiptRequested = parseBool('isReadReceiptRequested', value);
				break;
			case 'inferenceclassification': {
				const v = typeof value === 'string' ? value.toLowerCase() : '';
				if (v !== 'focused' && v !== 'other')
					throw invalidValue('inferenceClassification', "'focused' or 'other'");
				input.inferenceClassification = v;
				break;
			}
			case 'flag':
				input.flag = parseFollowupFlag(value);
				break;
			case 'internetmessageheaders':
				input.headers = parseHeaders(value);
				break;
			case 'internetmessageid':
				if (typeof value !== 'string' || !/^<[^<>\s@]+@[^<>\s@]+>$/.test(value)) {
					throw invalidValue('internetMessageId', "an RFC 5322 message id like '<local@domain>'");
				}
				input.internetMessageId = value;
				break;
			case 'singlevalueextendedproperties':
				input.extendedProperties = parseExtendedProperties(value);
				break;
			case 'attachments':
				if (!Array.isArray(value)) throw invalidValue('attachments', 'an array of attachments');
				input.attachments = value.map((a) => parseAttachmentInput(state, now, a));
				break;
			default:
				throw unknownProperty(key, TYPE);
		}
	}
	return input;
}

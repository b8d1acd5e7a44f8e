/**
 * Enough of RFC 5322 / 2045 to take a base64 MIME sendMail body apart: headers (folded, encoded words),
 * address lists, nested multiparts, base64 / quoted-printable parts, text and HTML bodies, attachments.
 * Bodies are handled as latin1 strings so bytes survive 1:1 until a charset is applied.
 */
import { GraphError } from '../errors';
import type { Address, InternetHeader } from '../types';
import { isStrictBase64 } from '../../util/base64';

export interface MimeAttachment {
	name: string;
	contentType: string;
	bytes: Buffer;
	isInline: boolean;
	contentId: string | null;
}

export interface ParsedMime {
	headers: InternetHeader[];
	subject: string;
	from?: Address;
	to: Address[];
	cc: Address[];
	bcc: Address[];
	replyTo: Address[];
	importance?: 'low' | 'normal' | 'high';
	textBody?: string;
	htmlBody?: string;
	attachments: MimeAttachment[];
}

const INVALID_BASE64 = () =>
	new GraphError(
		400,
		'ErrorMimeContentInvalidBase64String',
		'Invalid base64 string for MIME content.',
	);

/** The sendMail body: base64 of the MIME message, line breaks allowed, nothing else. */
export function decodeMimeBase64(body: Buffer): Buffer {
	const text = body.toString('latin1').replace(/[\r\n\t ]+/g, '');
	if (text.length === 0 || !isStrictBase64(text)) throw INVALID_BASE64();
	return Buffer.from(text, 'base64');
}

interface Entity {
	headers: InternetHeader[];
	body: string;
}

function splitEntity(raw: string): Entity {
	const m = /\r?\n\r?\n/.exec(raw);
	const headerText = m ? raw.slice(0, m.index) : raw;
	const body = m ? raw.slice(m.index + m[0].length) : '';
	const headers: InternetHeader[] = [];
	for (const line of headerText.split(/\r?\n/)) {
		const previous = headers.at(-1);
		if (/^[ \t]/.test(line) && previous) {
			previous.value += ` ${line.trim()}`;
			continue;
		}
		const colon = line.indexOf(':');
		if (colon <= 0) continue;
		headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
	}
	return { headers, body };
}

function header(headers: InternetHeader[], name: string): string | undefined {
	return headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
}

interface HeaderValue {
	value: string;
	params: Record<string, string>;
}

/** `type/subtype; a=b; c="d e"; name*=utf-8''x%20y` */
export function parseHeaderValue(text: string): HeaderValue {
	const parts: string[] = [];
	let current = '';
	let quoted = false;
	for (const ch of text) {
		if (ch === '"') quoted = !quoted;
		if (ch === ';' && !quoted) {
			parts.push(current);
			current = '';
			continue;
		}
		current += ch;
	}
	parts.push(current);
	const params: Record<string, string> = {};
	for (const part of parts.slice(1)) {
		const eq = part.indexOf('=');
		if (eq < 0) continue;
		let name = part.slice(0, eq).trim().toLowerCase();
		let value = part.slice(eq + 1).trim();
		if (value.startsWith('"') && value.endsWith('"'))
			value = value.slice(1, -1).replace(/\\(.)/g, '$1');
		if (name.endsWith('*')) {
			// RFC 2231: charset'language'percent-encoded
			name = name.slice(0, -1);
			const encoded = /^([^']*)'[^']*'(.*)$/.exec(value)?.[2];
			if (encoded !== undefined) {
				try {
					value = decodeURIComponent(encoded);
				} catch {
					value = encoded;
				}
			}
		}
		params[name] = value;
	}
	const [main = ''] = parts;
	return { value: main.trim().toLowerCase(), params };
}

function charsetDecode(latin1: string, charset: string | undefined): string {
	const bytes = Buffer.from(latin1, 'latin1');
	const cs = (charset ?? 'us-ascii').toLowerCase();
	if (cs === 'iso-8859-1' || cs === 'latin1' || cs === 'windows-1252')
		return bytes.toString('latin1');
	return bytes.toString('utf8');
}

/** RFC 2047 encoded words: =?utf-8?B?...?= and =?utf-8?Q?...?= */
export function decodeEncodedWords(text: string): string {
	return text
		.replace(/\?=\s+=\?/g, '?==?')
		.replace(
			/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g,
			(_whole, charset: string, encoding: string, data: string) => {
				const latin1 =
					encoding.toUpperCase() === 'B'
						? Buffer.from(data, 'base64').toString('latin1')
						: decodeQuotedPrintable(data.replace(/_/g, ' '));
				return charsetDecode(latin1, charset);
			},
		);
}

export function decodeQuotedPrintable(text: string): string {
	return text
		.replace(/=\r?\n/g, '')
		.replace(/=([0-9A-Fa-f]{2})/g, (_w, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function decodeTransfer(body: string, encoding: string | undefined): string {
	switch ((encoding ?? '7bit').toLowerCase()) {
		case 'base64':
			return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64').toString('latin1');
		case 'quoted-printable':
			return decodeQuotedPrintable(body);
		default:
			return body;
	}
}

/** `"Doe, Jane" <jane@x>, bob@y, Alex <alex@z>` -> addresses (groups are flattened). */
export function parseAddressList(text: string | undefined): Address[] {
	if (!text) return [];
	const entries: string[] = [];
	let current = '';
	let quoted = false;
	let angle = false;
	for (const ch of text) {
		if (ch === '"' && !angle) quoted = !quoted;
		else if (ch === '<' && !quoted) angle = true;
		else if (ch === '>' && !quoted) angle = false;
		if ((ch === ',' || ch === ';') && !quoted && !angle) {
			entries.push(current);
			current = '';
			continue;
		}
		current += ch;
	}
	entries.push(current);
	const result: Address[] = [];
	for (const raw of entries) {
		const entry = raw.replace(/^[^<"]*:\s*/, '').trim(); // drop a group label "team: "
		if (!entry) continue;
		const m = /^(.*)<([^>]*)>\s*$/.exec(entry);
		if (m) {
			const [, label = '', address = ''] = m;
			const name = label
				.trim()
				.replace(/^"(.*)"$/, '$1')
				.trim();
			result.push(name ? { name, address: address.trim() } : { address: address.trim() });
		} else {
			result.push({ address: entry });
		}
	}
	return result;
}

function splitMultipart(body: string, boundary: string): string[] {
	const delimiter = `--${boundary}`;
	const parts: string[] = [];
	let current: string[] | undefined;
	for (const line of body.split(/\r?\n/)) {
		if (line.startsWith(delimiter)) {
			const rest = line.slice(delimiter.length);
			if (rest.startsWith('--')) {
				if (current) parts.push(current.join('\r\n'));
				current = undefined;
				break;
			}
			if (rest.trim() === '') {
				if (current) parts.push(current.join('\r\n'));
				current = [];
				continue;
			}
		}
		current?.push(line);
	}
	if (current) parts.push(current.join('\r\n'));
	return parts;
}

/** Exchange Online takes at most 250 MIME parts (wire facts 6.4); nesting is bounded so that one request cannot exhaust memory. */
const MAX_MIME_PARTS = 250;
const MAX_MIME_NESTING = 20;

function mimeTooComplex(): GraphError {
	return new GraphError(
		400,
		'ErrorMimeContentInvalid',
		`The MIME content has more than ${MAX_MIME_PARTS} parts or multiparts nested more than ${MAX_MIME_NESTING} deep.`,
	);
}

function walk(entity: Entity, out: ParsedMime, budget: { parts: number }, depth = 0): void {
	const contentType = parseHeaderValue(
		header(entity.headers, 'Content-Type') ?? 'text/plain; charset=us-ascii',
	);
	if (contentType.value.startsWith('multipart/') && contentType.params.boundary) {
		if (depth >= MAX_MIME_NESTING) throw mimeTooComplex();
		for (const part of splitMultipart(entity.body, contentType.params.boundary)) {
			if (++budget.parts > MAX_MIME_PARTS) throw mimeTooComplex();
			walk(splitEntity(part), out, budget, depth + 1);
		}
		return;
	}
	const disposition = parseHeaderValue(header(entity.headers, 'Content-Disposition') ?? '');
	const fileName = disposition.params.filename ?? contentType.params.name;
	const content = decodeTransfer(entity.body, header(entity.headers, 'Content-Transfer-Encoding'));
	const isAttachment = disposition.value === 'attachment' || fileName !== undefined;
	if (!isAttachment && contentType.value === 'text/plain' && out.textBody === undefined) {
		out.textBody = charsetDecode(content, contentType.params.charset);
		return;
	}
	if (!isAttachment && contentType.value === 'text/html' && out.htmlBody === undefined) {
		out.htmlBody = charsetDecode(content, contentType.params.charset);
		return;
	}
	const contentId = header(entity.headers, 'Content-ID')?.replace(/^<|>$/g, '') ?? null;
	out.attachments.push({
		name: headerText(
			fileName ?? (contentType.value === 'message/rfc822' ? 'message.eml' : 'attachment'),
		),
		contentType: contentType.value || 'application/octet-stream',
		bytes: Buffer.from(content, 'latin1'),
		isInline: disposition.value === 'inline' && contentId !== null,
		contentId,
	});
}

/** A header as readable text: raw 8-bit bytes taken as UTF-8, then RFC 2047 words decoded. */
function headerText(value: string): string {
	return decodeEncodedWords(charsetDecode(value, 'utf-8'));
}

export function parseMime(raw: Buffer): ParsedMime {
	const entity = splitEntity(raw.toString('latin1'));
	const get = (name: string) => {
		const value = header(entity.headers, name);
		return value === undefined ? undefined : headerText(value);
	};
	const importance = get('Importance')?.toLowerCase();
	const out: ParsedMime = {
		headers: entity.headers.map((h) => ({ name: h.name, value: headerText(h.value) })),
		subject: get('Subject') ?? '',
		from: parseAddressList(get('From'))[0],
		to: parseAddressList(get('To')),
		cc: parseAddressList(get('Cc')),
		bcc: parseAddressList(get('Bcc')),
		replyTo: parseAddressList(get('Reply-To')),
		importance:
			importance === 'low' || importance === 'normal' || importance === 'high'
				? importance
				: undefined,
		attachments: [],
	};
	walk(entity, out, { parts: 0 });
	return out;
}

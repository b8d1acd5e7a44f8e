/**
 * The Send operation's fields, already read from n8n, turned into Graph's message JSON exactly as
 * `POST /me/sendMail` documents it. Pure: every problem is returned, never thrown, so the caller
 * can validate every item before anything is sent.
 */
import {
	addressProblem,
	parseAddresses,
	quoteForMessage,
	type EmailAddress,
} from '../../../helpers/addresses';
import type { Importance } from '../../../helpers/optionLists';
import { checkPathSegment } from '../../../helpers/pathSegment';
import { textOf } from '../../../helpers/valueText';

/** Exchange Online's default recipient limit per message (to + cc + bcc). */
export const MAX_RECIPIENTS = 500;

export type BodyType = 'text' | 'html';

export interface CustomHeader {
	name: string;
	value: string;
}

/** The operation's fields for one item, as n8n gives them (expressions already resolved). */
export interface SendFields {
	to: unknown;
	cc?: unknown;
	bcc?: unknown;
	replyTo?: unknown;
	subject?: unknown;
	bodyType?: BodyType;
	body?: unknown;
	importance?: Importance;
	readReceipt?: boolean;
	deliveryReceipt?: boolean;
	customHeaders?: CustomHeader[];
	categories?: unknown;
	from?: unknown;
	saveToSentItems?: boolean;
}

export interface GraphRecipient {
	emailAddress: EmailAddress;
}

export interface GraphFileAttachment {
	'@odata.type': '#microsoft.graph.fileAttachment';
	name: string;
	contentType?: string;
	contentBytes: string;
	isInline?: boolean;
	contentId?: string;
}

/** A Graph `message` for sending, with only the properties the user set. */
export interface GraphMessage {
	subject: string;
	body: { contentType: 'Text' | 'HTML'; content: string };
	toRecipients: GraphRecipient[];
	ccRecipients?: GraphRecipient[];
	bccRecipients?: GraphRecipient[];
	replyTo?: GraphRecipient[];
	from?: GraphRecipient;
	importance?: Importance;
	isReadReceiptRequested?: boolean;
	isDeliveryReceiptRequested?: boolean;
	internetMessageHeaders?: CustomHeader[];
	categories?: string[];
	/** Set by the node (Exactly Once): the item's idempotency key as the Message-ID. */
	internetMessageId?: string;
	attachments?: GraphFileAttachment[];
	singleValueExtendedProperties?: Array<{ id: string; value: string }>;
}

/** A problem with one field of one item; the operation adds the item number. */
export interface FieldProblem {
	field: string;
	message: string;
	/** How to fix it. */
	hint?: string;
}

export interface BuiltMessage {
	message: GraphMessage;
	saveToSentItems: boolean;
	recipients: { to: number; cc: number; bcc: number };
}

export type BuildResult =
	| { ok: true; value: BuiltMessage }
	| { ok: false; problems: FieldProblem[] };

const ADDRESS_HINT =
	'Separate addresses with commas or semicolons. To add a name, write the name, then the address in angle brackets; put the name in double quotes if it contains a comma.';

/** An address field as Graph recipients; each bad entry becomes a problem naming the field. */
export function recipients(
	field: string,
	value: unknown,
	problems: FieldProblem[],
): GraphRecipient[] {
	const parsed = parseAddresses(value);
	for (const problem of parsed.problems) {
		problems.push({
			field,
			message: `'${quoteForMessage(problem.input)}' ${problem.reason}`,
			hint: ADDRESS_HINT,
		});
	}
	return parsed.addresses.map((emailAddress) => ({ emailAddress }));
}

/** RFC 7230 token characters; Graph requires custom header names to start with `x-`. */
const HEADER_NAME = /^x-[A-Za-z0-9!#$%&'*+.^_`|~-]+$/i;

export function headerProblems(headers: CustomHeader[] | undefined): FieldProblem[] {
	const problems: FieldProblem[] = [];
	for (const header of headers ?? []) {
		const name = typeof header.name === 'string' ? header.name : String(header.name ?? '');
		const value = typeof header.value === 'string' ? header.value : String(header.value ?? '');
		if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) {
			problems.push({
				field: 'Custom Headers',
				message: `header '${quoteForMessage(name.trim() || '(no name)')}' contains a line break (CR or LF)`,
				hint: 'Header names and values must be on one line: remove the line breaks',
			});
			continue;
		}
		const trimmed = name.trim();
		if (!HEADER_NAME.test(trimmed)) {
			problems.push({
				field: 'Custom Headers',
				message: trimmed
					? `header name '${quoteForMessage(trimmed)}' must start with x- and contain no spaces, colons or other separators`
					: 'a header has no name',
				hint: 'Graph only accepts custom Internet message headers named x-something, e.g. x-order-number',
			});
		}
		if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value)) {
			problems.push({
				field: 'Custom Headers',
				message: `the value of header '${quoteForMessage(trimmed)}' contains control characters`,
			});
		}
	}
	return problems;
}

function categoriesOf(value: unknown, problems: FieldProblem[]): string[] {
	if (value === undefined || value === null || value === '') return [];
	const list = Array.isArray(value) ? value.flat(3) : textOf(value).split(',');
	const out: string[] = [];
	for (const entry of list) {
		if (entry === undefined || entry === null) continue;
		if (typeof entry === 'object') {
			problems.push({
				field: 'Categories',
				message: `'${quoteForMessage(JSON.stringify(entry))}' is not a category name`,
			});
			continue;
		}
		const name = String(entry).trim();
		if (name) out.push(name);
	}
	return [...new Set(out)];
}

/**
 * Graph's message JSON for one item, or every problem found in its fields. `requireRecipient:
 * false` (a draft) accepts a message without recipients.
 */
export function buildMessage(
	fields: SendFields,
	options: { requireRecipient?: boolean } = {},
): BuildResult {
	const problems: FieldProblem[] = [];
	const to = recipients('To', fields.to, problems);
	const cc = recipients('CC', fields.cc, problems);
	const bcc = recipients('BCC', fields.bcc, problems);
	const replyTo = recipients('Reply-To', fields.replyTo, problems);

	const invalidRecipientEntries = problems.some((p) => ['To', 'CC', 'BCC'].includes(p.field));
	const requireRecipient = options.requireRecipient !== false;
	if (requireRecipient && !invalidRecipientEntries && to.length + cc.length + bcc.length === 0) {
		problems.push({
			field: 'To',
			message: 'no recipient: To is empty (and so are CC and BCC)',
			hint: 'Give at least one address in To, or map a field of the input item that holds one',
		});
	}
	const total = to.length + cc.length + bcc.length;
	if (total > MAX_RECIPIENTS) {
		problems.push({
			field: 'To/CC/BCC',
			message: `${total} recipients; Exchange Online accepts at most ${MAX_RECIPIENTS} per message`,
			hint: 'Split the recipients over several items (one mail each)',
		});
	}

	let from: GraphRecipient | undefined;
	if (fields.from !== undefined && fields.from !== null && fields.from !== '') {
		const fromList = recipients('From', fields.from, problems);
		if (fromList.length > 1) {
			problems.push({
				field: 'From',
				message: `${fromList.length} addresses given; a message has one sender`,
			});
		} else if (fromList.length === 1) {
			from = fromList[0];
		}
	}

	problems.push(...headerProblems(fields.customHeaders));
	const categories = categoriesOf(fields.categories, problems);

	if (problems.length > 0) return { ok: false, problems };

	const message: GraphMessage = {
		subject: textOf(fields.subject),
		body: {
			contentType: fields.bodyType === 'html' ? 'HTML' : 'Text',
			content: textOf(fields.body),
		},
		toRecipients: to,
	};
	if (cc.length) message.ccRecipients = cc;
	if (bcc.length) message.bccRecipients = bcc;
	if (replyTo.length) message.replyTo = replyTo;
	if (from) message.from = from;
	if (fields.importance) message.importance = fields.importance;
	if (fields.readReceipt !== undefined) message.isReadReceiptRequested = fields.readReceipt;
	if (fields.deliveryReceipt !== undefined)
		message.isDeliveryReceiptRequested = fields.deliveryReceipt;
	if (fields.customHeaders?.length) {
		message.internetMessageHeaders = fields.customHeaders.map((header) => ({
			name: String(header.name).trim(),
			value: String(header.value ?? ''),
		}));
	}
	if (categories.length) message.categories = categories;
	return {
		ok: true,
		value: {
			message,
			saveToSentItems: fields.saveToSentItems !== false,
			recipients: { to: to.length, cc: cc.length, bcc: bcc.length },
		},
	};
}

/** `me`, or a user id (GUID) or user principal name for `/users/{id}`; undefined with a problem otherwise. */
export function mailboxOf(value: unknown): { mailbox: string } | { problem: FieldProblem } {
	const text = value === undefined || value === null ? '' : textOf(value).trim();
	if (text === '' || text.toLowerCase() === 'me') return { mailbox: 'me' };
	const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text);
	if ((!guid && addressProblem(text) !== undefined) || 'problem' in checkPathSegment(text)) {
		return {
			problem: {
				field: 'Mailbox',
				message: `'${quoteForMessage(text)}' is not a user ID or user principal name`,
				hint: 'Give the mailbox as a user principal name (e.g. shared@contoso.com) or an Entra user ID (a GUID), or leave it empty for the connected account',
			},
		};
	}
	return { mailbox: text };
}

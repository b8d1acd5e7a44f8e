import { NodeOperationError, type INode } from 'n8n-workflow';

import { quoteForMessage } from './addresses';
import { itemMessage } from './itemText';

/**
 * One URL path segment for an id or mailbox (message id, folder id, attachment id, user id or
 * UPN). Ids reach the node from expressions, webhooks and AI agents, so a value must never reach
 * another resource: `..` would make `/me/messages/..` resolve to `/me/`. Pure: no I/O.
 */

export type SegmentCheck = { segment: string } | { problem: string };

/** How many rounds of percent-decoding are undone when looking for a dot segment (`%252e%252e`). */
const DECODE_ROUNDS = 4;

/** Characters encodeURIComponent leaves alone but OData parsers read as syntax (`messages('x')`). */
const STRICT = /[!'()*]/g;

function decodedForms(value: string): string[] {
	const forms = [value];
	let current = value;
	for (let round = 0; round < DECODE_ROUNDS && current.includes('%'); round++) {
		try {
			current = decodeURIComponent(current);
		} catch {
			break;
		}
		forms.push(current);
	}
	return forms;
}

/** Whether a form is empty, blank, or a dot segment as URL parsers see it (`.`, `..`, `.%2e`). */
function isDotOrBlank(form: string): boolean {
	const text = form.trim();
	return text === '' || /^(\.|%2e){1,2}$/i.test(text);
}

/**
 * Encodes `value` as exactly one path segment, or names why it cannot be one: empty, only
 * whitespace, `.` or `..` (in any percent-encoded form), parentheses (Graph reads `name(key)` as
 * two segments, even percent-encoded; no Graph id or UPN has them), or text that is not valid Unicode.
 */
export function checkPathSegment(value: string): SegmentCheck {
	const forms = decodedForms(value);
	if (forms.some((form) => /[()]/.test(form))) {
		return { problem: `'${quoteForMessage(value)}' is not an ID: IDs have no parentheses` };
	}
	if (forms.some(isDotOrBlank)) {
		return {
			problem:
				value.trim() === ''
					? 'is empty'
					: `'${quoteForMessage(value)}' is not an ID: it would point at another resource`,
		};
	}
	let encoded: string;
	try {
		encoded = encodeURIComponent(value);
	} catch {
		return { problem: 'contains text that is not valid Unicode' };
	}
	return {
		segment: encoded.replace(STRICT, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`),
	};
}

/** The encoded segment, or a NodeOperationError naming the field and the item ([item N]); nothing is sent. */
export function idSegment(node: INode, value: string, field: string, itemIndex?: number): string {
	const checked = checkPathSegment(value);
	if ('segment' in checked) return checked.segment;
	const message = `${field} ${checked.problem}`;
	throw new NodeOperationError(
		node,
		itemIndex === undefined ? message : itemMessage(message, itemIndex),
		{
			itemIndex,
			description: `Give the ${field} exactly as Microsoft Graph returned it (for example from Get Many or the trigger). Nothing was sent.`,
		},
	);
}

/** Graph path of a mailbox: `/me`, or `/users/{one segment}` for a user id or UPN that passed checkPathSegment. */
export function mailboxPath(mailbox: string): string {
	if (mailbox === 'me') return '/me';
	const checked = checkPathSegment(mailbox);
	if ('problem' in checked) throw new Error(`Mailbox ${checked.problem}`);
	return `/users/${checked.segment}`;
}

import {
	NodeOperationError,
	type IExecuteFunctions,
	type ILoadOptionsFunctions,
} from 'n8n-workflow';

import { APP_ONLY_MAILBOX_HINT, checkAppOnlyMailbox } from '../helpers/appOnlyMailbox';
import { checkPathSegment } from '../helpers/pathSegment';
import { usesAppOnly } from '../transport/appOnlyAuth';
import { itemMessage } from '../helpers/itemText';

/** Which mailbox a read goes to (Get, Get Many, the list searches): `/me` or `/users/{id}`, checked before any request. */

/** Well-known folder names Graph accepts in place of an id in every mailbox language (case-insensitive). */
export const WELL_KNOWN_FOLDERS = new Set([
	'archive',
	'clutter',
	'conversationhistory',
	'deleteditems',
	'drafts',
	'inbox',
	'junkemail',
	'outbox',
	'sentitems',
]);

export interface MailboxRef {
	/** Key for the client's in-flight cap: `me` or the user as entered. */
	mailbox: string;
	/** `/me` or `/users/{encoded id or UPN}`. */
	base: string;
}

export function mailboxRef(kind: string, userId: string): MailboxRef | { problem: string } {
	if (kind !== 'user') return { mailbox: 'me', base: '/me' };
	const user = userId.trim();
	if (user === '') return { problem: 'No user is set for the mailbox' };
	const checked = checkPathSegment(user);
	if ('problem' in checked) return { problem: `User ${checked.problem}` };
	return { mailbox: user, base: `/users/${checked.segment}` };
}

export function mailboxOf(ctx: IExecuteFunctions, itemIndex: number): MailboxRef {
	if (usesAppOnly(ctx.getNode())) {
		const ref = checkAppOnlyMailbox(ctx.getNodeParameter('appOnlyMailbox', itemIndex, ''));
		if ('problem' in ref) throw new NodeOperationError(ctx.getNode(), ref.problem, { itemIndex, description: APP_ONLY_MAILBOX_HINT });
		return ref;
	}
	const kind = ctx.getNodeParameter('mailbox', itemIndex, 'me') as string;
	const userId = kind === 'user' ? String(ctx.getNodeParameter('userId', itemIndex, '') ?? '') : '';
	const ref = mailboxRef(kind, userId);
	if ('problem' in ref) {
		throw new NodeOperationError(ctx.getNode(), itemMessage(ref.problem, itemIndex), {
			itemIndex,
			description: "Enter the mailbox owner's user principal name (e.g. alex@contoso.com) or user ID",
		});
	}
	return ref;
}

/** The mailbox as currently set in the editor, for list searches. */
export function mailboxInEditor(ctx: ILoadOptionsFunctions): MailboxRef {
	if (usesAppOnly(ctx.getNode())) {
		const value = String(ctx.getCurrentNodeParameter('appOnlyMailbox') ?? '');
		const ref = value.startsWith('=') ? { problem: 'The list needs a fixed mailbox, not an expression' } : checkAppOnlyMailbox(value);
		if ('problem' in ref) throw new NodeOperationError(ctx.getNode(), ref.problem, { description: APP_ONLY_MAILBOX_HINT });
		return ref;
	}
	const kind = String(ctx.getCurrentNodeParameter('mailbox') ?? 'me');
	const userId = String(ctx.getCurrentNodeParameter('userId') ?? '');
	if (kind.startsWith('=') || (kind === 'user' && userId.startsWith('='))) {
		throw new NodeOperationError(ctx.getNode(), 'The list needs a fixed user, not an expression', {
			description: 'Enter the user as plain text to pick a folder from the list, or enter the folder ID',
		});
	}
	const ref = mailboxRef(kind, userId);
	if ('problem' in ref) {
		throw new NodeOperationError(ctx.getNode(), ref.problem, { description: 'Enter the user first' });
	}
	return ref;
}

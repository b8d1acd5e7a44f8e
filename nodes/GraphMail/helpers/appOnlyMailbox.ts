/**
 * The node side of app-only access: the Authentication choice, the credentials it selects, and the
 * mailbox every operation and the trigger then need (there is no signed-in user, so no `/me`).
 * Pure: no I/O.
 */
import type { INodeProperties } from 'n8n-workflow';

import { checkPathSegment } from './pathSegment';
import { quoteForMessage } from './addresses';
import { textOf } from './valueText';

/** Name of the nodes' credential test for the app-only credential (methods.credentialTest, `testedBy` in the node files). */
export const APP_ONLY_TEST = 'graphMailAppOnlyTest';

export const authenticationProperty: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Delegated (Signed-In User)',
			value: 'delegated',
			description: 'A person connects their account (OAuth2 authorization code)',
		},
		{
			name: 'App-Only (Client Credentials)',
			value: 'appOnly',
			description: 'The app acts on its own, on the mailboxes its application access policy allows',
		},
	],
	default: 'delegated',
};

export const appOnlyMailboxProperty: INodeProperties = {
	displayName: 'Mailbox',
	name: 'appOnlyMailbox',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. no-reply@contoso.com',
	description:
		'The mailbox to use, as a user principal name or user ID; may differ from item to item. App-only access has no signed-in user, so it always names the mailbox.',
	displayOptions: { show: { authentication: ['appOnly'] } },
};

export const APP_ONLY_MAILBOX_HINT =
	'Enter the mailbox as a user principal name (e.g. no-reply@contoso.com) or user ID in the Mailbox field';

/** The app-only mailbox as a path segment, or why it cannot be used (checked before any request). */
export function checkAppOnlyMailbox(
	value: unknown,
): { mailbox: string; base: string } | { problem: string } {
	const text = value === undefined || value === null ? '' : textOf(value).trim();
	if (text === '')
		return {
			problem:
				'No mailbox is set: app-only access has no signed-in user, so the Mailbox field is required',
		};
	if (text.toLowerCase() === 'me') {
		return { problem: "'me' is not a mailbox with app-only access: there is no signed-in user" };
	}
	const checked = checkPathSegment(text);
	if ('problem' in checked) return { problem: `Mailbox ${checked.problem}` };
	if (
		!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text) &&
		!text.includes('@')
	) {
		return {
			problem: `Mailbox '${quoteForMessage(text)}' is not a user principal name or user ID`,
		};
	}
	return { mailbox: text, base: `/users/${checked.segment}` };
}

/** Send's form of the check: a field problem listed with the item's other problems. */
export function appOnlySendMailbox(
	value: unknown,
): { mailbox: string } | { problem: { field: string; message: string; hint: string } } {
	const checked = checkAppOnlyMailbox(value);
	if ('problem' in checked)
		return { problem: { field: 'Mailbox', message: checked.problem, hint: APP_ONLY_MAILBOX_HINT } };
	return { mailbox: checked.mailbox };
}

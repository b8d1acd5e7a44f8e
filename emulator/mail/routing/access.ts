/**
 * Who may do what. Own mailbox: the delegated Mail.* scope for the operation. Another user's mailbox:
 * a fullAccess grant AND the matching `.Shared` scope, else 403 ErrorAccessDenied.
 */
import type { Caller } from '../../contract';
import { appOnlyPolicyAllows } from '../../identity/app-access';
import { accessDenied, GraphError } from '../errors';
import { findUserByKey, rightsOf } from '../storage/users';
import type { MailState, ServiceConfig } from '../types';

/** readBasic: message/folder metadata (Mail.ReadBasic suffices); read: bodies, MIME and attachments. */
export type AccessKind =
	| 'directory'
	| 'readBasic'
	| 'read'
	| 'write'
	| 'send'
	| 'settingsRead'
	| 'settingsWrite';

const FULL_READ = ['mail.read', 'mail.readwrite', 'mail.read.shared', 'mail.readwrite.shared'];

/** The `.Shared` scopes include the caller's own mailbox (Microsoft's permission reference). */
const OWN_SCOPES: Record<Exclude<AccessKind, 'directory'>, string[]> = {
	readBasic: ['mail.readbasic', 'mail.readbasic.shared', ...FULL_READ],
	read: FULL_READ,
	write: ['mail.readwrite', 'mail.readwrite.shared'],
	send: ['mail.send', 'mail.send.shared'],
	settingsRead: ['mailboxsettings.read', 'mailboxsettings.readwrite'],
	settingsWrite: ['mailboxsettings.readwrite'],
};

const SHARED_SCOPES: Record<Exclude<AccessKind, 'directory'>, string[]> = {
	readBasic: ['mail.readbasic.shared', 'mail.read.shared', 'mail.readwrite.shared'],
	read: ['mail.read.shared', 'mail.readwrite.shared'],
	write: ['mail.readwrite.shared'],
	send: ['mail.send.shared'],
	// MailboxSettings has no .Shared scope: another user's settings need application permissions
	settingsRead: [],
	settingsWrite: [],
};

/** Scope names without a resource prefix, lower-case (`https://graph.microsoft.com/Mail.Send` -> `mail.send`). */
export function normalisedScopes(caller: Caller): Set<string> {
	return new Set(caller.scopes.map((s) => s.replace(/^https?:\/\/[^/]+\//i, '').toLowerCase()));
}

export function hasAnyScope(config: ServiceConfig, caller: Caller, wanted: string[]): boolean {
	if (!config.enforceScopes) return true;
	const scopes = normalisedScopes(caller);
	// `.default` stands for everything the app was consented to
	return scopes.has('.default') || wanted.some((s) => scopes.has(s));
}

export function authorize(
	state: MailState,
	config: ServiceConfig,
	caller: Caller,
	mailboxId: string,
	kind: AccessKind,
): void {
	if (caller.app) return authorizeApp(state, config, caller, mailboxId, kind);
	if (kind === 'directory') return;
	const own = mailboxId.toLowerCase() === caller.userId.toLowerCase();
	if (own) {
		if (!hasAnyScope(config, caller, OWN_SCOPES[kind])) throw accessDenied();
		return;
	}
	if (!rightsOf(state, mailboxId, caller.userId).fullAccess) throw accessDenied();
	if (!hasAnyScope(config, caller, SHARED_SCOPES[kind])) throw accessDenied();
}

export function hasSendSharedScope(config: ServiceConfig, caller: Caller): boolean {
	return hasAnyScope(config, caller, SHARED_SCOPES.send);
}

/** Mail.ReadBasic only: Graph leaves out body, uniqueBody, bodyPreview and attachments. */
export function readsBasicOnly(config: ServiceConfig, caller: Caller): boolean {
	return !hasAnyScope(config, caller, FULL_READ);
}

/** Graph's answer for a mailbox outside the app's application access policy. */
export const ACCESS_POLICY_DENIED =
	'Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings.';

/** App-only: the application access policy first, then the role for the operation (own-mailbox rules: the app holds no .Shared roles). */
function authorizeApp(
	state: MailState,
	config: ServiceConfig,
	caller: Caller,
	mailboxId: string,
	kind: AccessKind,
): void {
	if (!appOnlyPolicyAllows(caller, mailboxId, (key) => findUserByKey(state, key)?.id)) {
		throw new GraphError(403, 'ErrorAccessDenied', ACCESS_POLICY_DENIED);
	}
	if (kind === 'directory') return;
	if (!hasAnyScope(config, caller, OWN_SCOPES[kind])) throw accessDenied();
}

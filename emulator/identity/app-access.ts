import type { Caller } from '../contract';

/**
 * The application access policy (Exchange `New-ApplicationAccessPolicy`, or RBAC for
 * Applications): an app-only caller may use only the mailboxes listed for its app. `resolve`
 * turns a listed id, UPN or address into a mailbox id.
 */
export function appOnlyPolicyAllows(
	caller: Caller,
	mailboxId: string,
	resolve: (key: string) => string | undefined,
): boolean {
	const listed = caller.app?.mailboxes;
	if (!listed) return true;
	const wanted = mailboxId.toLowerCase();
	return listed.some((entry) => (resolve(entry) ?? entry.toLowerCase()) === wanted);
}

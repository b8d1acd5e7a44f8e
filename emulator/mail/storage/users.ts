/** The tenant directory: users, address resolution and mailbox grants. */
import type { EmulatorUser } from '../../contract';
import { newGuid } from './ids';
import type { DirectoryUser, MailboxRights, MailState } from '../types';

export type NewUser = Partial<EmulatorUser> & {
	userPrincipalName: string;
	displayName: string;
	proxyAddresses?: string[];
	jobTitle?: string | null;
	officeLocation?: string | null;
	mobilePhone?: string | null;
	preferredLanguage?: string | null;
	businessPhones?: string[];
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function makeDirectoryUser(input: NewUser): DirectoryUser {
	const id = (input.id ?? newGuid()).toLowerCase();
	if (!GUID.test(id)) throw new Error(`user id must be a GUID: ${input.id}`);
	const [first, ...rest] = input.displayName.split(' ');
	return {
		id,
		userPrincipalName: input.userPrincipalName,
		mail: input.mail ?? input.userPrincipalName,
		displayName: input.displayName,
		givenName: input.givenName ?? first,
		surname: input.surname ?? (rest.join(' ') || undefined),
		proxyAddresses: input.proxyAddresses ?? [],
		jobTitle: input.jobTitle ?? null,
		mobilePhone: input.mobilePhone ?? null,
		officeLocation: input.officeLocation ?? null,
		preferredLanguage: input.preferredLanguage ?? 'en-US',
		businessPhones: input.businessPhones ?? [],
	};
}

/** Public view for the control API (contract shape plus harmless extras). */
export function publicUser(user: DirectoryUser): EmulatorUser {
	return {
		id: user.id,
		userPrincipalName: user.userPrincipalName,
		mail: user.mail,
		displayName: user.displayName,
		givenName: user.givenName,
		surname: user.surname,
	};
}

/** `/users/{id | userPrincipalName}`: GUID or UPN (also the primary mail), case-insensitive. */
export function findUserByKey(state: MailState, key: string): DirectoryUser | undefined {
	const lower = key.toLowerCase();
	const byId = state.users.get(lower);
	if (byId) return byId;
	for (const user of state.users.values()) {
		if (user.userPrincipalName.toLowerCase() === lower || user.mail.toLowerCase() === lower)
			return user;
	}
	return undefined;
}

/** Which local mailbox an SMTP address delivers to (mail, UPN or a proxy address). */
export function findUserByAddress(state: MailState, address: string): DirectoryUser | undefined {
	const lower = address.trim().toLowerCase();
	for (const user of state.users.values()) {
		if (user.mail.toLowerCase() === lower || user.userPrincipalName.toLowerCase() === lower)
			return user;
		if (user.proxyAddresses.some((p) => p.toLowerCase() === lower)) return user;
	}
	return undefined;
}

export function rightsOf(state: MailState, mailboxId: string, delegateId: string): MailboxRights {
	const rights = state.grants.get(mailboxId.toLowerCase())?.get(delegateId.toLowerCase());
	return rights ?? { fullAccess: false, sendAs: false, sendOnBehalf: false };
}

export function setRights(
	state: MailState,
	mailboxId: string,
	delegateId: string,
	rights: { fullAccess?: boolean; sendAs?: boolean; sendOnBehalf?: boolean },
): void {
	const mailboxKey = mailboxId.toLowerCase();
	const current = rightsOf(state, mailboxKey, delegateId);
	const next: MailboxRights = {
		fullAccess: rights.fullAccess ?? current.fullAccess,
		sendAs: rights.sendAs ?? current.sendAs,
		sendOnBehalf: rights.sendOnBehalf ?? current.sendOnBehalf,
	};
	let byDelegate = state.grants.get(mailboxKey);
	if (!byDelegate) {
		byDelegate = new Map();
		state.grants.set(mailboxKey, byDelegate);
	}
	byDelegate.set(delegateId.toLowerCase(), next);
}

import { AadError } from './aad-error';

/** OpenID Connect scopes: allowed next to any resource's scopes, kept in lower case. */
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;

/** The Graph permissions the emulator knows, in their canonical spelling, with consent-page words. */
const GRAPH_SCOPES: Record<string, string> = {
	'User.Read': 'Sign you in and read your profile',
	'User.ReadBasic.All': "Read all users' basic profiles",
	'User.Read.All': "Read all users' full profiles",
	'Mail.ReadBasic': 'Read basic properties of your mail',
	'Mail.Read': 'Read your mail',
	'Mail.ReadWrite': 'Read and write access to your mail',
	'Mail.Send': 'Send mail as you',
	'Mail.Read.Shared': 'Read mail you can access, including shared mail',
	'Mail.ReadWrite.Shared': 'Read and write mail you can access, including shared mail',
	'Mail.Send.Shared': 'Send mail on behalf of others or yourself',
	'MailboxSettings.Read': 'Read your mailbox settings',
	'MailboxSettings.ReadWrite': 'Read and write your mailbox settings',
};

const OIDC_WORDS: Record<string, string> = {
	openid: 'Sign you in',
	profile: 'View your basic profile',
	email: 'View your email address',
	offline_access: 'Maintain access to data you have given it access to',
};

/** What `.default` stands for: the permissions configured on the emulator's apps. */
export const DEFAULT_APP_PERMISSIONS = ['User.Read', 'Mail.ReadWrite', 'Mail.Send'];

const GRAPH_RESOURCE = 'https://graph.microsoft.com/';
const GRAPH_APP_ID_RESOURCE = '00000003-0000-0000-c000-000000000000/';

const canonicalByLower = new Map(
	Object.keys(GRAPH_SCOPES).map((name) => [name.toLowerCase(), name]),
);

function invalidScope(detail: string): AadError {
	return new AadError(
		400,
		'invalid_scope',
		70011,
		`The provided value for the input parameter 'scope' is not valid. ${detail}`,
	);
}

/**
 * Normalises a space-separated scope string: strips the Graph resource prefix, fixes casing,
 * drops duplicates and expands `.default`. Throws AadError (AADSTS70011) for anything invalid.
 */
export function normaliseScopes(raw: string | string[]): string[] {
	const items = (Array.isArray(raw) ? raw.join(' ') : raw).split(/\s+/).filter(Boolean);
	if (items.length === 0) {
		throw new AadError(
			400,
			'invalid_request',
			900144,
			"The request body must contain the following parameter: 'scope'.",
		);
	}
	const oidc: string[] = [];
	const graph: string[] = [];
	let usesDefault = false;
	for (const item of items) {
		const lower = item.toLowerCase();
		if ((OIDC_SCOPES as readonly string[]).includes(lower)) {
			if (!oidc.includes(lower)) oidc.push(lower);
			continue;
		}
		let name = lower;
		if (name.startsWith(GRAPH_RESOURCE)) name = name.slice(GRAPH_RESOURCE.length);
		else if (name.startsWith(GRAPH_APP_ID_RESOURCE))
			name = name.slice(GRAPH_APP_ID_RESOURCE.length);
		else if (name.includes('/')) throw invalidScope(`The scope ${item} is not valid.`);
		if (name === '.default') {
			usesDefault = true;
			continue;
		}
		const canonical = canonicalByLower.get(name);
		if (!canonical) throw invalidScope(`The scope ${item} is not valid.`);
		if (!graph.includes(canonical)) graph.push(canonical);
	}
	if (usesDefault && graph.length > 0) {
		throw invalidScope(
			`The scope ${items.join(' ')} is not valid. .default scope can't be combined with resource-specific scopes.`,
		);
	}
	return [...oidc, ...(usesDefault ? DEFAULT_APP_PERMISSIONS : graph)];
}

export function describeScope(scope: string): string {
	return OIDC_WORDS[scope] ?? GRAPH_SCOPES[scope] ?? scope;
}

export function hasAnyScope(granted: readonly string[], wanted: readonly string[]): boolean {
	return wanted.some((scope) => granted.includes(scope));
}

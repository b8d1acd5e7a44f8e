/**
 * What the transport needs to know about app-only access: which credential type a node uses,
 * renewing the stored token shortly before it expires, a token failure told apart from Graph's
 * answers, and Graph's "outside the application access policy" refusal in words.
 */
import {
	NodeOperationError,
	type IAdditionalCredentialOptions,
	type ICredentialDataDecryptedObject,
	type INode,
} from 'n8n-workflow';

import { RENEW_BEFORE_MS } from '../../../credentials/appOnlyToken';
import type { GraphErrorDetails } from './graphError';

export const DELEGATED_CREDENTIAL = 'graphMailOAuth2Api';
export const APP_ONLY_CREDENTIAL = 'graphMailAppOnlyApi';

/** The node's Authentication choice (absent on nodes saved before app-only existed: delegated). */
export function usesAppOnly(node: INode): boolean {
	return node.parameters.authentication === 'appOnly';
}

export function credentialTypeOf(node: INode): string {
	return usesAppOnly(node) ? APP_ONLY_CREDENTIAL : DELEGATED_CREDENTIAL;
}

/**
 * n8n-core asks the credential for a new token only when the stored one is empty or Graph
 * answered 401. A token about to expire is renewed before use instead: the request goes out with
 * the token field emptied, so n8n-core gets (and stores) a new one first.
 */
export class AppOnlyRenewal {
	private expiresAt: number;

	constructor(
		private readonly node: INode,
		private readonly credentials: ICredentialDataDecryptedObject,
	) {
		this.expiresAt = Number(credentials.expiresAt ?? 0) || 0;
	}

	/** Options for the next request: undefined while the stored token is good (or empty: n8n-core fetches one then). */
	options(nowMs: number): IAdditionalCredentialOptions | undefined {
		if (!this.credentials.accessToken || this.expiresAt - RENEW_BEFORE_MS > nowMs) return undefined;
		const stored = this.node.credentials?.[APP_ONLY_CREDENTIAL];
		if (!stored?.id) return undefined;
		const data = { ...this.credentials, accessToken: '' };
		return {
			credentialsDecrypted: { id: stored.id, name: stored.name, type: APP_ONLY_CREDENTIAL, data },
		};
	}

	/** After a request that renewed: the new expiry (n8n-core merged the credential's answer into `data`). */
	renewed(options: IAdditionalCredentialOptions | undefined): void {
		const data = options?.credentialsDecrypted?.data;
		if (!data || !data.accessToken) return;
		this.credentials.accessToken = data.accessToken;
		this.expiresAt = Number(data.expiresAt ?? 0) || 0;
	}
}

/** The credential's token failure (AppOnlyTokenError) inside whatever n8n-core wrapped it in. */
export function appOnlyTokenFailureOf(
	error: unknown,
): { message: string; retryable: boolean } | undefined {
	const seen = new Set<unknown>();
	let current: unknown = error;
	while (current && typeof current === 'object' && !seen.has(current)) {
		seen.add(current);
		const candidate = current as {
			appOnlyTokenError?: unknown;
			message?: unknown;
			retryable?: unknown;
			cause?: unknown;
		};
		if (candidate.appOnlyTokenError === true && typeof candidate.message === 'string') {
			return { message: candidate.message, retryable: candidate.retryable === true };
		}
		current = candidate.cause;
	}
	return undefined;
}

export function appOnlyTokenError(
	node: INode,
	message: string,
	itemIndex?: number,
): NodeOperationError {
	return new NodeOperationError(node, message, {
		itemIndex,
		description:
			'Open the Microsoft Graph Mail App-Only credential and correct it; its test (on Save) says what Microsoft reports. Nothing was sent.',
	});
}

/** Graph's 403 for a mailbox outside the app's application access policy (RBAC for Applications answers alike). */
export function isAccessPolicyRefusal(details: GraphErrorDetails): boolean {
	return (
		details.status === 403 &&
		(/AppOnly\s*AccessPolicy|\[RAOP\]/i.test(details.message) ||
			details.message.startsWith(ACCESS_POLICY_MESSAGE))
	);
}

/** App-only words for Graph's 403s (outside the access policy, or no role for the request); undefined for others. */
export function appOnlyRefusal(
	node: INode,
	details: Pick<GraphErrorDetails, 'status' | 'code' | 'message'>,
): { message: string; description: string } | undefined {
	if (!usesAppOnly(node) || details.status !== 403) return undefined;
	if (isAccessPolicyRefusal(details as GraphErrorDetails)) {
		return {
			message: ACCESS_POLICY_MESSAGE,
			description: ACCESS_POLICY_DESCRIPTION + details.message,
		};
	}
	if (details.code === 'ErrorAccessDenied' || details.code === 'Authorization_RequestDenied') {
		return {
			message: 'The app has no application permission for this request',
			description: `Sending needs the Microsoft Graph application permission Mail.Send; reading, drafts, large attachments and exactly-once need Mail.ReadWrite. Add them under API permissions and grant admin consent; the credential's test (on Save) lists what is missing. Graph said: ${details.message}`,
		};
	}
	return undefined;
}

export const ACCESS_POLICY_MESSAGE =
	"The mailbox is outside the app's application access policy: Exchange Online blocked the app from it";

export const ACCESS_POLICY_DESCRIPTION =
	'An Exchange administrator limits which mailboxes the app may use (New-ApplicationAccessPolicy, or RBAC for Applications with a management scope). Add this mailbox to the group or scope the policy allows, or use a mailbox it already allows. Graph said: ';

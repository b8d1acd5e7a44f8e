import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import {
	AppOnlyTokenCache,
	appOnlyToken,
	missingRoles,
	REQUIRED_ROLES,
} from '../../../credentials/appOnlyToken';

/**
 * The app-only credential's test (n8n runs it on Save): gets a fresh token and checks that its
 * roles hold the application permissions the nodes need, saying in words what is missing.
 */
export async function graphMailAppOnlyTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	try {
		const token = await appOnlyToken(
			data,
			// The test context offers only the deprecated `request` helper, so the test posts itself.
			async (url, form) => {
				const answer = await fetch(url, {
					method: 'POST',
					body: form,
					headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
					redirect: 'error',
					signal: AbortSignal.timeout(30_000),
				});
				return { status: answer.status, body: await answer.text() };
			},
			// A test always asks Microsoft: a cached token would hide a secret that stopped working.
			{ nowMs: Date.now(), cache: new AppOnlyTokenCache() },
		);
		if (token.roles === undefined) {
			return { status: 'OK', message: 'Connection successful: Microsoft issued an app-only token' };
		}
		const missing = missingRoles(token.roles);
		if (missing.length > 0) {
			return {
				status: 'Error',
				message: `Microsoft issued a token, but the app lacks the application permission${missing.length === 1 ? '' : 's'} ${missing.join(' and ')} (it has: ${token.roles.join(', ') || 'none'}). Add ${missing.length === 1 ? 'it' : 'them'} under API permissions > Microsoft Graph > Application permissions and grant admin consent.`,
			};
		}
		return {
			status: 'OK',
			message: `Connection successful: app-only token with ${REQUIRED_ROLES.join(' and ')}`,
		};
	} catch (error) {
		return { status: 'Error', message: error instanceof Error ? error.message : String(error) };
	}
}

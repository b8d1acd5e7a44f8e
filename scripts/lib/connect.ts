import { approveOnConsentPage } from './consentPage';
import type { N8nClient } from './n8n-rest';

export const CREDENTIAL_TYPE = 'graphMailOAuth2Api';

/** The visible fields of a Graph Mail credential that points at an emulator (Custom cloud). */
export function emulatorCredentialData(emulator: {
	loginBaseUrl: string;
	graphBaseUrl: string;
	app: { clientId: string; clientSecret: string };
}): Record<string, unknown> {
	return {
		grantType: 'authorizationCode',
		cloud: 'custom',
		customLoginUrl: emulator.loginBaseUrl,
		customGraphUrl: emulator.graphBaseUrl,
		tenantId: 'common',
		clientId: emulator.app.clientId,
		clientSecret: emulator.app.clientSecret,
		// Least privilege: the examples use the connected account's own mailbox only.
		additionalScopes: '',
	};
}

/**
 * The editor's Connect button without a browser: n8n's authorize URL, the emulator's consent
 * (as `user`), then n8n's callback with the owner's session. Fails unless n8n stored a token.
 */
export async function connectHeadless(client: N8nClient, credentialId: string, user?: string): Promise<void> {
	const authorizeUrl = await client.oauth2AuthUrl(credentialId);
	const callback = await approveOnConsentPage(authorizeUrl, user);
	const callbackUrl = new URL(callback);
	if (callbackUrl.searchParams.get('error')) {
		throw new Error(`the emulator refused the sign-in: ${callbackUrl.searchParams.get('error_description') ?? callbackUrl.searchParams.get('error')}`);
	}
	const page = await client.oauth2Callback(callback);
	if (page.status !== 200 || !(await client.isConnected(credentialId))) {
		const text = page.html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
		throw new Error(`n8n's OAuth callback did not connect the credential (${page.status}): ${text.slice(0, 600)}`);
	}
}

/** Creates a Graph Mail credential pointed at the emulator and connects it as `user`. */
export async function createConnectedCredential(
	client: N8nClient,
	emulator: Parameters<typeof emulatorCredentialData>[0],
	options: { name: string; user?: string },
): Promise<string> {
	const credential = await client.createCredential(options.name, CREDENTIAL_TYPE, emulatorCredentialData(emulator));
	await connectHeadless(client, credential.id, options.user);
	return credential.id;
}

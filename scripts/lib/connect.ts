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

function unescapeHtml(value: string): string {
	return value
		.replace(/&quot;/g, '"')
		.replace(/&#39;/g, "'")
		.replace(/&#x27;/g, "'")
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&amp;/g, '&');
}

function attribute(tag: string, name: string): string | undefined {
	const match = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
	return match?.[1] === undefined ? undefined : unescapeHtml(match[1]);
}

/**
 * What a person does on the emulator's consent page, without a browser: pick `user` (UPN or id)
 * and press Accept. Returns where the emulator redirects (n8n's callback with code and state).
 */
export async function approveOnConsentPage(authorizeUrl: string, user: string | undefined): Promise<string> {
	const first = await fetch(authorizeUrl, { redirect: 'manual' });
	if (first.status >= 300 && first.status < 400) return first.headers.get('location') as string; // auto-approve
	const html = await first.text();
	const form = /<form[^>]*id="consent"[^>]*>([\s\S]*?)<\/form>/.exec(html);
	if (first.status !== 200 || !form) {
		const error = /id="error"[^>]*>([^<]*)</.exec(html)?.[1];
		throw new Error(`the emulator did not show its consent page (${first.status}): ${error ? unescapeHtml(error) : html.slice(0, 500)}`);
	}
	const [formTag, formBody = ''] = form;
	const action = attribute(formTag.slice(0, formTag.indexOf('>') + 1), 'action') ?? new URL(authorizeUrl).pathname;
	const fields = new URLSearchParams();
	for (const input of formBody.match(/<input[^>]*type="hidden"[^>]*>/g) ?? []) {
		const name = attribute(input, 'name');
		if (name) fields.append(name, attribute(input, 'value') ?? '');
	}
	const radios = (formBody.match(/<input[^>]*type="radio"[^>]*>/g) ?? []).map((tag) => ({
		id: attribute(tag, 'value') ?? '',
		upn: attribute(tag, 'data-user') ?? '',
	}));
	const wanted = user?.toLowerCase();
	const picked = wanted ? radios.find((radio) => radio.id.toLowerCase() === wanted || radio.upn.toLowerCase() === wanted) : radios[0];
	if (!picked) throw new Error(`the consent page lists no user ${user} (it lists ${radios.map((radio) => radio.upn).join(', ')})`);
	fields.set('user', picked.id);
	fields.set('decision', 'accept');
	const answer = await fetch(new URL(action, authorizeUrl), {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: fields.toString(),
		redirect: 'manual',
	});
	const location = answer.headers.get('location');
	if (answer.status < 300 || answer.status >= 400 || !location) {
		throw new Error(`accepting on the consent page answered ${answer.status}: ${(await answer.text()).slice(0, 500)}`);
	}
	return location;
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

/**
 * The emulator's consent page, read and answered without a browser: used by `npm start`
 * (connect the demo credential), the credential's OAuth tests and the emulator's identity tests.
 * One reading of the page, so they cannot drift apart.
 */

export interface ConsentForm {
	action: string;
	hidden: Record<string, string>;
	users: Array<{ id: string; upn: string; checked: boolean }>;
	buttons: string[];
	scopes: string[];
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
	return match ? unescapeHtml(match[1]) : undefined;
}

/** Reads the consent page the way a browser would: form action, hidden fields, radios, buttons, scopes. */
export function parseConsentForm(html: string): ConsentForm {
	const formTag = /<form\b[^>]*>/.exec(html)?.[0] ?? '';
	const hidden: Record<string, string> = {};
	const users: ConsentForm['users'] = [];
	for (const tag of html.match(/<input\b[^>]*>/g) ?? []) {
		const type = attribute(tag, 'type');
		if (type === 'hidden') hidden[attribute(tag, 'name') ?? ''] = attribute(tag, 'value') ?? '';
		if (type === 'radio') users.push({ id: attribute(tag, 'value') ?? '', upn: attribute(tag, 'data-user') ?? '', checked: /\schecked\b/.test(tag) });
	}
	const buttons = (html.match(/<button\b[^>]*>/g) ?? []).map((tag) => attribute(tag, 'id') ?? '');
	const scopes = (html.match(/<li data-scope="[^"]*"/g) ?? []).map((tag) => attribute(tag, 'data-scope') ?? '');
	return { action: attribute(formTag, 'action') ?? '', hidden, users, buttons, scopes };
}

/**
 * What a person does on the emulator's consent page: pick `user` (UPN or id; the first listed when
 * undefined) and press Accept (or Cancel). Returns where the emulator redirects (the client's
 * callback with code and state, or its error).
 */
export async function approveOnConsentPage(
	authorizeUrl: string,
	user: string | undefined,
	decision: 'accept' | 'cancel' = 'accept',
): Promise<string> {
	const first = await fetch(authorizeUrl, { redirect: 'manual' });
	if (first.status >= 300 && first.status < 400) return first.headers.get('location') as string; // auto-approve
	const html = await first.text();
	const section = /<form[^>]*id="consent"[^>]*>[\s\S]*?<\/form>/.exec(html)?.[0];
	if (first.status !== 200 || !section) {
		const error = /id="error"[^>]*>([^<]*)</.exec(html)?.[1];
		throw new Error(`the emulator did not show its consent page (${first.status}): ${error ? unescapeHtml(error) : html.slice(0, 500)}`);
	}
	const form = parseConsentForm(section);
	const wanted = user?.toLowerCase();
	const picked = wanted
		? form.users.find((radio) => radio.id.toLowerCase() === wanted || radio.upn.toLowerCase() === wanted)
		: form.users[0];
	if (!picked) throw new Error(`the consent page lists no user ${user} (it lists ${form.users.map((radio) => radio.upn).join(', ')})`);
	const fields = new URLSearchParams(form.hidden);
	fields.set('user', picked.id);
	fields.set('decision', decision);
	const answer = await fetch(new URL(form.action || new URL(authorizeUrl).pathname, authorizeUrl), {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: fields.toString(),
		redirect: 'manual',
	});
	const location = answer.headers.get('location');
	if (answer.status < 300 || answer.status >= 400 || !location) {
		throw new Error(`answering the consent page answered ${answer.status}: ${(await answer.text()).slice(0, 500)}`);
	}
	return location;
}

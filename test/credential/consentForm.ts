/** Drives the emulator's consent page like a person: open it, pick a user, click a button. */
export async function approveConsent(authorizeUrl: string, userId: string, decision: 'accept' | 'cancel' = 'accept') {
	const page = await fetch(authorizeUrl, { redirect: 'manual' });
	const html = await page.text();
	if (page.status !== 200) throw new Error(`consent page answered ${page.status}: ${html.slice(0, 200)}`);
	const action = /<form method="post" action="([^"]+)" id="consent">/.exec(html)?.[1];
	if (!action) throw new Error('no consent form on the page');
	const form = new URLSearchParams();
	for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
		form.set(decode(name), decode(value));
	}
	form.set('user', userId);
	form.set('decision', decision);
	const answer = await fetch(new URL(decode(action), authorizeUrl), {
		method: 'POST',
		redirect: 'manual',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: form.toString(),
	});
	const location = answer.headers.get('location');
	if (answer.status !== 302 || !location) throw new Error(`consent POST answered ${answer.status}`);
	return new URL(location);
}

function decode(html: string): string {
	return html
		.replace(/&quot;/g, '"')
		.replace(/&#39;/g, "'")
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&amp;/g, '&');
}

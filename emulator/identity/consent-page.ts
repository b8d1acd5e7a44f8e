import type { EmulatorUser } from '../contract';
import { escapeHtml, htmlDocument } from '../util/html';
import type { RegisteredApp } from './apps';
import { describeScope } from './scopes';

export interface ConsentPageInput {
	app: RegisteredApp;
	users: EmulatorUser[];
	scopes: string[];
	/** The authorize parameters, carried through the form as hidden fields. */
	params: URLSearchParams;
	selectedUserId?: string;
	formAction: string;
	error?: string;
}

/**
 * The sign-in and consent page. Radios carry `data-user` (UPN) and `id="user-<id>"`;
 * the buttons are `#accept` and `#cancel`, so a browser test can drive it.
 */
export function renderConsentPage(input: ConsentPageInput): string {
	const hidden = [...input.params.entries()]
		.filter(([name]) => name !== 'user' && name !== 'decision')
		.map(
			([name, value]) =>
				`<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
		)
		.join('\n');
	const selected = input.selectedUserId ?? input.users[0]?.id;
	const users = input.users
		.map(
			(user) =>
				`<label for="user-${escapeHtml(user.id)}"><input type="radio" name="user" id="user-${escapeHtml(user.id)}" value="${escapeHtml(user.id)}" data-user="${escapeHtml(user.userPrincipalName)}"${user.id === selected ? ' checked' : ''}> ${escapeHtml(user.displayName)} <span class="muted">${escapeHtml(user.userPrincipalName)}</span></label>`,
		)
		.join('\n');
	const scopes = input.scopes
		.map(
			(scope) =>
				`<li data-scope="${escapeHtml(scope)}">${escapeHtml(describeScope(scope))} <span class="muted">(${escapeHtml(scope)})</span></li>`,
		)
		.join('\n');
	const body = `<h1>Permissions requested</h1>
<p><strong id="app-name">${escapeHtml(input.app.displayName)}</strong> <span class="muted">(${escapeHtml(input.app.clientId)})</span> wants to:</p>
<ul id="scopes">
${scopes}
</ul>
${input.error ? `<p class="error" id="error">${escapeHtml(input.error)}</p>` : ''}
<form method="post" action="${escapeHtml(input.formAction)}" id="consent">
${hidden}
<fieldset id="users"><legend>Pick an account</legend>
${users || '<p class="error">This tenant has no users.</p>'}
</fieldset>
<p>
<button type="submit" name="decision" value="accept" id="accept">Accept</button>
<button type="submit" name="decision" value="cancel" id="cancel">Cancel</button>
</p>
</form>
<p class="muted">Microsoft 365 emulator: no password is asked; accepting signs in the picked user.</p>`;
	return htmlDocument('Permissions requested', body);
}

export function renderErrorPage(code: number, text: string, traceLines: string): string {
	const body = `<h1>Sorry, but we're having trouble signing you in.</h1>
<p class="error" id="error" data-code="AADSTS${code}">AADSTS${code}: ${escapeHtml(text)}</p>
<pre>${escapeHtml(traceLines)}</pre>`;
	return htmlDocument('Sign in error', body);
}

/** response_mode=form_post: a page that POSTs the result to the redirect URI. */
export function renderFormPost(redirectUri: string, fields: Record<string, string>): string {
	const inputs = Object.entries(fields)
		.map(
			([name, value]) =>
				`<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
		)
		.join('\n');
	const body = `<form method="post" action="${escapeHtml(redirectUri)}" id="form_post">
${inputs}
<noscript><button type="submit">Continue</button></noscript>
</form>
<script>document.getElementById('form_post').submit();</script>`;
	return htmlDocument('Working...', body);
}

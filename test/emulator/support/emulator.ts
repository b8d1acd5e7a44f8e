import { startEmulator, type Emulator, type EmulatorOptions } from '../../../emulator/server';

/** Demo users of emulator/mail's demo seed. */
export const ADELE = 'adelev@contoso.onmicrosoft.com';
export const ALEX = 'alexw@contoso.onmicrosoft.com';
export const ALL_MAIL_SCOPES = [
	'openid',
	'profile',
	'offline_access',
	'User.Read',
	'Mail.ReadWrite',
	'Mail.Send',
];

/** An emulator on free loopback ports with the demo tenant. */
export function startTestEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
	return startEmulator(options);
}

export async function accessTokenFor(
	emulator: Emulator,
	upn: string,
	scopes: string[] = ALL_MAIL_SCOPES,
): Promise<string> {
	return emulator.control.issueTokens({ upn, scopes }).access_token;
}

export interface GraphCall {
	method?: string;
	token?: string;
	body?: unknown;
	headers?: Record<string, string>;
	/** `manual` to see a 3xx instead of following it. */
	redirect?: RequestInit['redirect'];
}

export async function graph(
	emulator: Emulator,
	path: string,
	call: GraphCall = {},
): Promise<Response> {
	const headers: Record<string, string> = { ...(call.headers ?? {}) };
	if (call.token) headers.Authorization = `Bearer ${call.token}`;
	let body: string | undefined;
	if (call.body !== undefined) {
		body = typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
		headers['Content-Type'] ??= 'application/json';
	}
	return fetch(`${emulator.graphBaseUrl}/v1.0${path}`, {
		method: call.method ?? (body ? 'POST' : 'GET'),
		headers,
		body,
		redirect: call.redirect,
	});
}

export function sendMailBody(to: string, subject = 'Hello'): unknown {
	return {
		message: {
			subject,
			body: { contentType: 'Text', content: 'hi' },
			toRecipients: [{ emailAddress: { address: to } }],
		},
	};
}

import { AadError, describeWithTrace, newTrace } from './aad-error';
import type { RegisteredApp } from './apps';
import { renderConsentPage, renderErrorPage, renderFormPost } from './consent-page';
import type { Identity } from './identity';
import { normaliseScopes } from './scopes';
import { isKnownTenant, TENANT_NAME } from './tenant';

export type AuthorizeOutcome =
	| { kind: 'page'; status: number; html: string }
	| { kind: 'redirect'; location: string };

export interface AuthorizeInput {
	method: string;
	/** Request path, e.g. `/common/oauth2/v2.0/authorize` (the consent form posts back to it). */
	path: string;
	tenant: string;
	/** Query parameters (GET) or form fields (POST). */
	params: URLSearchParams;
	clientRequestId?: string;
}

type ResponseMode = 'query' | 'fragment' | 'form_post';

interface ValidRequest {
	app: RegisteredApp;
	redirectUri: string;
	responseMode: ResponseMode;
	state?: string;
	scopes: string[];
	codeChallenge?: string;
	codeChallengeMethod?: 'S256' | 'plain';
	nonce?: string;
	prompt?: string;
	loginHint?: string;
}

const PROMPTS = ['login', 'none', 'consent', 'select_account', 'create'];

/** Errors before the redirect URI is trusted are shown on a page, never redirected. */
function errorPage(error: AadError, clientRequestId?: string): AuthorizeOutcome {
	const trace = newTrace(clientRequestId);
	const lines = describeWithTrace(error, trace).split('\r\n').slice(1).join('\n');
	return { kind: 'page', status: 400, html: renderErrorPage(error.code, error.text, lines) };
}

/** Sends `fields` to the client's redirect URI in the chosen response mode. */
function deliver(
	redirectUri: string,
	mode: ResponseMode,
	fields: Record<string, string>,
): AuthorizeOutcome {
	if (mode === 'form_post')
		return { kind: 'page', status: 200, html: renderFormPost(redirectUri, fields) };
	const url = new URL(redirectUri);
	if (mode === 'fragment') {
		url.hash = new URLSearchParams(fields).toString();
	} else {
		for (const [name, value] of Object.entries(fields)) url.searchParams.append(name, value);
	}
	return { kind: 'redirect', location: url.toString() };
}

function errorRedirect(
	request: Pick<ValidRequest, 'redirectUri' | 'responseMode' | 'state'>,
	error: AadError,
	clientRequestId?: string,
): AuthorizeOutcome {
	const fields: Record<string, string> = {
		error: error.error,
		error_description: describeWithTrace(error, newTrace(clientRequestId)),
	};
	if (request.state !== undefined) fields.state = request.state;
	return deliver(request.redirectUri, request.responseMode, fields);
}

function required(params: URLSearchParams, name: string): string {
	const value = params.get(name);
	if (!value)
		throw new AadError(
			400,
			'invalid_request',
			900144,
			`The request body must contain the following parameter: '${name}'.`,
		);
	return value;
}

/** Validates the request: `{ page }` for errors that must not redirect, else the request or a redirect error. */
function validate(
	identity: Identity,
	input: AuthorizeInput,
): { outcome: AuthorizeOutcome } | { request: ValidRequest } {
	const { params, clientRequestId } = input;
	if (!isKnownTenant(input.tenant)) {
		return {
			outcome: errorPage(
				new AadError(
					400,
					'invalid_request',
					90002,
					`Tenant '${input.tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
				),
				clientRequestId,
			),
		};
	}
	let app: RegisteredApp | undefined;
	let redirectUri: string;
	try {
		const clientId = required(params, 'client_id');
		app = identity.apps.find(clientId);
		if (!app) {
			throw new AadError(
				400,
				'unauthorized_client',
				700016,
				`Application with identifier '${clientId}' was not found in the directory '${TENANT_NAME}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
			);
		}
		redirectUri = required(params, 'redirect_uri');
		if (!identity.apps.acceptsRedirect(app, redirectUri)) {
			throw new AadError(
				400,
				'invalid_request',
				50011,
				`The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${app.clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.`,
			);
		}
	} catch (error) {
		if (error instanceof AadError) return { outcome: errorPage(error, clientRequestId) };
		throw error;
	}

	const modeParam = params.get('response_mode') ?? 'query';
	const responseMode: ResponseMode =
		modeParam === 'fragment' || modeParam === 'form_post' ? modeParam : 'query';
	const state = params.get('state') ?? undefined;
	const fail = (error: AadError) => ({
		outcome: errorRedirect({ redirectUri, responseMode, state }, error, clientRequestId),
	});
	try {
		if (!['query', 'fragment', 'form_post'].includes(modeParam)) {
			throw new AadError(
				400,
				'invalid_request',
				900144,
				`The provided value for the input parameter 'response_mode' is not valid: '${modeParam}'.`,
			);
		}
		const responseTypes = required(params, 'response_type').split(/\s+/);
		if (!responseTypes.includes('code')) {
			throw new AadError(
				400,
				'unsupported_response_type',
				70005,
				`response_type '${params.get('response_type')}' is not enabled for the application.`,
			);
		}
		const scopes = normaliseScopes(required(params, 'scope'));
		const codeChallenge = params.get('code_challenge') ?? undefined;
		const method = params.get('code_challenge_method') ?? undefined;
		if (method !== undefined && !codeChallenge) {
			throw new AadError(
				400,
				'invalid_request',
				900144,
				"The request body must contain the following parameter: 'code_challenge'.",
			);
		}
		if (method !== undefined && method !== 'S256' && method !== 'plain') {
			throw new AadError(
				400,
				'invalid_request',
				501491,
				`Invalid code_challenge_method '${method}'. Supported values are 'S256' and 'plain'.`,
			);
		}
		if (codeChallenge !== undefined && !/^[A-Za-z0-9\-._~]{43,128}$/.test(codeChallenge)) {
			throw new AadError(
				400,
				'invalid_request',
				501491,
				'Invalid size of Code_Challenge parameter.',
			);
		}
		const prompt = params.get('prompt') ?? undefined;
		if (prompt !== undefined && !PROMPTS.includes(prompt)) {
			throw new AadError(400, 'invalid_request', 90023, `Unsupported 'prompt' value '${prompt}'.`);
		}
		return {
			request: {
				app,
				redirectUri,
				responseMode,
				state,
				scopes,
				codeChallenge,
				codeChallengeMethod: codeChallenge ? (method === 'S256' ? 'S256' : 'plain') : undefined,
				nonce: params.get('nonce') ?? undefined,
				prompt,
				loginHint: params.get('login_hint') ?? undefined,
			},
		};
	} catch (error) {
		if (error instanceof AadError) return fail(error);
		throw error;
	}
}

function issueCode(identity: Identity, request: ValidRequest, userId: string): AuthorizeOutcome {
	const code = identity.tokens.createCode({
		clientId: request.app.clientId,
		redirectUri: request.redirectUri,
		userId,
		scopes: request.scopes,
		codeChallenge: request.codeChallenge,
		codeChallengeMethod: request.codeChallengeMethod,
		nonce: request.nonce,
		expiresAt: Date.now() + identity.deps.settings.authCodeLifetimeSec * 1000,
	});
	const fields: Record<string, string> = { code };
	if (request.state !== undefined) fields.state = request.state;
	return deliver(request.redirectUri, request.responseMode, fields);
}

/**
 * `GET|POST /{tenant}/oauth2/v2.0/authorize`. A POST carrying `decision` is the consent form;
 * any other request is an authorization request.
 */
export function handleAuthorize(identity: Identity, input: AuthorizeInput): AuthorizeOutcome {
	const validated = validate(identity, input);
	if ('outcome' in validated) return validated.outcome;
	const request = validated.request;
	const directory = identity.deps.directory();
	const decision = input.method === 'POST' ? input.params.get('decision') : null;

	if (decision === 'cancel') {
		return errorRedirect(
			request,
			new AadError(400, 'access_denied', 65004, 'User declined to consent to access the app.'),
			input.clientRequestId,
		);
	}
	if (decision === 'accept') {
		const user = directory.findUser(input.params.get('user') ?? '');
		if (!user) {
			return {
				kind: 'page',
				status: 400,
				html: renderConsentPage({
					app: request.app,
					users: directory.listUsers(),
					scopes: request.scopes,
					params: input.params,
					formAction: input.path,
					error: 'Pick an account to continue.',
				}),
			};
		}
		return issueCode(identity, request, user.id);
	}

	// autoApprove wins over every prompt value: it exists for runs with no person at the browser.
	const silentUser = identity.deps.autoApproveUser(request.loginHint);
	if (silentUser) return issueCode(identity, request, silentUser.id);
	if (request.prompt === 'none') {
		return errorRedirect(
			request,
			new AadError(
				400,
				'login_required',
				50058,
				'A silent sign-in request was sent but no user is signed in.',
			),
			input.clientRequestId,
		);
	}
	const hinted = request.loginHint ? directory.findUser(request.loginHint) : undefined;
	return {
		kind: 'page',
		status: 200,
		html: renderConsentPage({
			app: request.app,
			users: directory.listUsers(),
			scopes: request.scopes,
			params: input.params,
			selectedUserId: hinted?.id,
			formAction: input.path,
		}),
	};
}

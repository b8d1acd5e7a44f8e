import type { IncomingMessage, ServerResponse } from 'node:http';

import type { FaultInjector, FaultKind } from '../graph/faults';
import { requestIdsFor } from '../graph/errors';
import { faultResult } from '../graph/pipeline';
import { readBody } from '../http/body';
import { sendHtml, sendJson, sendRedirect, sendResult } from '../http/respond';
import { sleep } from '../util/sleep';
import { escapeHtml, htmlDocument } from '../util/html';
import { handleAuthorize } from './authorize';
import type { Identity } from './identity';
import { TENANT_ID } from './tenant';
import { handleToken } from './token-endpoint';

const AUTHORIZE = /^\/([^/]+)\/oauth2\/v2\.0\/authorize\/?$/;
const TOKEN = /^\/([^/]+)\/oauth2\/v2\.0\/token\/?$/;
const DISCOVERY = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration\/?$/;
const MAX_FORM_BYTES = 1024 * 1024;
/** Faults the token endpoint serves (route `token`): a login host that is down, behind a proxy, or redirecting. */
const TOKEN_FAULT_KINDS: readonly FaultKind[] = [
	'503',
	'504',
	'reset',
	'latency',
	'redirect',
	'html',
	'answer',
];

export function isIdentityPath(pathname: string): boolean {
	return (
		AUTHORIZE.test(pathname) ||
		TOKEN.test(pathname) ||
		DISCOVERY.test(pathname) ||
		pathname === '/error'
	);
}

function header(req: IncomingMessage, name: string): string | undefined {
	const value = req.headers[name];
	return Array.isArray(value) ? value[0] : value;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
	const read = await readBody(req, MAX_FORM_BYTES);
	return read.ok ? new URLSearchParams(read.body.toString('utf8')) : undefined;
}

function discoveryDocument(loginBase: string): Record<string, unknown> {
	const base = `${loginBase}/${TENANT_ID}`;
	return {
		issuer: `${base}/v2.0`,
		authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
		token_endpoint: `${base}/oauth2/v2.0/token`,
		response_types_supported: ['code'],
		response_modes_supported: ['query', 'fragment', 'form_post'],
		grant_types_supported: ['authorization_code', 'refresh_token'],
		code_challenge_methods_supported: ['S256', 'plain'],
		token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
		scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
		id_token_signing_alg_values_supported: ['none'],
	};
}

/** Serves the identity platform endpoints on the main listener. */
export async function handleIdentityRequest(
	identity: Identity,
	req: IncomingMessage,
	res: ServerResponse,
	pathname: string,
	query: URLSearchParams,
	faults?: FaultInjector,
): Promise<void> {
	const method = (req.method ?? 'GET').toUpperCase();
	const clientRequestId = header(req, 'client-request-id');
	const loginBase = identity.deps.loginBaseUrl();

	let match = AUTHORIZE.exec(pathname);
	if (match) {
		const params = method === 'POST' ? await readForm(req) : query;
		if (!params) return sendHtml(res, 413, htmlDocument('Too large', '<p>Request too large.</p>'));
		const outcome = handleAuthorize(identity, {
			method,
			path: pathname,
			tenant: decodeURIComponent(match[1]!),
			params,
			clientRequestId,
		});
		if (outcome.kind === 'redirect') return sendRedirect(res, outcome.location);
		return sendHtml(res, outcome.status, outcome.html);
	}
	match = TOKEN.exec(pathname);
	if (match) {
		const form =
			(method === 'POST' ? await readForm(req) : new URLSearchParams()) ?? new URLSearchParams();
		identity.deps.counters.countRoute('token');
		const fired = faults?.take(
			{ route: 'token', method, path: pathname, inBatch: false },
			TOKEN_FAULT_KINDS,
		);
		if (fired?.latencyMs) await sleep(fired.latencyMs);
		if (fired?.fault) identity.deps.counters.countFault(fired.fault.kind);
		if (fired?.fault?.kind === 'reset') {
			req.socket.destroy();
			return;
		}
		const injected = fired?.fault
			? faultResult(fired.fault, requestIdsFor(req.headers))
			: undefined;
		if (injected) return sendResult(res, injected);
		const outcome = handleToken(identity, {
			method,
			tenant: decodeURIComponent(match[1]!),
			form,
			authorization: header(req, 'authorization'),
			clientRequestId,
		});
		const headers: Record<string, string> = {
			'Cache-Control': 'no-store, no-cache',
			Pragma: 'no-cache',
		};
		if (clientRequestId) headers['client-request-id'] = clientRequestId;
		return sendJson(res, outcome.status, outcome.json, headers);
	}
	if (DISCOVERY.test(pathname)) return sendJson(res, 200, discoveryDocument(loginBase));
	const code = query.get('code') ?? '';
	return sendHtml(
		res,
		200,
		htmlDocument(
			'Error lookup',
			`<h1>AADSTS${escapeHtml(code)}</h1><p>See Microsoft's AADSTS reference for this code.</p>`,
		),
	);
}

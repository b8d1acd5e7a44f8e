import type { IncomingMessage, ServerResponse } from 'node:http';

import { executeBatch, isBatchPath } from './batch';
import { LIMITS, type RawRequest, type UrlContext } from '../contract';
import { readBody } from '../http/body';
import type { Identity } from '../identity/identity';
import { graphError, requestIdsFor, requestTooLarge } from './errors';
import { runOperation, type PipelineDeps } from './pipeline';
import { deliverOutcome } from './respond-outcome';

export interface GraphListenerDeps extends PipelineDeps {
	identity: Identity;
	urls: () => UrlContext;
	loginBaseUrl: () => string;
}

/** Graph's challenge on 401 (wire facts 7.1), pointing at this emulator's login endpoint. */
function wwwAuthenticate(loginBase: string): string {
	return `Bearer realm="", authorization_uri="${loginBase}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`;
}

/** Serves a top-level Graph request: `rawPath` still percent-encoded and starting with `/v1.0`. */
export async function handleGraphHttp(
	deps: GraphListenerDeps,
	req: IncomingMessage,
	res: ServerResponse,
	rawPath: string,
	query: URLSearchParams,
): Promise<void> {
	const ids = requestIdsFor(req.headers);
	const method = (req.method ?? 'GET').toUpperCase();
	const latency = deps.settings.latencyMs;
	deps.counters.requests += 1;

	const read = await readBody(req, LIMITS.maxRequestBytes);
	if (!read.ok)
		return deliverOutcome(req, res, { result: requestTooLarge(ids), latencyMs: 0 }, ids, latency);

	const authorization = req.headers.authorization;
	const auth = deps.identity.authenticate(authorization);
	if (!auth.ok) {
		const result = graphError(401, 'InvalidAuthenticationToken', auth.message, ids, {
			'WWW-Authenticate': wwwAuthenticate(deps.loginBaseUrl()),
		});
		return deliverOutcome(req, res, { result, latencyMs: 0 }, ids, latency);
	}
	const caller = auth.caller;
	const path = rawPath.slice('/v1.0'.length) || '/';
	const raw: RawRequest = { method, path, query, headers: req.headers, body: read.body };
	const urls = deps.urls();

	if (isBatchPath(path)) {
		let batchFault: 'lostResponse' | 'reset' | undefined;
		const outcome = await runOperation(deps, {
			info: { route: 'batch' },
			method,
			path,
			body: read.body,
			ids,
			inBatch: false,
			applyServerTime: false,
			handle: async () => {
				if (method !== 'POST')
					return graphError(405, 'BadRequest', 'Only POST is supported on $batch.', ids);
				const batch = await executeBatch({ deps, caller, ids, urls }, read.body);
				batchFault = batch.reset ? 'reset' : batch.lostResponse ? 'lostResponse' : undefined;
				return batch.result;
			},
		});
		if (batchFault && !outcome.socketFault) outcome.socketFault = batchFault;
		return deliverOutcome(req, res, outcome, ids, latency);
	}

	const info = deps.mail().classify(raw, caller);
	const outcome = await runOperation(deps, {
		info,
		method,
		path,
		body: read.body,
		ids,
		inBatch: false,
		scopes: caller.scopes,
		handle: () => deps.mail().handleGraph(raw, caller, urls),
	});
	return deliverOutcome(req, res, outcome, ids, latency);
}

import type { IncomingMessage, ServerResponse } from 'node:http';

import { LIMITS, type RawRequest, type UrlContext } from '../contract';
import { graphError, requestIdsFor } from './errors';
import { runOperation, type PipelineDeps } from './pipeline';
import { deliverOutcome } from './respond-outcome';
import { readBody } from '../http/body';

export interface UploadListenerDeps extends PipelineDeps {
	urls: () => UrlContext;
}

/**
 * The stand-in for outlook.office.com: pre-authenticated upload URLs under `/upload/`.
 * A request with an Authorization header is refused, as the real host refuses a Graph token.
 */
export async function handleUploadHttp(
	deps: UploadListenerDeps,
	req: IncomingMessage,
	res: ServerResponse,
): Promise<void> {
	const ids = requestIdsFor(req.headers);
	const method = (req.method ?? 'GET').toUpperCase();
	const target = req.url ?? '/';
	const questionMark = target.indexOf('?');
	const path = questionMark < 0 ? target : target.slice(0, questionMark);
	const query = new URLSearchParams(questionMark < 0 ? '' : target.slice(questionMark + 1));
	const latency = deps.settings.latencyMs;

	deps.counters.requests += 1;
	// A chunk above the limit is still read whole (not kept) so the client gets the answer.
	const read = await readBody(req, LIMITS.maxUploadChunkBytes);
	if (req.headers.authorization !== undefined) {
		deps.counters.uploadRequestsWithAuthorization += 1;
		const result = graphError(
			401,
			'InvalidAudienceForResource',
			'The audience claim value is invalid for current resource. Upload URLs are pre-authenticated: do not send an Authorization header.',
			ids,
		);
		return deliverOutcome(req, res, { result, latencyMs: 0 }, ids, latency);
	}
	if (!path.startsWith('/upload/')) {
		return deliverOutcome(
			req,
			res,
			{ result: graphError(404, 'ResourceNotFound', 'Resource not found.', ids), latencyMs: 0 },
			ids,
			latency,
		);
	}
	if (!read.ok) {
		const result = graphError(
			413,
			'RequestEntityTooLarge',
			`A single upload request may carry at most ${LIMITS.maxUploadChunkBytes} bytes.`,
			ids,
		);
		return deliverOutcome(req, res, { result, latencyMs: 0 }, ids, latency);
	}
	const raw: RawRequest = { method, path, query, headers: req.headers, body: read.body };
	const info = deps.mail().classifyUpload(raw);
	const urls = deps.urls();
	const outcome = await runOperation(deps, {
		info,
		method,
		path,
		body: read.body,
		ids,
		inBatch: false,
		onAdmitted: () => {
			if (method === 'PUT') deps.counters.bytesUploaded += read.body.length;
		},
		handle: () => deps.mail().handleUpload(raw, urls),
	});
	return deliverOutcome(req, res, outcome, ids, latency);
}

import type { IncomingHttpHeaders } from 'node:http';

import {
	LIMITS,
	type Caller,
	type HandlerResult,
	type RawRequest,
	type RouteInfo,
	type UrlContext,
} from '../contract';
import { graphError, graphErrorBody, type RequestIds } from './errors';
import { runOperation, type PipelineDeps } from './pipeline';
import { GRAPH_JSON_CONTENT_TYPE } from '../http/respond';
import { jsonNestingDepth, MAX_JSON_NESTING } from '../util/json-depth';
import { Semaphore } from '../util/semaphore';
import { sleep } from '../util/sleep';

/** Outlook runs at most this many requests of one batch at a time, whatever the mailbox. */
const BATCH_PARALLELISM = 4;
const WRITE_METHODS = ['POST', 'PUT', 'PATCH'];

interface SubRequestSpec {
	id: string;
	method: string;
	url: string;
	headers: Record<string, string>;
	body?: unknown;
	dependsOn?: string;
}

export interface BatchSubResponse {
	id: string;
	status: number;
	headers: Record<string, string>;
	body?: unknown;
}

export interface BatchContext {
	deps: PipelineDeps;
	caller: Caller;
	ids: RequestIds;
	urls: UrlContext;
}

export interface BatchOutcome {
	result: HandlerResult;
	/** A sub-request hit a lostResponse fault: the whole batch answer is lost after commit. */
	lostResponse: boolean;
	/** A sub-request hit a reset fault: nothing ran, the connection is reset. */
	reset: boolean;
}

class BatchFormatError extends Error {}

function isBatchPath(path: string): boolean {
	return /^\/(\$|%24)batch\/?$/i.test(path);
}
export { isBatchPath };

function parseSpecs(body: Buffer): SubRequestSpec[] {
	const text = body.toString('utf8');
	// a sub-request body is re-serialised later: bound its depth before anything recurses over it
	if (jsonNestingDepth(text) > MAX_JSON_NESTING + 3)
		throw new BatchFormatError(
			`The JSON payload is nested more than ${MAX_JSON_NESTING} levels deep.`,
		);
	let payload: unknown;
	try {
		payload = JSON.parse(text);
	} catch {
		throw new BatchFormatError(
			'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
		);
	}
	const requests = (payload as { requests?: unknown })?.requests;
	if (!Array.isArray(requests) || requests.length === 0)
		throw new BatchFormatError('Invalid batch payload format.');
	if (requests.length > LIMITS.maxBatchRequests) {
		throw new BatchFormatError(
			`The number of requests in the batch (${requests.length}) exceeds the limit of ${LIMITS.maxBatchRequests}.`,
		);
	}
	const seen = new Set<string>();
	const specs = requests.map((item: unknown): SubRequestSpec => {
		const request = (item ?? {}) as Record<string, unknown>;
		const { id, method, url } = request;
		if (typeof id !== 'string' || !id)
			throw new BatchFormatError('Every request in a batch needs a non-empty string id.');
		if (seen.has(id))
			throw new BatchFormatError(
				`Duplicate request id '${id}'. Request ids must be unique within a batch.`,
			);
		seen.add(id);
		if (typeof method !== 'string' || !method)
			throw new BatchFormatError(`Request '${id}' has no method.`);
		if (typeof url !== 'string' || !url) throw new BatchFormatError(`Request '${id}' has no url.`);
		const headers: Record<string, string> = {};
		if (request.headers !== undefined) {
			if (!request.headers || typeof request.headers !== 'object')
				throw new BatchFormatError(`Request '${id}' has invalid headers.`);
			for (const [name, value] of Object.entries(request.headers as Record<string, unknown>))
				headers[name.toLowerCase()] = String(value);
		}
		let dependsOn: string | undefined;
		if (request.dependsOn !== undefined) {
			const list = request.dependsOn;
			if (!Array.isArray(list) || list.some((dep) => typeof dep !== 'string')) {
				throw new BatchFormatError(`Request '${id}' has an invalid dependsOn.`);
			}
			if (list.length > 1)
				throw new BatchFormatError(
					`Request '${id}' depends on more than one request; a request may depend on one other request only.`,
				);
			dependsOn = list[0] as string | undefined;
		}
		return { id, method: method.toUpperCase(), url, headers, body: request.body, dependsOn };
	});
	for (const spec of specs) {
		if (spec.dependsOn !== undefined && !seen.has(spec.dependsOn)) {
			throw new BatchFormatError(
				`Request '${spec.id}' depends on unknown request '${spec.dependsOn}'.`,
			);
		}
	}
	checkDependencyPattern(specs);
	return specs;
}

/** Only the documented shapes: all parallel, one serial chain, or all depending on the same request. */
function checkDependencyPattern(specs: SubRequestSpec[]): void {
	const roots = specs.filter((spec) => spec.dependsOn === undefined);
	if (roots.length === specs.length) return;
	const fail = () => {
		throw new BatchFormatError(
			'Batch dependencies must follow one of the supported patterns: all parallel, a serial chain, or all requests depending on the same request.',
		);
	};
	const [first, ...others] = roots;
	if (!first || others.length > 0) return fail();
	const root = first.id;
	if (specs.every((spec) => spec.id === root || spec.dependsOn === root)) return;
	// Serial chain: each request is depended on by at most one, and walking from the root reaches all.
	const next = new Map<string, string>();
	for (const spec of specs) {
		if (spec.dependsOn === undefined) continue;
		if (next.has(spec.dependsOn)) fail();
		next.set(spec.dependsOn, spec.id);
	}
	let count = 1;
	for (let id = next.get(root); id !== undefined; id = next.get(id)) count++;
	if (count !== specs.length) fail();
}

interface PreparedRequest {
	spec: SubRequestSpec;
	raw?: RawRequest;
	info?: RouteInfo;
	/** Answered without running (a malformed sub-request). */
	immediate?: HandlerResult;
}

function isJsonType(contentType: string | undefined): boolean {
	return !!contentType && /json/i.test(contentType);
}

function encodeBody(spec: SubRequestSpec): Buffer {
	if (spec.body === undefined || spec.body === null) return Buffer.alloc(0);
	// Non-JSON bodies travel base64-encoded inside the batch JSON (Graph's documented rule).
	if (typeof spec.body === 'string' && !isJsonType(spec.headers['content-type']))
		return Buffer.from(spec.body, 'base64');
	return Buffer.from(JSON.stringify(spec.body), 'utf8');
}

function prepare(ctx: BatchContext, spec: SubRequestSpec): PreparedRequest {
	const { ids } = ctx;
	if (/^[a-z][a-z0-9+.-]*:/i.test(spec.url)) {
		return {
			spec,
			immediate: graphError(
				400,
				'BadRequest',
				`Invalid request URL '${spec.url}': requests in a batch must use relative URLs.`,
				ids,
			),
		};
	}
	const hasBody = spec.body !== undefined && spec.body !== null;
	if (
		(hasBody && !spec.headers['content-type']) ||
		(WRITE_METHODS.includes(spec.method) && !hasBody)
	) {
		return {
			spec,
			immediate: graphError(
				400,
				'BadRequest',
				`Write request id : ${spec.id} does not contain Content-Type header or body.`,
				ids,
			),
		};
	}
	const relative = spec.url.startsWith('/') ? spec.url : `/${spec.url}`;
	const questionMark = relative.indexOf('?');
	const path = questionMark < 0 ? relative : relative.slice(0, questionMark);
	const query = new URLSearchParams(questionMark < 0 ? '' : relative.slice(questionMark + 1));
	if (isBatchPath(path))
		return {
			spec,
			immediate: graphError(400, 'BadRequest', 'Nested batch requests are not supported.', ids),
		};
	const body = encodeBody(spec);
	const headers: IncomingHttpHeaders = { ...spec.headers, 'content-length': String(body.length) };
	const raw: RawRequest = { method: spec.method, path, query, headers, body };
	return { spec, raw, info: ctx.deps.mail().classify(raw, ctx.caller) };
}

function toSubResponse(id: string, result: HandlerResult): BatchSubResponse {
	const headers: Record<string, string> = { ...(result.headers ?? {}) };
	const hasType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
	const response: BatchSubResponse = { id, status: result.status, headers };
	if (result.json !== undefined) {
		if (!hasType)
			headers['Content-Type'] = result.status < 400 ? GRAPH_JSON_CONTENT_TYPE : 'application/json';
		response.body = result.json;
	} else if (result.raw !== undefined) {
		if (!hasType) headers['Content-Type'] = 'application/octet-stream';
		response.body = result.raw.toString('base64');
	}
	return response;
}

/**
 * `POST /v1.0/$batch`. Sub-requests run through the same scope/fault/throttle pipeline; at most
 * four run at once (and never more per mailbox than the mailbox cap), the rest wait inside the
 * batch. Responses come in completion order.
 */
export async function executeBatch(ctx: BatchContext, body: Buffer): Promise<BatchOutcome> {
	let specs: SubRequestSpec[];
	try {
		specs = parseSpecs(body);
	} catch (error) {
		if (!(error instanceof BatchFormatError)) throw error;
		return {
			result: graphError(400, 'BadRequest', error.message, ctx.ids),
			lostResponse: false,
			reset: false,
		};
	}
	const prepared = specs.map((spec) => prepare(ctx, spec));

	// A reset fault on any sub-request resets the whole batch before anything runs.
	for (const item of prepared) {
		if (!item.raw || !item.info) continue;
		const fired = ctx.deps.faults.take(
			{
				route: item.info.route,
				method: item.spec.method,
				mailboxId: item.info.mailboxId,
				path: item.raw.path,
				inBatch: true,
			},
			['reset'],
		);
		if (fired.fault) {
			ctx.deps.counters.countFault('reset');
			return { result: { status: 200 }, lostResponse: false, reset: true };
		}
	}

	const parallel = new Semaphore(BATCH_PARALLELISM);
	const perMailbox = new Map<string, Semaphore>();
	const mailboxGate = (mailboxId: string) => {
		let gate = perMailbox.get(mailboxId);
		if (!gate) {
			gate = new Semaphore(
				Math.max(1, Math.min(BATCH_PARALLELISM, ctx.deps.settings.maxConcurrentPerMailbox)),
			);
			perMailbox.set(mailboxId, gate);
		}
		return gate;
	};
	const responses: BatchSubResponse[] = [];
	const statusById = new Map<string, Promise<number>>();
	let lostResponse = false;

	const run = async (item: PreparedRequest): Promise<number> => {
		const { spec } = item;
		const finish = (result: HandlerResult) => {
			responses.push(toSubResponse(spec.id, result));
			return result.status;
		};
		if (spec.dependsOn !== undefined) {
			const dependencyStatus = await statusById.get(spec.dependsOn);
			if (dependencyStatus === undefined || dependencyStatus >= 400) {
				return finish({
					status: 424,
					json: graphErrorBody(
						'FailedDependency',
						`The request depends on request '${spec.dependsOn}', which failed.`,
						ctx.ids,
					),
				});
			}
		}
		if (item.immediate || !item.raw || !item.info)
			return finish(item.immediate ?? graphError(400, 'BadRequest', 'Invalid request.', ctx.ids));
		const raw = item.raw;
		const info = item.info;
		const releaseMailbox = await mailboxGate(info.mailboxId ?? '').acquire();
		const releaseSlot = await parallel.acquire();
		let outcome;
		try {
			outcome = await runOperation(ctx.deps, {
				info,
				method: raw.method,
				path: raw.path,
				body: raw.body,
				ids: ctx.ids,
				inBatch: true,
				scopes: ctx.caller.scopes,
				handle: () => ctx.deps.mail().handleGraph(raw, ctx.caller, ctx.urls),
			});
		} finally {
			releaseSlot();
			releaseMailbox();
		}
		if (outcome.socketFault === 'lostResponse') lostResponse = true;
		await sleep(outcome.latencyMs);
		return finish(outcome.result ?? { status: 500 });
	};

	// Registered in order, so a dependency's promise exists before its dependents look it up.
	for (const item of prepared)
		statusById.set(
			item.spec.id,
			Promise.resolve().then(() => run(item)),
		);
	await Promise.all(statusById.values());
	return { result: { status: 200, json: { responses } }, lostResponse, reset: false };
}

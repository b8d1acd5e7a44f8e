import type { FaultSpec, HandlerResult, MailService, RouteInfo } from '../contract';
import type { CounterStore } from '../counters';
import type { FaultInjector, FaultKind } from './faults';
import { serverTimeFor, type RuntimeSettings } from '../settings';
import { uploadBytesOf, type MailboxThrottle } from './throttle';
import { sleep } from '../util/sleep';
import {
	accessDenied,
	graphError,
	internalError,
	tooManyRequests,
	withInnerError,
	type RequestIds,
} from './errors';
import { routeAllows } from './route-scopes';

export interface PipelineDeps {
	mail: () => MailService;
	faults: FaultInjector;
	throttle: MailboxThrottle;
	counters: CounterStore;
	settings: RuntimeSettings;
}

/** One Graph or upload operation: a top-level request or one `$batch` sub-request. */
export interface Operation {
	info: RouteInfo;
	method: string;
	/** Path used for fault matching (after `/v1.0`, or the upload path), without the query. */
	path: string;
	body: Buffer;
	ids: RequestIds;
	inBatch: boolean;
	/** The caller's scopes; undefined skips the scope check (pre-authenticated upload URLs). */
	scopes?: readonly string[];
	/** False for the `$batch` envelope: its sub-requests get the server time. */
	applyServerTime?: boolean;
	/** Runs once the request holds its slot. */
	onAdmitted?: () => void;
	handle: () => Promise<HandlerResult>;
}

export interface OperationOutcome {
	/** Undefined when the socket is to be reset without an answer. */
	result?: HandlerResult;
	socketFault?: 'reset' | 'lostResponse';
	/** Extra delay from latency faults, added outside the in-flight slot. */
	latencyMs: number;
}

/** Reset faults inside a batch are checked for the whole batch before it runs (nothing committed). */
const SUB_REQUEST_FAULT_KINDS: readonly FaultKind[] = [
	'429',
	'503',
	'504',
	'lostResponse',
	'latency',
];

/** The answer of a fault that replaces the handler's, or undefined for faults that do not (reset, latency, lostResponse). */
export function faultResult(fault: FaultSpec, ids: RequestIds): HandlerResult | undefined {
	const { kind, retryAfter } = fault;
	if (kind === 'redirect') {
		return {
			status: fault.status ?? 302,
			headers: { Location: fault.location ?? '/', 'Content-Length': '0' },
			raw: Buffer.alloc(0),
		};
	}
	if (kind === 'html') {
		const status = fault.status ?? 500;
		const page = `<!DOCTYPE html><html><head><title>${status}</title></head><body><h1>Service error ${status}</h1></body></html>`;
		return {
			status,
			headers: { 'Content-Type': 'text/html; charset=utf-8' },
			raw: Buffer.from(page, 'utf8'),
		};
	}
	if (kind === 'answer') return { status: fault.status ?? 200, json: fault.body ?? {} };
	if (kind === '429') return tooManyRequests(ids, retryAfter ?? '1');
	if (kind === '503') {
		return graphError(
			503,
			'serviceNotAvailable',
			'The service is temporarily unavailable for maintenance or is overloaded. You may repeat the request after a delay.',
			ids,
			retryAfter ? { 'Retry-After': retryAfter } : {},
		);
	}
	if (kind === '504') {
		return graphError(
			504,
			'gatewayTimeout',
			'The gateway did not receive a timely response from the upstream server.',
			ids,
		);
	}
	return undefined;
}

/**
 * Scope check -> faults -> per-mailbox admission (429 when full) -> server time while holding
 * the slot -> handler. Shared by top-level requests and `$batch` sub-requests.
 */
export async function runOperation(deps: PipelineDeps, op: Operation): Promise<OperationOutcome> {
	const { counters } = deps;
	const route = op.info.route;
	counters.countRoute(route);
	if (op.scopes && !routeAllows(route, op.scopes))
		return { result: accessDenied(op.ids), latencyMs: 0 };

	const fired = deps.faults.take(
		{ route, method: op.method, mailboxId: op.info.mailboxId, path: op.path, inBatch: op.inBatch },
		op.inBatch ? SUB_REQUEST_FAULT_KINDS : undefined,
	);
	if (fired.latencyMs > 0) counters.countFault('latency');
	const fault = fired.fault;
	if (fault) counters.countFault(fault.kind);
	if (fault?.kind === 'reset') return { socketFault: 'reset', latencyMs: fired.latencyMs };
	const injected = fault ? faultResult(fault, op.ids) : undefined;
	if (injected) return { result: injected, latencyMs: fired.latencyMs };

	let release = () => {};
	if (op.info.mailboxId) {
		const admission = deps.throttle.admit(op.info.mailboxId, uploadBytesOf(op.method, op.body));
		if (!admission.admitted) {
			counters.throttled429 += 1;
			return {
				result: tooManyRequests(op.ids, String(admission.retryAfterSec)),
				latencyMs: fired.latencyMs,
			};
		}
		release = admission.release;
	}
	let result: HandlerResult;
	try {
		op.onAdmitted?.();
		if (op.applyServerTime !== false) await sleep(serverTimeFor(deps.settings, route));
		result = withInnerError(await op.handle(), op.ids);
	} catch (error) {
		result = internalError(op.ids, error);
	} finally {
		release();
	}
	return {
		result,
		socketFault: fault?.kind === 'lostResponse' ? 'lostResponse' : undefined,
		latencyMs: fired.latencyMs,
	};
}

import type { IncomingMessage, ServerResponse } from 'node:http';

import { sendResult } from '../http/respond';
import { sleep } from '../util/sleep';
import { requestIdHeaders, type RequestIds } from './errors';
import type { OperationOutcome } from './pipeline';

/** Tears the connection down so the client sees a network error instead of an answer. */
export function destroyConnection(req: IncomingMessage): void {
	const socket = req.socket as typeof req.socket & { resetAndDestroy?: () => void };
	if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
	else socket.destroy();
}

/** Answers (after network latency) or drops the connection, as the outcome says. */
export async function deliverOutcome(
	req: IncomingMessage,
	res: ServerResponse,
	outcome: OperationOutcome,
	ids: RequestIds,
	networkLatencyMs: number,
): Promise<void> {
	if (outcome.socketFault === 'reset' || !outcome.result) return destroyConnection(req);
	await sleep(networkLatencyMs + outcome.latencyMs);
	if (outcome.socketFault === 'lostResponse') return destroyConnection(req);
	sendResult(res, outcome.result, requestIdHeaders(ids));
}

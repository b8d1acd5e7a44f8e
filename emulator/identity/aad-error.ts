import { aadTimestamp, newGuid } from '../util/ids';

/** An identity-platform error (token endpoint JSON, or authorize redirect/page). */
export class AadError extends Error {
	constructor(
		/** HTTP status at the token endpoint (400, or 401 for invalid_client). */
		readonly status: number,
		/** OAuth `error` value. */
		readonly error: string,
		/** The AADSTS number. */
		readonly code: number,
		/** Text after `AADSTSxxxx: `. */
		readonly text: string,
		readonly suberror?: string,
	) {
		super(`AADSTS${code}: ${text}`);
	}
}

export interface AadTrace {
	traceId: string;
	correlationId: string;
	timestamp: string;
}

/** Microsoft uses the client's `client-request-id` as the correlation id. */
export function newTrace(clientRequestId?: string): AadTrace {
	return {
		traceId: newGuid(),
		correlationId: clientRequestId || newGuid(),
		timestamp: aadTimestamp(),
	};
}

export function describeWithTrace(error: AadError, trace: AadTrace): string {
	return `AADSTS${error.code}: ${error.text}\r\nTrace ID: ${trace.traceId}\r\nCorrelation ID: ${trace.correlationId}\r\nTimestamp: ${trace.timestamp}`;
}

/** The token endpoint's error JSON, field for field as documented. */
export function aadErrorBody(
	error: AadError,
	trace: AadTrace,
	loginBaseUrl: string,
): Record<string, unknown> {
	const body: Record<string, unknown> = {
		error: error.error,
		error_description: describeWithTrace(error, trace),
		error_codes: [error.code],
		timestamp: trace.timestamp,
		trace_id: trace.traceId,
		correlation_id: trace.correlationId,
		error_uri: `${loginBaseUrl}/error?code=${error.code}`,
	};
	if (error.suberror) body.suberror = error.suberror;
	return body;
}

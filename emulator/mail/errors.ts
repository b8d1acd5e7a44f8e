/** Graph-shaped errors: thrown anywhere in the service, turned into a HandlerResult at the edge. */
import type { HandlerResult } from '../contract';

export class GraphError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly headers?: Record<string, string>,
		/** A more specific code nested as `innerError.code` (errors.md: badRequest > invalidRange). */
		readonly innerCode?: string,
	) {
		super(message);
	}

	toResult(): HandlerResult {
		const error: Record<string, unknown> = { code: this.code, message: this.message };
		if (this.innerCode) error.innerError = { code: this.innerCode };
		return { status: this.status, headers: this.headers, json: { error } };
	}
}

export const ACCESS_DENIED_MESSAGE = 'Access is denied. Check credentials and try again.';

export function accessDenied(): GraphError {
	return new GraphError(403, 'ErrorAccessDenied', ACCESS_DENIED_MESSAGE);
}

export function itemNotFound(): GraphError {
	return new GraphError(
		404,
		'ErrorItemNotFound',
		'The specified object was not found in the store.',
	);
}

export function badRequest(message: string, code = 'BadRequest'): GraphError {
	return new GraphError(400, code, message);
}

export function invalidUser(key: string): GraphError {
	return new GraphError(404, 'ErrorInvalidUser', `The requested user '${key}' is invalid.`);
}

export function invalidJson(): GraphError {
	return badRequest(
		'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
	);
}

export function unknownProperty(name: string, type: string): GraphError {
	return badRequest(
		`The property '${name}' does not exist on type '${type}'. Make sure to only use property names that are defined by the type.`,
		'RequestBodyRead',
	);
}

/** A body parameter the action does not take (OData's reader names the first one). */
export function invalidActionParameter(name: string, operation: string): GraphError {
	return badRequest(
		`The parameter '${name}' in the request payload is not a valid parameter for the operation '${operation}'.`,
		'RequestBodyRead',
	);
}

export function toErrorResult(err: unknown): HandlerResult {
	if (err instanceof GraphError) return err.toResult();
	const message = err instanceof Error ? err.message : String(err);
	return {
		status: 500,
		json: { error: { code: 'generalException', message: `Emulator error: ${message}` } },
	};
}

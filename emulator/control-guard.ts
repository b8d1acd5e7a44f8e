/**
 * Who may use the control API: a caller that knows the per-start key (header `X-Emulator-Key`)
 * and sends JSON. A web page can do neither without a CORS preflight, which the emulator never
 * grants, so state-changing calls are unreachable cross-site.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export const CONTROL_KEY_HEADER = 'X-Emulator-Key';
/** Environment variable the CLI takes the key from (scripts/lib sets it for the process it starts). */
export const CONTROL_KEY_ENV = 'EMULATOR_CONTROL_KEY';
/** Largest control request body (a seeded message with a few attachments fits easily). */
export const MAX_CONTROL_BODY_BYTES = 16 * 1024 * 1024;

export function newControlKey(): string {
	return randomBytes(24).toString('base64url');
}

export interface ControlRefusal {
	status: number;
	message: string;
}

function sameKey(given: string, expected: string): boolean {
	const a = Buffer.from(given);
	const b = Buffer.from(expected);
	return a.length === b.length && timingSafeEqual(a, b);
}

/** Checked before the body is read: the key. */
export function refuseWithoutKey(
	headers: IncomingHttpHeaders,
	key: string,
): ControlRefusal | undefined {
	const sent = headers[CONTROL_KEY_HEADER.toLowerCase()];
	const given = Array.isArray(sent) ? sent[0] : sent;
	if (given && sameKey(given, key)) return undefined;
	return {
		status: 401,
		message: `the control API needs the header ${CONTROL_KEY_HEADER} with the key the emulator printed at start (emulator.controlKey in process)`,
	};
}

/** A non-empty body must say it is JSON (a form or text/plain post is what a foreign page can send). */
export function refuseNonJson(
	headers: IncomingHttpHeaders,
	body: Buffer,
): ControlRefusal | undefined {
	if (body.length === 0) return undefined;
	const type = (headers['content-type'] ?? '').split(';', 1).join('').trim().toLowerCase();
	if (type === 'application/json') return undefined;
	return {
		status: 415,
		message: `control request bodies must be sent as Content-Type: application/json (got '${type || 'none'}')`,
	};
}

import { randomBytes, randomUUID } from 'node:crypto';

export function newGuid(): string {
	return randomUUID();
}

/** URL-safe random text, for opaque tokens and codes. */
export function randomToken(byteCount: number): string {
	return randomBytes(byteCount).toString('base64url');
}

/** Graph's `innerError.date`: ISO 8601 UTC without fraction and without `Z` (as on the wire). */
export function graphDate(at: Date = new Date()): string {
	return at.toISOString().slice(0, 19);
}

/** The identity platform's timestamp format: `2016-01-09 02:02:12Z`. */
export function aadTimestamp(at: Date = new Date()): string {
	return `${at.toISOString().slice(0, 10)} ${at.toISOString().slice(11, 19)}Z`;
}

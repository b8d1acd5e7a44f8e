/**
 * Page and delta tokens: JSON sealed with AES-256-GCM under the service key, so a client can neither
 * read a position out of a token nor compute one (Graph: "do not extract $skip from nextLink").
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export function sealToken(key: Buffer, payload: unknown): string {
	const iv = randomBytes(12);
	const cipher = createCipheriv('aes-256-gcm', key, iv);
	const data = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
	return Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64url');
}

/** Undefined for anything tampered with, truncated or sealed under another key. */
export function openToken<T>(key: Buffer, token: string): T | undefined {
	try {
		const raw = Buffer.from(token, 'base64url');
		if (raw.length < 29) return undefined;
		const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
		decipher.setAuthTag(raw.subarray(12, 28));
		const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString(
			'utf8',
		);
		return JSON.parse(text) as T;
	} catch {
		return undefined;
	}
}

import type { IncomingMessage } from 'node:http';

export type BodyReadResult = { ok: true; body: Buffer } | { ok: false; tooLarge: true };

/**
 * Reads a request body up to `limitBytes`. Above the limit the rest is drained (not kept) so the
 * client can finish sending and still read the 413, as it would from a real front end.
 */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<BodyReadResult> {
	return new Promise((resolve, reject) => {
		const declared = Number(req.headers['content-length']);
		let tooLarge = Number.isFinite(declared) && declared > limitBytes;
		const chunks: Buffer[] = [];
		let received = 0;
		req.on('data', (chunk: Buffer) => {
			if (tooLarge) return;
			received += chunk.length;
			if (received > limitBytes) {
				tooLarge = true;
				chunks.length = 0;
				return;
			}
			chunks.push(chunk);
		});
		let ended = false;
		req.on('end', () => {
			ended = true;
			resolve(tooLarge ? { ok: false, tooLarge: true } : { ok: true, body: Buffer.concat(chunks) });
		});
		req.on('error', reject);
		// A client that hangs up mid-body never sends 'end'.
		req.on('close', () => {
			if (!ended) reject(new Error('request aborted before its body was complete'));
		});
	});
}

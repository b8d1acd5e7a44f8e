import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A tiny local server standing in for the app's redirect URI; records every request. */
export interface RedirectTarget {
	callbackUrl: string;
	hits: Array<{ method: string; url: string; query: URLSearchParams; body: string }>;
	close(): Promise<void>;
}

export async function startRedirectTarget(): Promise<RedirectTarget> {
	const hits: RedirectTarget['hits'] = [];
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const url = req.url ?? '/';
			hits.push({ method: req.method ?? 'GET', url, query: new URL(url, 'http://x').searchParams, body: Buffer.concat(chunks).toString('utf8') });
			res.writeHead(200, { 'Content-Type': 'text/plain' });
			res.end('signed in');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	return {
		callbackUrl: `http://127.0.0.1:${port}/callback`,
		hits,
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

export { parseConsentForm, type ConsentForm } from '../../../scripts/lib/consentPage';

export async function postForm(url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
	return fetch(url, {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
		body: new URLSearchParams(fields).toString(),
		redirect: 'manual',
	});
}

/** Raw request over node:http, so a destroyed socket shows up as an error (fetch could hide the detail). */
export function rawRequest(
	url: string,
	options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
	return new Promise((resolve, reject) => {
		const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
			res.on('error', reject);
		});
		req.on('error', reject);
		req.end(options.body);
	});
}

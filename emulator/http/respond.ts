import type { ServerResponse } from 'node:http';

import type { HandlerResult } from '../contract';

/** What Graph puts on successful JSON answers. */
export const GRAPH_JSON_CONTENT_TYPE =
	'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

function hasHeader(headers: Record<string, string>, name: string): boolean {
	const lower = name.toLowerCase();
	return Object.keys(headers).some((key) => key.toLowerCase() === lower);
}

/** Writes a handler result: JSON is serialised, raw bytes sent as they are, else an empty body. */
export function sendResult(
	res: ServerResponse,
	result: HandlerResult,
	extraHeaders: Record<string, string> = {},
): void {
	const headers: Record<string, string> = { ...extraHeaders, ...(result.headers ?? {}) };
	let payload: Buffer;
	if (result.json !== undefined) {
		payload = Buffer.from(JSON.stringify(result.json), 'utf8');
		if (!hasHeader(headers, 'content-type')) {
			headers['Content-Type'] = result.status < 400 ? GRAPH_JSON_CONTENT_TYPE : 'application/json';
		}
	} else if (result.raw !== undefined) {
		payload = result.raw;
		if (!hasHeader(headers, 'content-type')) headers['Content-Type'] = 'application/octet-stream';
	} else {
		payload = Buffer.alloc(0);
	}
	headers['Content-Length'] = String(payload.length);
	res.writeHead(result.status, headers);
	res.end(payload);
}

export function sendJson(
	res: ServerResponse,
	status: number,
	json: unknown,
	headers: Record<string, string> = {},
): void {
	sendResult(res, {
		status,
		json,
		headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
	});
}

export function sendHtml(
	res: ServerResponse,
	status: number,
	html: string,
	headers: Record<string, string> = {},
): void {
	const payload = Buffer.from(html, 'utf8');
	res.writeHead(status, {
		'Content-Type': 'text/html; charset=utf-8',
		'Content-Length': String(payload.length),
		'Cache-Control': 'no-store',
		...headers,
	});
	res.end(payload);
}

export function sendRedirect(res: ServerResponse, location: string): void {
	res.writeHead(302, { Location: location, 'Content-Length': '0', 'Cache-Control': 'no-store' });
	res.end();
}

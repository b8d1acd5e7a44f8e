import type { IExecuteFunctions } from 'n8n-workflow';

import type { GraphClient } from './graphClient';

export interface DownloadedBytes {
	bytes: Buffer;
	contentType?: string;
}

/**
 * Raw bytes of a Graph resource (an attachment's `$value`, a message's MIME) through the client:
 * signed, kept on the Graph host, within the mailbox's in-flight cap, retried like any read.
 */
export async function downloadBytes(
	client: Pick<GraphClient, 'request'>,
	request: { path: string; mailbox: string; itemIndex?: number },
): Promise<DownloadedBytes> {
	const response = await client.request<Buffer | ArrayBuffer | string>({
		method: 'GET',
		path: request.path,
		mailbox: request.mailbox,
		itemIndex: request.itemIndex,
		encoding: 'arraybuffer',
	});
	const body = response.body;
	const bytes = Buffer.isBuffer(body)
		? body
		: body instanceof ArrayBuffer
			? Buffer.from(body)
			: Buffer.from(typeof body === 'string' ? body : '', 'binary');
	const contentType = response.headers['content-type'];
	return { bytes, contentType: contentType ? contentType.split(';')[0]?.trim() : undefined };
}

/** A readable stream, as n8n's `prepareBinaryData` takes it (the type comes from n8n, not node:stream). */
export type ByteStream = Exclude<
	Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0],
	Buffer
>;

/**
 * A Graph resource's bytes as a stream (a message's MIME, which has no size limit): the caller
 * hands it to n8n's binary data, which writes it out as it arrives in filesystem or S3 mode.
 */
export async function downloadStream(
	client: Pick<GraphClient, 'request'>,
	request: { path: string; mailbox: string; itemIndex?: number; headers?: Record<string, string> },
): Promise<{ stream: ByteStream; contentType?: string }> {
	const response = await client.request<ByteStream>({
		method: 'GET',
		path: request.path,
		mailbox: request.mailbox,
		itemIndex: request.itemIndex,
		headers: request.headers,
		encoding: 'stream',
	});
	const contentType = response.headers['content-type'];
	return {
		stream: response.body,
		contentType: contentType ? contentType.split(';')[0]?.trim() : undefined,
	};
}

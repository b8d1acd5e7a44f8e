/**
 * Where the emulator used to accept what Graph refuses (issue 12, part 6). A node that made one of
 * these mistakes would pass here and fail against Microsoft 365. Over real HTTP on loopback.
 */
import type { Emulator } from '../../emulator/server';
import { accessTokenFor, ADELE, ALEX, graph, startTestEmulator } from './support/emulator';
import { rawRequest } from './support/http';

/** Graph's error body, as the emulator answers. */
type GraphError = { error: { code: string; message: string } };

function fileAttachment(contentBytes: string, extra: Record<string, unknown> = {}) {
	return {
		'@odata.type': '#microsoft.graph.fileAttachment',
		name: 'a.txt',
		contentBytes,
		...extra,
	};
}

function mailWith(attachments: unknown[], subject: string) {
	return { message: { subject, toRecipients: [{ emailAddress: { address: ALEX } }], attachments } };
}

describe('emulator strictness: what Graph refuses', () => {
	let emulator: Emulator;
	let token: string;

	beforeAll(async () => {
		emulator = await startTestEmulator();
	});
	beforeEach(async () => {
		emulator.reset();
		token = await accessTokenFor(emulator, ADELE);
	});
	afterAll(() => emulator.stop());

	const delivered = () => emulator.control.counters().delivered;

	async function draft(subject: string): Promise<string> {
		const created = await graph(emulator, '/me/messages', {
			token,
			body: { subject, toRecipients: [{ emailAddress: { address: ALEX } }] },
		});
		expect(created.status).toBe(201);
		return ((await created.json()) as { id: string }).id;
	}

	it.each([
		['unpadded', 'QQ'],
		['base64url and the wrong length', 'filesystem-v2'],
		["the docs' truncated sample", 'R0lGODdhEAYEAA7'],
		['a stray character', 'SGVs*bG8='],
	])(
		'contentBytes that is not base64 (%s: %s) is 400 RequestBodyRead, in sendMail and in POST attachments',
		async (_label, bytes) => {
			const send = await graph(emulator, '/me/sendMail', {
				token,
				body: mailWith([fileAttachment(bytes)], 'bad base64'),
			});
			expect(send.status).toBe(400);
			expect(((await send.json()) as GraphError).error).toMatchObject({
				code: 'RequestBodyRead',
				message: expect.stringMatching(/Edm\.Binary/),
			});
			const id = await draft('bad base64 attachment');
			const attach = await graph(emulator, `/me/messages/${encodeURIComponent(id)}/attachments`, {
				token,
				body: fileAttachment(bytes),
			});
			expect(attach.status).toBe(400);
			expect(delivered()).toBe(0);
		},
	);

	it('valid base64 is still taken: padded, with line breaks, with + and /', async () => {
		for (const bytes of ['QQ==', 'SGVsbG8g\r\nV29ybGQh', '+/+/']) {
			const send = await graph(emulator, '/me/sendMail', {
				token,
				body: mailWith([fileAttachment(bytes)], `ok ${bytes}`),
			});
			expect({ bytes, status: send.status }).toEqual({ bytes, status: 202 });
		}
	});

	it('a file attachment without @odata.type is 400 (attachment is abstract)', async () => {
		const untyped = { name: 'a.txt', contentBytes: 'SGVsbG8gV29ybGQh' };
		const send = await graph(emulator, '/me/sendMail', {
			token,
			body: mailWith([untyped], 'untyped'),
		});
		expect(send.status).toBe(400);
		expect(((await send.json()) as GraphError).error).toMatchObject({
			code: 'RequestBodyRead',
			message: expect.stringMatching(/@odata\.type/),
		});
		const id = await draft('untyped attachment');
		const attach = await graph(emulator, `/me/messages/${encodeURIComponent(id)}/attachments`, {
			token,
			body: untyped,
		});
		expect(attach.status).toBe(400);
		expect(delivered()).toBe(0);
	});

	it('a JSON sendMail without Content-Type: application/json is 415; nothing is sent', async () => {
		const body = JSON.stringify(mailWith([], 'no content type'));
		const url = `${emulator.graphBaseUrl}/v1.0/me/sendMail`;
		const none = await rawRequest(url, {
			method: 'POST',
			headers: { Authorization: `Bearer ${token}` },
			body,
		});
		expect(none.status).toBe(415);
		expect(JSON.parse(none.body).error).toMatchObject({
			code: 'RequestBodyRead',
			innerError: { 'request-id': expect.any(String) },
		});
		const form = await rawRequest(url, {
			method: 'POST',
			headers: {
				Authorization: `Bearer ${token}`,
				'Content-Type': 'application/x-www-form-urlencoded',
			},
			body,
		});
		expect(form.status).toBe(415);
		expect(delivered()).toBe(0);
		const json = await rawRequest(url, {
			method: 'POST',
			headers: {
				Authorization: `Bearer ${token}`,
				'Content-Type': 'application/json; charset=utf-8',
			},
			body,
		});
		expect(json.status).toBe(202);
	});

	it('POST /messages/{id}/send with a body is 400 and the draft stays a draft; no body or {} is 202', async () => {
		const id = await draft('send with a body');
		const path = `/me/messages/${encodeURIComponent(id)}/send`;
		const withBody = await graph(emulator, path, {
			token,
			body: { message: { subject: 'changed' }, comment: 'hi' },
		});
		expect(withBody.status).toBe(400);
		expect(((await withBody.json()) as GraphError).error).toMatchObject({
			code: 'RequestBodyRead',
			message: expect.stringMatching(/'message'.*operation 'send'/),
		});
		expect(
			(await graph(emulator, `/me/messages/${encodeURIComponent(id)}`, { token })).status,
		).toBe(200);
		expect(delivered()).toBe(0);
		expect((await graph(emulator, path, { token, body: {} })).status).toBe(202);
		const other = await draft('send without a body');
		expect(
			(
				await graph(emulator, `/me/messages/${encodeURIComponent(other)}/send`, {
					token,
					method: 'POST',
				})
			).status,
		).toBe(202);
	});

	it('upload-host range errors nest invalidRange under badRequest, as errors.md shows', async () => {
		const id = await draft('range errors');
		const created = await graph(
			emulator,
			`/me/messages/${encodeURIComponent(id)}/attachments/createUploadSession`,
			{
				token,
				body: { AttachmentItem: { attachmentType: 'file', name: 'big.bin', size: 3_000_000 } },
			},
		);
		expect(created.status).toBe(201);
		const { uploadUrl } = (await created.json()) as { uploadUrl: string };
		const put = (range: string, length: number) =>
			rawRequest(uploadUrl, {
				method: 'PUT',
				headers: { 'Content-Range': range, 'Content-Type': 'application/octet-stream' },
				body: Buffer.alloc(length),
			});
		expect((await put('bytes 0-9/3000000', 10)).status).toBe(200);
		const overlap = await put('bytes 0-9/3000000', 10);
		expect(overlap.status).toBe(400);
		expect(JSON.parse(overlap.body).error).toMatchObject({
			code: 'badRequest',
			message: 'Uploaded fragment overlaps with existing data. Next expected range: 10-',
			innerError: {
				code: 'invalidRange',
				'request-id': expect.any(String),
				date: expect.any(String),
			},
		});
		const gap = await put('bytes 100-109/3000000', 10);
		expect(gap.status).toBe(416);
		expect(JSON.parse(gap.body).error).toMatchObject({
			code: 'badRequest',
			innerError: { code: 'invalidRange' },
		});
	});
});

/** Upload sessions: creation rules, in-order chunks, resume from nextExpectedRanges, expiry, cancel, auth. */
import { LIMITS, MiB } from '../../emulator/contract';
import { createMailService, DEMO_USERS } from '../../emulator/mail/index';
import { api, DirectClient, rawRequest, type TestResponse } from './support/mail-client';

const { adele: ADELE, megan: MEGAN } = DEMO_USERS;
const SCOPES = ['User.Read', 'Mail.ReadWrite', 'Mail.Send'];
const enc = encodeURIComponent;
const LIFETIME = 15 * 60 * 1000;

function setup(options: Parameters<typeof createMailService>[0] = {}) {
	let now = Date.parse('2024-05-01T08:00:00Z');
	const service = createMailService({
		seed: 'demo',
		now: () => now,
		uploadSessionLifetimeMs: LIFETIME,
		...options,
	});
	const client = new DirectClient(service, { userId: ADELE.id, clientId: 'test', scopes: SCOPES });
	const graph = api(client);
	return {
		service,
		client,
		graph,
		advance: (ms: number) => (now += ms),
		async draft(): Promise<string> {
			const created = await graph.post('/me/messages', {
				subject: 'with a big file',
				toRecipients: [{ emailAddress: { address: MEGAN.userPrincipalName } }],
			});
			return created.body.id;
		},
		async session(draftId: string, item: Record<string, unknown>): Promise<TestResponse> {
			return graph.post(`/me/messages/${enc(draftId)}/attachments/createUploadSession`, {
				AttachmentItem: item,
			});
		},
	};
}

function put(
	client: DirectClient,
	url: string,
	bytes: Buffer,
	start: number,
	total: number,
	extraHeaders: Record<string, string> = {},
) {
	return client.upload('PUT', url, {
		rawBody: bytes,
		headers: {
			'Content-Type': 'application/octet-stream',
			'Content-Range': `bytes ${start}-${start + bytes.length - 1}/${total}`,
			...extraHeaders,
		},
	});
}

const file = (size: number) => {
	const bytes = Buffer.alloc(size);
	for (let i = 0; i < size; i += 4096) bytes[i] = (i / 4096) % 251;
	return bytes;
};

describe('mail service: upload sessions', () => {
	it('createUploadSession: AttachmentItem key is case-insensitive; the URL is opaque on the upload host', async () => {
		const s = setup();
		const id = await s.draft();
		for (const key of ['AttachmentItem', 'attachmentItem', 'ATTACHMENTITEM']) {
			const response = await s.graph.post(
				`/me/messages/${enc(id)}/attachments/createUploadSession`,
				{
					[key]: { attachmentType: 'file', name: 'a.bin', size: 3_500_000 },
				},
			);
			expect(response.status).toBe(201);
			expect(response.body.uploadUrl).toMatch(
				/^http:\/\/upload\.test\/upload\/[\w-]+\?authtoken=[\w-]{20,}$/,
			);
			expect(Date.parse(response.body.expirationDateTime)).toBe(
				Date.parse('2024-05-01T08:00:00Z') + LIFETIME,
			);
		}
		expect(s.service.classifyUpload(rawRequest('PUT', '/upload/nope?authtoken=x'))).toEqual({
			route: 'uploadChunk',
			unresolved: true,
		});
	});

	it('refuses sizes under the minimum, messages over the maximum, missing items and other types', async () => {
		const s = setup({ maxMessageBytes: 10 * MiB });
		const id = await s.draft();
		const small = await s.session(id, {
			attachmentType: 'file',
			name: 'small.bin',
			size: LIMITS.minUploadSessionBytes - 1,
		});
		expect(small.status).toBe(400);
		expect(small.body.error.code).toBe('ErrorAttachmentSizeShouldNotBeLessThanMinimumSize');
		const big = await s.session(id, { attachmentType: 'file', name: 'big.bin', size: 11 * MiB });
		expect(big.status).toBe(400);
		expect(big.body.error.code).toBe('ErrorMessageSizeExceeded');
		expect(
			(await s.graph.post(`/me/messages/${enc(id)}/attachments/createUploadSession`, {})).status,
		).toBe(400);
		expect(
			(await s.session(id, { attachmentType: 'reference', name: 'x', size: 4 * MiB })).status,
		).toBe(400);
		expect((await s.session(id, { attachmentType: 'file', size: 4 * MiB })).status).toBe(400);
		expect(
			(
				await s.graph.post('/me/messages/nope/attachments/createUploadSession', {
					AttachmentItem: { attachmentType: 'file', name: 'x', size: 4 * MiB },
				})
			).status,
		).toBe(404);
	});

	it('resumes after a failed or missing chunk using nextExpectedRanges', async () => {
		const s = setup();
		const id = await s.draft();
		const bytes = file(9 * MiB + 123);
		const total = bytes.length;
		const created = await s.session(id, { attachmentType: 'file', name: 'video.mp4', size: total });
		const url: string = created.body.uploadUrl;
		const chunk = 4 * MiB;
		const route = s.service.classifyUpload(rawRequest('PUT', url));
		expect(route).toEqual({ route: 'uploadChunk', mailboxId: ADELE.id });

		const first = await put(s.client, url, bytes.subarray(0, chunk), 0, total);
		expect(first.status).toBe(200);
		expect(first.body.nextExpectedRanges).toEqual([String(chunk)]);

		// the client lost chunk 2 and sends chunk 3: a gap -> 416, nothing stored
		const gap = await put(s.client, url, bytes.subarray(2 * chunk), 2 * chunk, total);
		expect(gap.status).toBe(416);
		expect(gap.body.error).toMatchObject({
			code: 'badRequest',
			innerError: { code: 'invalidRange' },
		});
		// a retried chunk 1 (its answer was lost): overlap -> 400 with the documented message
		const overlap = await put(s.client, url, bytes.subarray(0, chunk), 0, total);
		expect(overlap.status).toBe(400);
		expect(overlap.body.error).toMatchObject({
			code: 'badRequest',
			innerError: { code: 'invalidRange' },
		});
		expect(overlap.body.error.message).toMatch(/^Uploaded fragment overlaps with existing data\./);
		// the progress is readable (GET on the upload URL) and says where to go on
		const progress = await s.client.upload('GET', url);
		expect(progress.status).toBe(200);
		expect(progress.body.nextExpectedRanges).toEqual([String(chunk)]);

		let next = Number(progress.body.nextExpectedRanges[0]);
		let last: TestResponse | undefined;
		while (next < total) {
			last = await put(
				s.client,
				url,
				bytes.subarray(next, Math.min(next + chunk, total)),
				next,
				total,
			);
			next = last.status === 200 ? Number(last.body.nextExpectedRanges[0]) : total;
		}
		expect(last!.status).toBe(201);
		const location = last!.headers.location ?? '';
		expect(location).toMatch(
			new RegExp(
				`^http://graph\\.test/v1\\.0/users\\('${ADELE.id}'\\)/messages\\('[^']+'\\)/attachments\\('[^']+'\\)$`,
			),
		);
		const attachmentId = /attachments\('([^']+)'\)$/.exec(location)![1]!;
		expect(s.service.attachmentBytes(ADELE.id, id, attachmentId)!.equals(bytes)).toBe(true);
		const meta = await s.graph.get(location);
		expect(meta.body).toMatchObject({
			name: 'video.mp4',
			contentType: 'video/mp4',
			size: total,
			isInline: false,
		});
		// a retried final chunk after completion: the session is gone
		expect((await put(s.client, url, bytes.subarray(total - 123), total - 123, total)).status).toBe(
			404,
		);
	});

	it('checks every fragment: Content-Range, lengths, total, the 4 MiB limit', async () => {
		const s = setup();
		const id = await s.draft();
		const total = 5 * MiB;
		const url: string = (
			await s.session(id, { attachmentType: 'file', name: 'x.bin', size: total })
		).body.uploadUrl;
		const noRange = await s.client.upload('PUT', url, { rawBody: Buffer.alloc(10) });
		expect(noRange.status).toBe(400);
		expect(noRange.body.error).toMatchObject({
			code: 'badRequest',
			innerError: { code: 'invalidRange' },
		});
		const wrongLength = await s.client.upload('PUT', url, {
			rawBody: Buffer.alloc(10),
			headers: { 'Content-Range': `bytes 0-19/${total}` },
		});
		expect(wrongLength.status).toBe(400);
		const wrongContentLength = await put(s.client, url, Buffer.alloc(10), 0, total, {
			'Content-Length': '11',
		});
		expect(wrongContentLength.status).toBe(400);
		const wrongTotal = await put(s.client, url, Buffer.alloc(10), 0, total + 1);
		expect(wrongTotal.status).toBe(400);
		const tooBig = await put(s.client, url, Buffer.alloc(LIMITS.maxUploadChunkBytes + 1), 0, total);
		expect(tooBig.status).toBe(413);
		expect(
			(await put(s.client, url, Buffer.alloc(LIMITS.maxUploadChunkBytes), 0, total)).status,
		).toBe(200);
	});

	it('a wrong authtoken is 401; an expired session is 404 (lifetime extends with each fragment)', async () => {
		const s = setup();
		const id = await s.draft();
		const total = 4 * MiB;
		const url: string = (
			await s.session(id, { attachmentType: 'file', name: 'x.bin', size: total })
		).body.uploadUrl;
		const forged = url.replace(/authtoken=.*/, 'authtoken=forged');
		expect((await put(s.client, forged, Buffer.alloc(10), 0, total)).status).toBe(401);
		s.advance(LIFETIME - 1000);
		expect((await put(s.client, url, Buffer.alloc(MiB), 0, total)).status).toBe(200);
		s.advance(LIFETIME - 1000); // still alive: the fragment extended it
		expect((await put(s.client, url, Buffer.alloc(MiB), MiB, total)).status).toBe(200);
		s.advance(LIFETIME + 1);
		const expired = await put(s.client, url, Buffer.alloc(MiB), 2 * MiB, total);
		expect(expired.status).toBe(404);
		expect(expired.body.error.message).toMatch(/expired/);
		expect((await put(s.client, url, Buffer.alloc(MiB), 2 * MiB, total)).status).toBe(404);
		expect(
			s.service.mailbox(ADELE.id).folders.find((f) => f.wellKnownName === 'drafts')!.messages[0]!
				.attachments,
		).toEqual([]);
	});

	it('DELETE cancels (204); classifyUpload names the route and mailbox', async () => {
		const s = setup();
		const id = await s.draft();
		const url: string = (
			await s.session(id, { attachmentType: 'file', name: 'x.bin', size: 4 * MiB })
		).body.uploadUrl;
		expect(s.service.classifyUpload(rawRequest('DELETE', url))).toEqual({
			route: 'cancelUpload',
			mailboxId: ADELE.id,
		});
		expect((await s.client.upload('DELETE', url)).status).toBe(204);
		expect((await s.client.upload('DELETE', url)).status).toBe(404);
	});

	it('uploads into a shared mailbox with a grant; the Graph known issue (403) is an option', async () => {
		const s = setup();
		s.service.grant(MEGAN.id, ADELE.id, { fullAccess: true });
		const shared = api(
			s.client.as({ userId: ADELE.id, clientId: 'test', scopes: ['Mail.ReadWrite.Shared'] }),
		);
		const draft = await shared.post(`/users/${enc(MEGAN.userPrincipalName)}/messages`, {
			subject: 'shared draft',
		});
		const path = `/users/${enc(MEGAN.userPrincipalName)}/messages/${enc(draft.body.id)}/attachments/createUploadSession`;
		const item = { AttachmentItem: { attachmentType: 'file', name: 'x.bin', size: 3 * MiB } };
		const created = await shared.post(path, item);
		expect(created.status).toBe(201);
		expect(s.service.classifyUpload(rawRequest('PUT', created.body.uploadUrl)).mailboxId).toBe(
			MEGAN.id,
		);
		const strict = setup({ sharedMailboxUploadForbidden: true });
		strict.service.grant(MEGAN.id, ADELE.id, { fullAccess: true });
		const strictShared = api(
			strict.client.as({ userId: ADELE.id, clientId: 'test', scopes: ['Mail.ReadWrite.Shared'] }),
		);
		const strictDraft = await strictShared.post(`/users/${enc(MEGAN.userPrincipalName)}/messages`, {
			subject: 'shared draft',
		});
		const refused = await strictShared.post(
			`/users/${enc(MEGAN.userPrincipalName)}/messages/${enc(strictDraft.body.id)}/attachments/createUploadSession`,
			item,
		);
		expect(refused.status).toBe(403);
	});
});

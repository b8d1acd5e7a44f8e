/**
 * The mail service behind the real server on loopback: a lost upload answer resumed from
 * nextExpectedRanges, mail routes inside $batch, retried sends counted as duplicates.
 */
import { startEmulator, type Emulator } from '../../emulator/server';
import { DEMO_USERS } from '../../emulator/mail/index';
import { api, HttpClient } from './support/mail-client';

const { adele: ADELE, megan: MEGAN } = DEMO_USERS;
const SCOPES = ['openid', 'offline_access', 'User.Read', 'Mail.ReadWrite', 'Mail.Send'];
const MiB = 1024 * 1024;
const enc = encodeURIComponent;

describe('mail service over HTTP', () => {
	let emulator: Emulator;
	let adele: HttpClient;

	beforeAll(async () => {
		emulator = await startEmulator({ seed: 'demo' });
	});
	beforeEach(() => {
		emulator.reset();
		const token = emulator.control.issueTokens({
			upn: ADELE.userPrincipalName,
			scopes: SCOPES,
		}).access_token;
		adele = new HttpClient(
			{ graphBaseUrl: emulator.graphBaseUrl, uploadBaseUrl: emulator.uploadBaseUrl },
			token,
		);
	});
	afterAll(() => emulator.stop());

	it('an upload chunk whose answer is lost: the retry overlaps (400), the progress says where to resume', async () => {
		const graph = api(adele);
		const draft = await graph.post('/me/messages', {
			subject: 'resume',
			toRecipients: [{ emailAddress: { address: MEGAN.userPrincipalName } }],
		});
		const bytes = Buffer.alloc(6 * MiB, 3);
		const session = await graph.post(
			`/me/messages/${enc(draft.body.id)}/attachments/createUploadSession`,
			{
				AttachmentItem: { attachmentType: 'file', name: 'resume.bin', size: bytes.length },
			},
		);
		const url: string = session.body.uploadUrl;
		const put = (start: number, end: number) =>
			adele.upload('PUT', url, {
				rawBody: bytes.subarray(start, end + 1),
				headers: { 'Content-Range': `bytes ${start}-${end}/${bytes.length}` },
			});

		emulator.control.injectFault({ route: 'uploadChunk', kind: 'lostResponse' });
		await expect(put(0, 4 * MiB - 1)).rejects.toThrow(); // committed, but the client never hears it
		const retry = await put(0, 4 * MiB - 1);
		expect(retry.status).toBe(400);
		expect(retry.body.error).toMatchObject({
			code: 'badRequest',
			innerError: { code: 'invalidRange' },
		});
		expect(retry.body.error.innerError['request-id']).toBeTruthy();
		const progress = await adele.upload('GET', url);
		expect(progress.body.nextExpectedRanges).toEqual([String(4 * MiB)]);
		const last = await put(4 * MiB, bytes.length - 1);
		expect(last.status).toBe(201);
		const attachment = await graph.get(`${last.headers.location}?$select=name,size`);
		expect(attachment.body).toMatchObject({ name: 'resume.bin', size: bytes.length });
	});

	it('a bearer token on the upload URL is refused by the upload listener', async () => {
		const graph = api(adele);
		const draft = await graph.post('/me/messages', { subject: 'auth' });
		const session = await graph.post(
			`/me/messages/${enc(draft.body.id)}/attachments/createUploadSession`,
			{
				AttachmentItem: { attachmentType: 'file', name: 'x.bin', size: 3 * MiB },
			},
		);
		const withToken = await fetch(session.body.uploadUrl, {
			method: 'PUT',
			headers: { Authorization: `Bearer ${adele.token}`, 'Content-Range': `bytes 0-9/${3 * MiB}` },
			body: Buffer.alloc(10),
		});
		expect(withToken.status).toBe(401);
	});

	it('mail routes inside $batch; a retried send is counted as a duplicate delivery', async () => {
		const mail = {
			message: {
				subject: 'batched',
				body: { contentType: 'Text', content: 'hi' },
				toRecipients: [{ emailAddress: { address: MEGAN.userPrincipalName } }],
			},
		};
		const batch = await adele.request('POST', '/$batch', {
			body: {
				requests: [
					{
						id: '1',
						method: 'POST',
						url: '/me/sendMail',
						headers: { 'Content-Type': 'application/json' },
						body: mail,
					},
					{ id: '2', method: 'GET', url: '/me/mailFolders/inbox/messages?$top=2&$select=subject' },
					{ id: '3', method: 'GET', url: '/me/messages/does-not-exist' },
				],
			},
		});
		expect(batch.status).toBe(200);
		const byId = new Map(batch.body.responses.map((r: { id: string }) => [r.id, r]));
		expect(byId.get('1')).toMatchObject({ status: 202 });
		expect(byId.get('2')).toMatchObject({
			status: 200,
			body: { value: [{ subject: expect.any(String) }, { subject: expect.any(String) }] },
		});
		expect(byId.get('3')).toMatchObject({
			status: 404,
			body: { error: { code: 'ErrorItemNotFound' } },
		});
		expect((await adele.request('POST', '/me/sendMail', { body: mail })).status).toBe(202);
		expect(emulator.control.counters()).toMatchObject({ delivered: 2, duplicatesDelivered: 1 });
	});

	it('GET $value streams raw bytes with the attachment content type', async () => {
		const graph = api(adele);
		const message = emulator.control
			.mailbox(ADELE.id)
			.folders.find((f) => f.wellKnownName === 'inbox')!
			.messages.find((m) => m.subject === 'Koala image')!;
		const value = await graph.get(
			`/me/messages/${enc(message.id)}/attachments/${enc(message.attachments[0]!.id)}/$value`,
		);
		expect(value.status).toBe(200);
		expect(value.headers['content-type']).toBe('image/png');
		expect(value.raw.subarray(0, 4)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
		const mime = await graph.get(`/me/messages/${enc(message.id)}/$value`);
		expect(mime.headers['content-type']).toBe('text/plain');
		expect(mime.raw.toString()).toContain('Subject: Koala image');
	});
});

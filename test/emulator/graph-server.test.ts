import type { Emulator } from '../../emulator/server';
import {
	accessTokenFor,
	ADELE,
	ALEX,
	graph,
	sendMailBody,
	startTestEmulator,
} from './support/emulator';
import { rawRequest } from './support/http';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('Graph listener', () => {
	let emulator: Emulator;

	beforeAll(async () => {
		emulator = await startTestEmulator();
	});
	afterAll(() => emulator.stop());

	async function expect401(response: Response, message: string): Promise<void> {
		expect(response.status).toBe(401);
		expect(response.headers.get('www-authenticate')).toBe(
			`Bearer realm="", authorization_uri="${emulator.loginBaseUrl}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
		);
		const body = (await response.json()) as {
			error: { code: string; message: string; innerError: Record<string, string> };
		};
		expect(body.error.code).toBe('InvalidAuthenticationToken');
		expect(body.error.message).toBe(message);
		expect(body.error.innerError.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
		expect(body.error.innerError['request-id']).toBe(response.headers.get('request-id'));
		expect(body.error.innerError['client-request-id']).toBe(
			response.headers.get('client-request-id'),
		);
	}

	it('401 InvalidAuthenticationToken for missing, garbage, unknown and expired tokens', async () => {
		await expect401(await graph(emulator, '/me'), 'Access token is empty.');
		await expect401(
			await graph(emulator, '/me', { token: 'not-a-token' }),
			'CompactToken parsing failed with error code: 80049217',
		);
		await expect401(
			await graph(emulator, '/me', { token: 'eyJhbGciOiJub25lIn0.eyJ4IjoxfQ.' }),
			'Access token validation failure.',
		);
		const token = await accessTokenFor(emulator, ADELE);
		expect((await graph(emulator, '/me', { token })).status).toBe(200);
		emulator.control.expireAccessTokens(ADELE);
		await expect401(
			await graph(emulator, '/me', { token }),
			'Access token has expired or is not yet valid.',
		);
	});

	it('every answer carries request-id and client-request-id (echoed when sent)', async () => {
		const token = await accessTokenFor(emulator, ADELE);
		const plain = await graph(emulator, '/me', { token });
		expect(plain.headers.get('request-id')).toMatch(GUID);
		expect(plain.headers.get('client-request-id')).toBe(plain.headers.get('request-id'));
		const echoed = await graph(emulator, '/me', {
			token,
			headers: { 'client-request-id': 'my-correlation-1' },
		});
		expect(echoed.headers.get('client-request-id')).toBe('my-correlation-1');
		expect(echoed.headers.get('request-id')).toMatch(GUID);
		const failed = await graph(emulator, '/me', {
			headers: { 'client-request-id': 'my-correlation-2' },
		});
		expect(failed.headers.get('client-request-id')).toBe('my-correlation-2');
	});

	it('403 ErrorAccessDenied without the route scope', async () => {
		const readOnly = await accessTokenFor(emulator, ADELE, ['Mail.Read']);
		const send = await graph(emulator, '/me/sendMail', {
			token: readOnly,
			body: sendMailBody(ALEX),
		});
		expect(send.status).toBe(403);
		const body = (await send.json()) as { error: { code: string; message: string } };
		expect(body.error).toMatchObject({
			code: 'ErrorAccessDenied',
			message: 'Access is denied. Check credentials and try again.',
		});
		expect((await graph(emulator, '/me/messages', { token: readOnly })).status).toBe(200);
		expect(
			(await graph(emulator, '/me/messages', { token: readOnly, body: { subject: 'draft' } }))
				.status,
		).toBe(403);
		expect((await graph(emulator, '/me', { token: readOnly })).status).toBe(403);
		const sendOnly = await accessTokenFor(emulator, ADELE, ['Mail.Send']);
		expect(
			(await graph(emulator, '/me/sendMail', { token: sendOnly, body: sendMailBody(ALEX) })).status,
		).toBe(202);
		expect((await graph(emulator, '/me/messages', { token: sendOnly })).status).toBe(403);
	});

	it("another user's mailbox needs the mail service's grant and a .Shared scope", async () => {
		const plain = await accessTokenFor(emulator, ALEX, ['Mail.Read']);
		const shared = await accessTokenFor(emulator, ALEX, ['Mail.Read.Shared']);
		const path = `/users/${encodeURIComponent(ADELE)}/messages`;
		const denied = await graph(emulator, path, { token: shared });
		expect(denied.status).toBe(403);
		// The mail service's error gets Graph's innerError with this request's ids.
		const body = (await denied.json()) as {
			error: { code: string; innerError: Record<string, string> };
		};
		expect(body.error.code).toBe('ErrorAccessDenied');
		expect(body.error.innerError['request-id']).toBe(denied.headers.get('request-id'));
		emulator.control.grant({ mailboxId: ADELE, delegateId: ALEX, fullAccess: true });
		expect((await graph(emulator, path, { token: plain })).status).toBe(403);
		expect((await graph(emulator, path, { token: shared })).status).toBe(200);
		// Mail.Read.Shared also covers the caller's own mailbox.
		expect((await graph(emulator, '/me/messages', { token: shared })).status).toBe(200);
	});

	it('413 for a body above 4 MiB', async () => {
		const token = await accessTokenFor(emulator, ADELE);
		const big = JSON.stringify({
			message: {
				subject: 'x',
				body: { contentType: 'Text', content: 'a'.repeat(4 * 1024 * 1024) },
			},
		});
		const response = await graph(emulator, '/me/sendMail', { token, body: big });
		expect(response.status).toBe(413);
		expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
			'RequestEntityTooLarge',
		);
		expect(response.headers.get('request-id')).toMatch(GUID);
	});

	it('the upload listener refuses an Authorization header and serves pre-authenticated URLs', async () => {
		const token = await accessTokenFor(emulator, ADELE);
		const draft = (await (
			await graph(emulator, '/me/messages', { token, body: { subject: 'big' } })
		).json()) as { id: string };
		const session = await graph(
			emulator,
			`/me/messages/${draft.id}/attachments/createUploadSession`,
			{
				token,
				body: { AttachmentItem: { attachmentType: 'file', name: 'a.bin', size: 3_000_000 } },
			},
		);
		const { uploadUrl } = (await session.json()) as { uploadUrl: string };
		expect(uploadUrl.startsWith(`${emulator.uploadBaseUrl}/upload/`)).toBe(true);
		const before = emulator.control.counters();

		const withAuth = await fetch(uploadUrl, {
			method: 'PUT',
			headers: { Authorization: `Bearer ${token}`, 'Content-Range': 'bytes 0-9/3000000' },
			body: Buffer.alloc(10),
		});
		expect(withAuth.status).toBe(401);
		expect(
			((await withAuth.json()) as { error: { innerError: Record<string, string> } }).error
				.innerError['request-id'],
		).toBeTruthy();
		expect(emulator.control.counters().uploadRequestsWithAuthorization).toBe(
			before.uploadRequestsWithAuthorization + 1,
		);

		const chunk = Buffer.alloc(1_000_000, 7);
		const ok = await fetch(uploadUrl, {
			method: 'PUT',
			headers: {
				'Content-Range': 'bytes 0-999999/3000000',
				'Content-Type': 'application/octet-stream',
			},
			body: chunk,
		});
		expect(ok.status).toBe(200);
		expect(((await ok.json()) as { nextExpectedRanges: string[] }).nextExpectedRanges).toEqual([
			'1000000',
		]);
		expect(ok.headers.get('request-id')).toMatch(GUID);
		const after = emulator.control.counters();
		expect(after.bytesUploaded).toBe(before.bytesUploaded + chunk.length);
		expect(after.requestsByRoute.uploadChunk).toBe((before.requestsByRoute.uploadChunk ?? 0) + 1);

		// Graph paths are not served on the upload host, nor upload paths with a token on Graph.
		expect((await rawRequest(`${emulator.uploadBaseUrl}/v1.0/me`)).status).toBe(404);
	});

	it('counts requests per route', async () => {
		emulator.control.resetCounters();
		const token = await accessTokenFor(emulator, ALEX);
		await graph(emulator, '/me', { token });
		await graph(emulator, '/me/messages', { token });
		await graph(emulator, '/me/sendMail', { token, body: sendMailBody(ADELE) });
		const counters = emulator.control.counters();
		expect(counters.requests).toBe(3);
		expect(counters.requestsByRoute).toEqual({ me: 1, listMessages: 1, sendMail: 1 });
		expect(counters.delivered).toBe(1);
		expect(counters.tokensIssued).toBe(1);
	});
});

/**
 * Folders, drafts and attachments (issue 16) over real HTTP: create under a parent, ErrorFolderExists,
 * list childFolders with paging and counts, rename, move, delete; draft update / send / delete;
 * attachments list / get / delete and item attachments (kind in the list, MIME from $value).
 */
import { startEmulator, type Emulator } from '../../emulator/server';
import { DEMO_USERS } from '../../emulator/mail/index';
import { api, allPages, HttpClient } from './support/mail-client';

const { adele: ADELE, megan: MEGAN } = DEMO_USERS;
const SCOPES = ['openid', 'offline_access', 'User.Read', 'Mail.ReadWrite', 'Mail.Send'];
const enc = encodeURIComponent;

describe('mail service: folders, drafts and attachments over HTTP', () => {
	let emulator: Emulator;
	let http: HttpClient;
	let graph: ReturnType<typeof api>;

	beforeAll(async () => {
		emulator = await startEmulator({ seed: 'demo' });
	});
	beforeEach(() => {
		emulator.reset();
		http = new HttpClient(
			{ graphBaseUrl: emulator.graphBaseUrl, uploadBaseUrl: emulator.uploadBaseUrl },
			emulator.control.issueTokens({ upn: ADELE.userPrincipalName, scopes: SCOPES }).access_token,
		);
		graph = api(http);
	});
	afterAll(() => emulator.stop());

	const folderUnder = async (parent: string, displayName: string) => {
		const created = await graph.post(`/me/mailFolders/${enc(parent)}/childFolders`, {
			displayName,
		});
		expect(created.status).toBe(201);
		return created.body as Record<string, any>;
	};

	describe('folders', () => {
		it('creates under a parent; the same name again (any case) is 409 ErrorFolderExists; an empty name is 400', async () => {
			const projects = await folderUnder('inbox', 'Projects');
			const inbox = await graph.get('/me/mailFolders/inbox');
			expect(projects).toMatchObject({
				displayName: 'Projects',
				parentFolderId: inbox.body.id,
				childFolderCount: 0,
				totalItemCount: 0,
				unreadItemCount: 0,
			});
			const again = await graph.post('/me/mailFolders/inbox/childFolders', {
				displayName: 'projects',
			});
			expect(again.status).toBe(409);
			expect(again.body.error).toMatchObject({
				code: 'ErrorFolderExists',
				message: 'A folder with the specified name already exists.',
			});
			const elsewhere = await graph.post('/me/mailFolders/archive/childFolders', {
				displayName: 'Projects',
			});
			expect(elsewhere.status).toBe(201);
			expect(
				(await graph.post('/me/mailFolders/inbox/childFolders', { displayName: '  ' })).status,
			).toBe(400);
			const nested = await folderUnder(projects.id, '2026');
			expect(
				(await graph.get(`/me/mailFolders/${enc(projects.id)}/childFolders/${enc(nested.id)}`)).body
					.displayName,
			).toBe('2026');
			expect((await graph.get(`/me/mailFolders/inbox`)).body.childFolderCount).toBe(1);
		});

		it('lists childFolders in pages with counts of total and unread items', async () => {
			const parent = await folderUnder('inbox', 'Many');
			for (let i = 0; i < 5; i++) await folderUnder(parent.id, `F${i}`);
			const pages = await allPages(http, `/me/mailFolders/${enc(parent.id)}/childFolders?$top=2`);
			expect(pages.map((p) => p.body.value.length)).toEqual([2, 2, 1]);
			expect(pages.flatMap((p) => p.body.value.map((f: any) => f.displayName))).toEqual([
				'F0',
				'F1',
				'F2',
				'F3',
				'F4',
			]);
			const inbox = await graph.get('/me/mailFolders/inbox');
			const messages = await graph.get('/me/mailFolders/inbox/messages?$top=100&$select=isRead');
			expect(inbox.body.totalItemCount).toBe(messages.body.value.length);
			expect(inbox.body.unreadItemCount).toBe(
				messages.body.value.filter((m: any) => !m.isRead).length,
			);
		});

		it('renames with PATCH displayName; a sibling name is 409, an empty name 400, an unknown property 400', async () => {
			const a = await folderUnder('inbox', 'A');
			await folderUnder('inbox', 'B');
			const renamed = await graph.patch(`/me/mailFolders/${enc(a.id)}`, { displayName: 'A2' });
			expect(renamed.status).toBe(200);
			expect(renamed.body).toMatchObject({ id: a.id, displayName: 'A2' });
			expect(
				(await graph.patch(`/me/mailFolders/${enc(a.id)}`, { displayName: 'b' })).body.error.code,
			).toBe('ErrorFolderExists');
			expect((await graph.patch(`/me/mailFolders/${enc(a.id)}`, { displayName: '' })).status).toBe(
				400,
			);
			expect(
				(await graph.patch(`/me/mailFolders/${enc(a.id)}`, { colour: 'red' })).body.error.code,
			).toBe('RequestBodyRead');
			expect(
				(await graph.patch(`/me/mailFolders/${enc(a.id)}`, { displayName: 'a2' })).status,
			).toBe(200);
		});

		it('moves with POST .../move {destinationId}: 201, same id, new parent; into itself, a clash or a distinguished folder is refused', async () => {
			const a = await folderUnder('inbox', 'Moving');
			const child = await folderUnder(a.id, 'Child');
			const moved = await graph.post(`/me/mailFolders/${enc(a.id)}/move`, {
				destinationId: 'archive',
			});
			expect(moved.status).toBe(201);
			const archive = await graph.get('/me/mailFolders/archive');
			expect(moved.body).toMatchObject({ id: a.id, parentFolderId: archive.body.id });
			expect(
				(await graph.post(`/me/mailFolders/${enc(a.id)}/move`, { destinationId: child.id })).body
					.error.code,
			).toBe('ErrorMoveCopyFailed');
			await folderUnder('inbox', 'Moving');
			expect(
				(await graph.post(`/me/mailFolders/${enc(a.id)}/move`, { destinationId: 'inbox' })).status,
			).toBe(409);
			expect(
				(await graph.post('/me/mailFolders/inbox/move', { destinationId: 'archive' })).body.error
					.code,
			).toBe('ErrorMoveDistinguishedFolder');
			expect(
				(await graph.post(`/me/mailFolders/${enc(a.id)}/move`, { destinationId: 'AAMkAFnope=' }))
					.status,
			).toBe(404);
		});

		it('DELETE: 204, the folder moves to Deleted Items; deleted there it is gone (404); distinguished folders cannot be deleted', async () => {
			const a = await folderUnder('inbox', 'Trash me');
			expect((await graph.delete(`/me/mailFolders/${enc(a.id)}`)).status).toBe(204);
			const deletedItems = await graph.get('/me/mailFolders/deleteditems');
			expect((await graph.get(`/me/mailFolders/${enc(a.id)}`)).body.parentFolderId).toBe(
				deletedItems.body.id,
			);
			expect((await graph.delete(`/me/mailFolders/${enc(a.id)}`)).status).toBe(204);
			expect((await graph.get(`/me/mailFolders/${enc(a.id)}`)).status).toBe(404);
			const inbox = await graph.delete('/me/mailFolders/inbox');
			expect(inbox.status).toBe(400);
			expect(inbox.body.error.code).toBe('ErrorDeleteDistinguishedFolder');
		});
	});

	describe('drafts', () => {
		it('update, send (202, once) and delete; a sent draft cannot be sent again', async () => {
			const draft = await graph.post('/me/messages', {
				subject: 'Draft',
				toRecipients: [{ emailAddress: { address: MEGAN.userPrincipalName } }],
			});
			const updated = await graph.patch(`/me/messages/${enc(draft.body.id)}`, {
				subject: 'Draft v2',
				body: { contentType: 'Text', content: 'v2' },
			});
			expect(updated.body).toMatchObject({ subject: 'Draft v2', isDraft: true });
			expect((await graph.post(`/me/messages/${enc(draft.body.id)}/send`)).status).toBe(202);
			expect((await graph.post(`/me/messages/${enc(draft.body.id)}/send`)).status).toBe(404);
			const other = await graph.post('/me/messages', { subject: 'Throw away' });
			expect((await graph.delete(`/me/messages/${enc(other.body.id)}`)).status).toBe(204);
			expect((await graph.get(`/me/messages/${enc(other.body.id)}`)).status).toBe(404);
		});
	});

	describe('attachments', () => {
		it('lists file and item attachments with their kind, gets one, serves the item as MIME, deletes one (404 after)', async () => {
			const draft = await graph.post('/me/messages', { subject: 'Carrier' });
			const url = `/me/messages/${enc(draft.body.id)}/attachments`;
			const file = await graph.post(url, {
				'@odata.type': '#microsoft.graph.fileAttachment',
				name: 'f.txt',
				contentBytes: Buffer.from('file').toString('base64'),
			});
			expect(file.status).toBe(201);
			const item = await graph.post(url, {
				'@odata.type': '#microsoft.graph.itemAttachment',
				name: 'Attached mail',
				item: {
					'@odata.type': 'microsoft.graph.message',
					subject: 'Inner subject',
					body: { contentType: 'Text', content: 'inner body' },
					toRecipients: [{ emailAddress: { address: MEGAN.userPrincipalName } }],
				},
			});
			expect(item.status).toBe(201);
			const list = await graph.get(url);
			expect(list.body.value.map((a: any) => [a['@odata.type'], a.name])).toEqual([
				['#microsoft.graph.fileAttachment', 'f.txt'],
				['#microsoft.graph.itemAttachment', 'Attached mail'],
			]);
			expect((await graph.get(`${url}/${enc(file.body.id)}`)).body).toMatchObject({
				name: 'f.txt',
				contentBytes: Buffer.from('file').toString('base64'),
			});
			const mime = await graph.get(`${url}/${enc(item.body.id)}/$value`);
			expect(mime.status).toBe(200);
			expect(mime.headers['content-type']).toBe('text/plain');
			const text = mime.raw.toString();
			expect(text).toContain('Subject: Inner subject');
			expect(text).toContain(`To: ${MEGAN.displayName} <${MEGAN.userPrincipalName}>`);
			expect(text).toContain('inner body');
			expect((await graph.delete(`${url}/${enc(file.body.id)}`)).status).toBe(204);
			expect((await graph.get(`${url}/${enc(file.body.id)}`)).status).toBe(404);
			expect((await graph.get(`${url}/${enc(file.body.id)}/$value`)).status).toBe(404);
			expect((await graph.get(url)).body.value).toHaveLength(1);
		});
	});
});

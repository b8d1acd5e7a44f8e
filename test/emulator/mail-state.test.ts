/** Service-level behaviour: seeding speed, snapshots, classify, reset, toJSON/load round trip. */
import { MiB, type Caller } from '../../emulator/contract';
import { createMailService, DEMO_USERS } from '../../emulator/mail/index';
import { api, DirectClient, rawRequest } from './support/mail-client';

const { adele: ADELE, megan: MEGAN, alex: ALEX } = DEMO_USERS;
const SCOPES = ['User.Read', 'Mail.ReadWrite', 'Mail.Send'];
const enc = encodeURIComponent;
const callerFor = (userId: string, scopes = SCOPES): Caller => ({
	userId,
	clientId: 'test',
	scopes,
});

describe('mail service: state', () => {
	it("demo seed: three users with GUIDs, well-known folders, a few mails in Adele's Inbox", () => {
		const service = createMailService();
		expect(service.listUsers().map((u) => u.userPrincipalName)).toEqual([
			'adelev@contoso.onmicrosoft.com',
			'meganb@contoso.onmicrosoft.com',
			'alexw@contoso.onmicrosoft.com',
		]);
		for (const user of service.listUsers())
			expect(user.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
		expect(service.findUser('ADELEV@CONTOSO.ONMICROSOFT.COM')?.id).toBe(ADELE.id);
		const adele = service.mailbox(ADELE.userPrincipalName);
		const names = adele.folders.map((f) => f.wellKnownName).filter(Boolean);
		for (const name of [
			'inbox',
			'sentitems',
			'drafts',
			'deleteditems',
			'junkemail',
			'archive',
			'outbox',
			'msgfolderroot',
		])
			expect(names).toContain(name);
		const inbox = adele.folders.find((f) => f.wellKnownName === 'inbox')!;
		expect(inbox.messages.length).toBeGreaterThanOrEqual(4);
		expect(inbox.messages.filter((m) => m.attachments.length > 0).length).toBeGreaterThanOrEqual(2);
		expect(createMailService({ seed: 'none' }).listUsers()).toEqual([]);
	});

	it('seeds 10,000 messages fast and lists them', async () => {
		const service = createMailService();
		const started = process.hrtime.bigint();
		const ids = service.seedMessages(MEGAN.id, 'inbox', 10_000, { subject: 'load' });
		const ms = Number(process.hrtime.bigint() - started) / 1e6;
		expect(ids).toHaveLength(10_000);
		expect(new Set(ids).size).toBe(10_000);
		expect(ms).toBeLessThan(1500);
		const graph = api(new DirectClient(service, callerFor(MEGAN.id)));
		const page = await graph.get('/me/mailFolders/inbox/messages?$top=1000&$select=subject');
		expect(page.body.value).toHaveLength(1000);
		expect(page.body.value[0].subject).toBe('load 10000');
	});

	it('classify(): route names and the lower-case mailbox id', () => {
		const service = createMailService();
		const caller = callerFor(ADELE.id.toUpperCase());
		const classify = (method: string, url: string) =>
			service.classify(rawRequest(method, url), caller);
		expect(classify('GET', '/me')).toEqual({ route: 'me', mailboxId: ADELE.id });
		expect(classify('GET', `/users/${enc(MEGAN.userPrincipalName.toUpperCase())}`)).toEqual({
			route: 'user',
			mailboxId: MEGAN.id,
		});
		expect(classify('POST', '/me/sendMail')).toMatchObject({ route: 'sendMail' });
		expect(classify('GET', '/me/messages')).toMatchObject({ route: 'listMessages' });
		expect(classify('GET', '/me/mailFolders/inbox/messages')).toMatchObject({
			route: 'listMessages',
		});
		expect(classify('POST', '/me/messages')).toMatchObject({ route: 'createMessage' });
		expect(classify('GET', '/me/messages/abc')).toMatchObject({ route: 'getMessage' });
		expect(classify('PATCH', '/me/messages/abc')).toMatchObject({ route: 'updateMessage' });
		expect(classify('DELETE', '/me/messages/abc')).toMatchObject({ route: 'deleteMessage' });
		expect(classify('POST', '/me/messages/abc/move')).toMatchObject({ route: 'moveMessage' });
		expect(classify('POST', '/me/messages/abc/send')).toMatchObject({ route: 'sendDraft' });
		expect(classify('GET', '/me/messages/abc/$value')).toMatchObject({ route: 'messageValue' });
		expect(classify('GET', '/me/messages/abc/attachments')).toMatchObject({
			route: 'listAttachments',
		});
		expect(classify('POST', '/me/messages/abc/attachments')).toMatchObject({
			route: 'addAttachment',
		});
		expect(classify('GET', '/me/messages/abc/attachments/x')).toMatchObject({
			route: 'getAttachment',
		});
		expect(classify('GET', '/me/messages/abc/attachments/x/$value')).toMatchObject({
			route: 'attachmentValue',
		});
		expect(classify('POST', '/me/messages/abc/attachments/createUploadSession')).toMatchObject({
			route: 'createUploadSession',
		});
		expect(classify('GET', '/me/mailFolders')).toMatchObject({ route: 'listFolders' });
		expect(classify('GET', '/me/mailFolders/inbox/childFolders')).toMatchObject({
			route: 'listFolders',
		});
		expect(classify('POST', '/me/mailFolders/inbox/childFolders')).toMatchObject({
			route: 'createFolder',
		});
		expect(classify('GET', '/me/mailFolders/inbox')).toMatchObject({ route: 'getFolder' });
		expect(classify('GET', '/me/mailFolders/inbox/messages/delta')).toMatchObject({
			route: 'delta',
		});
		expect(classify('GET', '/me/calendar')).toEqual({ route: 'other', mailboxId: ADELE.id });
		expect(classify('GET', '/users/ghost@contoso.com/messages')).toEqual({
			route: 'listMessages',
			mailboxId: 'ghost@contoso.com',
			unresolved: true,
		});
	});

	it('reset() goes back to the seed', async () => {
		const service = createMailService();
		const graph = api(new DirectClient(service, callerFor(ADELE.id)));
		const before = service.mailbox(ADELE.id).folders.find((f) => f.wellKnownName === 'inbox')!
			.messages.length;
		await graph.post('/me/sendMail', {
			message: {
				subject: 'x',
				toRecipients: [{ emailAddress: { address: ADELE.userPrincipalName } }],
			},
		});
		service.addUser({ userPrincipalName: 'new@contoso.onmicrosoft.com', displayName: 'New User' });
		service.reset();
		expect(service.listUsers()).toHaveLength(3);
		expect(
			service.mailbox(ADELE.id).folders.find((f) => f.wellKnownName === 'inbox')!.messages,
		).toHaveLength(before);
		expect(service.deliveryCounters()).toEqual({ delivered: 0, duplicatesDelivered: 0 });
		expect(() =>
			service.addUser({ userPrincipalName: ADELE.userPrincipalName, displayName: 'Twin' }),
		).toThrow();
	});

	it('toJSON()/load() round-trips everything: mail, bytes, grants, users, counters, sessions and tokens', async () => {
		const service = createMailService();
		const client = new DirectClient(service, callerFor(ADELE.id));
		const graph = api(client);
		const patti = service.addUser({
			userPrincipalName: 'pattif@contoso.onmicrosoft.com',
			displayName: 'Patti Fernandez',
		});
		service.grant(patti.id, ADELE.id, { fullAccess: true, sendAs: true });
		const folder = service.createFolder(ADELE.id, 'Receipts');
		service.deliver(ADELE.id, folder.id, {
			subject: 'receipt',
			attachments: [{ name: 'r.bin', bytes: Buffer.from([0, 1, 2, 255]) }],
		});
		const mail = {
			message: {
				subject: 'persist me',
				toRecipients: [{ emailAddress: { address: MEGAN.userPrincipalName } }],
			},
		};
		await graph.post('/me/sendMail', mail);
		service.seedMessages(ADELE.id, 'archive', 12);
		const draft = await graph.post('/me/messages', { subject: 'half uploaded' });
		const total = 3 * MiB;
		const session = await graph.post(
			`/me/messages/${enc(draft.body.id)}/attachments/createUploadSession`,
			{
				AttachmentItem: { attachmentType: 'file', name: 'half.bin', size: total },
			},
		);
		const bytes = Buffer.alloc(total, 9);
		const firstHalf = await client.upload('PUT', session.body.uploadUrl, {
			rawBody: bytes.subarray(0, 2 * MiB),
			headers: { 'Content-Range': `bytes 0-${2 * MiB - 1}/${total}` },
		});
		expect(firstHalf.status).toBe(200);
		const page = await graph.get('/me/mailFolders/archive/messages?$top=5');
		const delta = await graph.get('/me/mailFolders/inbox/messages/delta?$top=100');

		const saved = JSON.parse(JSON.stringify(service.toJSON()));
		const restored = createMailService({ seed: 'none' });
		restored.load(saved);
		const rClient = new DirectClient(restored, callerFor(ADELE.id));
		const rGraph = api(rClient);

		expect(restored.listUsers()).toEqual(service.listUsers());
		for (const user of [ADELE.id, MEGAN.id, ALEX.id, patti.id])
			expect(restored.mailbox(user)).toEqual(service.mailbox(user));
		expect(restored.deliveryCounters()).toEqual(service.deliveryCounters());
		const receipt = restored.mailbox(ADELE.id).folders.find((f) => f.id === folder.id)!
			.messages[0]!;
		expect(restored.attachmentBytes(ADELE.id, receipt.id, receipt.attachments[0]!.id)).toEqual(
			Buffer.from([0, 1, 2, 255]),
		);
		// grants survive
		const shared = api(rClient.as(callerFor(ADELE.id, [...SCOPES, 'Mail.ReadWrite.Shared'])));
		expect(
			(await shared.get(`/users/${enc('pattif@contoso.onmicrosoft.com')}/messages`)).status,
		).toBe(200);
		// the duplicate memory survives
		await rGraph.post('/me/sendMail', mail);
		expect(restored.deliveryCounters().duplicatesDelivered).toBe(
			service.deliveryCounters().duplicatesDelivered + 1,
		);
		// page and delta tokens issued before the save still work
		const next = await rGraph.get(page.body['@odata.nextLink']);
		expect(next.status).toBe(200);
		expect(next.body.value[0].id).not.toBe(page.body.value[0].id);
		const deltaNext = await rGraph.get(delta.body['@odata.deltaLink']);
		expect(deltaNext.status).toBe(200);
		// the upload session continues where it stopped
		const rest = await rClient.upload('PUT', session.body.uploadUrl, {
			rawBody: bytes.subarray(2 * MiB),
			headers: { 'Content-Range': `bytes ${2 * MiB}-${total - 1}/${total}` },
		});
		expect(rest.status).toBe(201);
		const attachmentId = /attachments\('([^']+)'\)$/.exec(rest.headers.location ?? '')![1]!;
		expect(restored.attachmentBytes(ADELE.id, draft.body.id, attachmentId)!.equals(bytes)).toBe(
			true,
		);
		expect(() => restored.load({ format: 'something else' })).toThrow();
	});
});

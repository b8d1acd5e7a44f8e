/**
 * Draft > Create, Get, Update, Delete and the draft picker: every Send field, attachments of any
 * size (upload sessions above 3 MB), inline images with their Content ID, a chosen folder; Update
 * changes only the fields given and adds files; Delete and Update refuse what is not a draft;
 * missing drafts are named; bad input is an item error before any request.
 */
import type { IDataObject } from 'n8n-workflow';

import { sha256 } from '../harness/binaryData';
import { searchFolders as listSearch } from '../getMany/support';
import {
	ADELE,
	ALEX,
	MEGAN,
	attachmentRows,
	createParams,
	file,
	graphCall,
	itemWith,
	rl,
	useSendEnvironment,
	uniqueSubject,
	type SendEnvironment,
} from './support';

let env: SendEnvironment;
useSendEnvironment((started) => (env = started));

async function draftJson(id: string): Promise<IDataObject> {
	return await graphCall(
		env,
		'GET',
		`/me/messages/${encodeURIComponent(id)}?$select=subject,toRecipients,ccRecipients,bccRecipients,replyTo,importance,categories,isReadReceiptRequested,isDeliveryReceiptRequested,body,isDraft,parentFolderId,internetMessageHeaders`,
	);
}

async function attachmentsOf(id: string): Promise<IDataObject[]> {
	const list = await graphCall(
		env,
		'GET',
		`/me/messages/${encodeURIComponent(id)}/attachments?$select=id,name,size,isInline,contentId`,
	);
	return list.value as IDataObject[];
}

describe('Draft > Create', () => {
	it('creates drafts without files together through $batch, each in input order with its id', async () => {
		const before = env.emulator.control.counters().requestsByRoute;
		const subjects = Array.from({ length: 30 }, (_, n) => uniqueSubject(`Batched ${n}`));
		const result = await env.engine.runNode({
			parameters: createParams({ subject: '={{ $json.subject }}' }),
			items: subjects.map((subject) => ({ json: { subject } })),
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => [item.json.status, item.json.subject])).toEqual(
			subjects.map((subject) => ['created', subject]),
		);
		const after = env.emulator.control.counters().requestsByRoute;
		const delta = (route: string) => (after[route] ?? 0) - (before[route] ?? 0);
		// 30 creates in 20-request batches: 2 to 4 $batch requests, no single POST per draft.
		expect(delta('batch')).toBeGreaterThanOrEqual(2);
		expect(delta('batch')).toBeLessThanOrEqual(4);
		expect(delta('createMessage')).toBe(30);
		for (const item of result.items.slice(0, 3)) {
			const draft = await draftJson(item.json.id as string);
			expect(draft).toMatchObject({ isDraft: true, subject: item.json.subject });
		}
	});

	it('saves every Send field in Drafts, sends nothing', async () => {
		const subject = uniqueSubject('All fields');
		const result = await env.engine.runNode({
			parameters: createParams(
				{
					subject,
					toRecipients: `"Bowen, Megan" <${MEGAN.userPrincipalName}>`,
					ccRecipients: ALEX.userPrincipalName,
					bccRecipients: 'archive@example.com',
					replyTo: 'support@example.com',
					bodyContentType: 'html',
					bodyContent: '<p>Hello</p>',
				},
				{
					importance: 'high',
					categories: 'Orders, Follow up',
					readReceipt: true,
					deliveryReceipt: true,
					customHeaders: { header: [{ name: 'x-order', value: '42' }] },
				},
			),
		});
		expect(result.error).toBeUndefined();
		const out = result.items[0]!.json;
		expect(out).toMatchObject({ status: 'created', isDraft: true, subject, mailbox: 'me' });
		const draft = await draftJson(out.id as string);
		expect(draft).toMatchObject({
			isDraft: true,
			importance: 'high',
			categories: ['Orders', 'Follow up'],
			isReadReceiptRequested: true,
			isDeliveryReceiptRequested: true,
			toRecipients: [{ emailAddress: { name: 'Bowen, Megan', address: MEGAN.userPrincipalName } }],
			ccRecipients: [{ emailAddress: { address: ALEX.userPrincipalName } }],
			bccRecipients: [{ emailAddress: { address: 'archive@example.com' } }],
			replyTo: [{ emailAddress: { address: 'support@example.com' } }],
			internetMessageHeaders: [{ name: 'x-order', value: '42' }],
		});
		expect(String((draft.body as IDataObject).content)).toContain('<p>Hello</p>');
		expect(env.folder(ADELE.id, 'drafts').filter((m) => m.subject === subject)).toHaveLength(1);
		expect(env.emulator.control.counters().delivered).toBe(0);
	});

	it('a draft may have no recipients yet', async () => {
		const result = await env.engine.runNode({ parameters: createParams({ toRecipients: '' }) });
		expect(result.error).toBeUndefined();
		expect(result.items[0]!.json.isDraft).toBe(true);
	});

	it('files above 3 MB go through upload sessions, inline images keep their Content ID', async () => {
		const big = await file(3_500_000, 'big.bin');
		const small = await file(2_000, 'small.txt', 'text/plain');
		const logo = await file(5_000, 'logo.png', 'image/png');
		const result = await env.engine.runNode({
			parameters: createParams(
				{ bodyContentType: 'html', bodyContent: '<img src="cid:logo">' },
				{
					attachments: attachmentRows(
						{ binaryPropertyName: 'big,small' },
						{ binaryPropertyName: 'logo', isInline: true, contentId: 'logo' },
					),
				},
			),
			items: [itemWith({ big: big.binary, small: small.binary, logo: logo.binary })],
		});
		expect(result.error).toBeUndefined();
		const id = result.items[0]!.json.id as string;
		expect(
			(result.items[0]!.json.attachments as IDataObject[]).map((a) => [a.name, a.uploadedVia]),
		).toEqual([
			['small.txt', 'inline'],
			['logo.png', 'inline'],
			['big.bin', 'uploadSession'],
		]);
		expect(env.graphRequests('POST', /\/attachments\/createUploadSession$/)).toHaveLength(1);
		const stored = await attachmentsOf(id);
		expect(stored.map((a) => [a.name, a.size, a.isInline, a.contentId ?? null]).sort()).toEqual(
			[
				['big.bin', 3_500_000, false, null],
				['logo.png', 5_000, true, 'logo'],
				['small.txt', 2_000, false, null],
			].sort(),
		);
		const bigId = stored.find((a) => a.name === 'big.bin')!.id as string;
		const messageId = env
			.folder(ADELE.id, 'drafts')
			.find((m) => m.attachments.some((a) => a.name === 'big.bin' && a.id === bigId))?.id;
		expect(sha256(env.emulator.mail.attachmentBytes(ADELE.id, messageId!, bigId)!)).toBe(big.sha);
	});

	it('saves into the chosen folder', async () => {
		const folderId = env.emulator.control.createFolder(
			ADELE.id,
			uniqueSubject('Drafts elsewhere'),
		).id;
		const result = await env.engine.runNode({
			parameters: createParams({}, { folder: rl(folderId) }),
		});
		expect(result.error).toBeUndefined();
		const draft = await draftJson(result.items[0]!.json.id as string);
		expect(draft.parentFolderId).toBe(folderId);
	});

	it('a bad address is an item error before any request; Continue On Fail creates the rest', async () => {
		const failing = await env.engine.runNode({
			parameters: createParams({ toRecipients: '={{ $json.to }}' }),
			items: [{ json: { to: MEGAN.userPrincipalName } }, { json: { to: 'bob@' } }],
		});
		expect(failing.error?.message).toBe("To: 'bob@' is not an email address [item 1]");
		expect(env.graphRequests('POST', /\/messages$/)).toHaveLength(0);
		const continued = await env.engine.runNode({
			parameters: createParams({ toRecipients: '={{ $json.to }}' }),
			items: [{ json: { to: MEGAN.userPrincipalName } }, { json: { to: 'bob@' } }],
			continueOnFail: true,
		});
		expect(continued.items[0]!.json.status).toBe('created');
		expect(continued.items[1]!.json.error).toBe("To: 'bob@' is not an email address [item 1]");
	});
});

async function createDraft(fields: IDataObject = {}, options: IDataObject = {}): Promise<string> {
	const result = await env.engine.runNode({
		parameters: createParams(fields as never, options as never),
	});
	expect(result.error).toBeUndefined();
	return result.items[0]!.json.id as string;
}

describe('Draft > Get', () => {
	it('returns the draft, simplified or whole; a missing draft names its id', async () => {
		const subject = uniqueSubject('Get');
		const id = await createDraft({ subject });
		const simple = await env.engine.runNode({
			parameters: { resource: 'draft', operation: 'get', draftId: rl(id) },
		});
		expect(simple.items[0]!.json).toMatchObject({ id, subject, isDraft: true });
		const raw = await env.engine.runNode({
			parameters: { resource: 'draft', operation: 'get', draftId: rl(id), simple: false },
		});
		expect(raw.items[0]!.json).toMatchObject({ id, subject, body: expect.any(Object) });
		const missing = await env.engine.runNode({
			parameters: { resource: 'draft', operation: 'get', draftId: rl('AAMkAGnoSuchDraft=') },
			continueOnFail: true,
		});
		expect(missing.items[0]!.json.error).toBe("Draft 'AAMkAGnoSuchDraft=' was not found [item 0]");
	});
});

describe('Draft > Update', () => {
	it('changes only the fields given', async () => {
		const id = await createDraft(
			{ subject: 'Before', ccRecipients: ALEX.userPrincipalName },
			{ importance: 'low' },
		);
		const result = await env.engine.runNode({
			parameters: {
				resource: 'draft',
				operation: 'update',
				draftId: rl(id),
				updateFields: { subject: 'After', bccRecipients: 'audit@example.com' },
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0]!.json).toMatchObject({
			status: 'updated',
			subject: 'After',
			updatedFields: ['bccRecipients', 'subject'],
		});
		const patches = env.graphRequests('PATCH', /\/messages\//);
		expect(patches.map((r) => Object.keys(r.json ?? {}).sort())).toEqual([
			['bccRecipients', 'subject'],
		]);
		const draft = await draftJson(id);
		expect(draft).toMatchObject({
			subject: 'After',
			importance: 'low',
			toRecipients: [{ emailAddress: { address: MEGAN.userPrincipalName } }],
			ccRecipients: [{ emailAddress: { address: ALEX.userPrincipalName } }],
			bccRecipients: [{ emailAddress: { address: 'audit@example.com' } }],
		});
	});

	it('adds files of any size (upload session above 3 MB) and an inline image', async () => {
		const id = await createDraft();
		const big = await file(4_200_000, 'report.pdf', 'application/pdf');
		const logo = await file(1_000, 'logo.png', 'image/png');
		const result = await env.engine.runNode({
			parameters: {
				resource: 'draft',
				operation: 'update',
				draftId: rl(id),
				attachments: attachmentRows(
					{ binaryPropertyName: 'big' },
					{ binaryPropertyName: 'logo', isInline: true, contentId: 'logo' },
				),
			},
			items: [itemWith({ big: big.binary, logo: logo.binary })],
		});
		expect(result.error).toBeUndefined();
		expect(
			(result.items[0]!.json.addedAttachments as IDataObject[]).map((a) => [a.name, a.uploadedVia]),
		).toEqual([
			['report.pdf', 'uploadSession'],
			['logo.png', 'attachment'],
		]);
		expect(env.graphRequests('PATCH', /\/messages\//)).toHaveLength(0);
		const stored = await attachmentsOf(id);
		expect(stored.map((a) => [a.name, a.size, a.isInline, a.contentId ?? null])).toEqual([
			['report.pdf', 4_200_000, false, null],
			['logo.png', 1_000, true, 'logo'],
		]);
	});

	it('a sent message is not a draft: nothing changes', async () => {
		const id = await createDraft({ subject: uniqueSubject('Sent then updated') });
		await env.engine.runNode({
			parameters: { resource: 'draft', operation: 'send', draftId: rl(id) },
		});
		env.clear();
		const result = await env.engine.runNode({
			parameters: {
				resource: 'draft',
				operation: 'update',
				draftId: rl(id),
				updateFields: { subject: 'Changed' },
			},
		});
		expect(result.error?.message).toMatch(
			new RegExp(`^Draft '${id}' is not a draft: it was already sent .* \\[item 0\\]$`),
		);
		expect(env.graphRequests('PATCH', /\/messages\//)).toHaveLength(0);
	});
});

describe('Draft > Delete', () => {
	it('deletes drafts, refuses a received message, names a missing draft', async () => {
		const id = await createDraft({ subject: uniqueSubject('Delete me') });
		const received = env.emulator.control.deliver(ADELE.id, 'inbox', {
			subject: uniqueSubject('Keep me'),
			from: { address: MEGAN.userPrincipalName },
			toRecipients: [{ address: ADELE.userPrincipalName }],
		});
		const result = await env.engine.runNode({
			parameters: { resource: 'draft', operation: 'delete', draftId: rl('={{ $json.id }}') },
			items: [{ json: { id } }, { json: { id: received } }, { json: { id: 'AAMkAGgone=' } }],
			continueOnFail: true,
		});
		expect(result.items[0]!.json).toEqual({ status: 'deleted', draftId: id, mailbox: 'me' });
		expect(result.items[1]!.json.error).toMatch(/is not a draft/);
		expect(result.items[2]!.json.error).toBe("Draft 'AAMkAGgone=' was not found [item 2]");
		expect(env.graphRequests('DELETE', /\/messages\//)).toHaveLength(1);
		expect((await graphCall(env, 'GET', `/me/messages/${encodeURIComponent(id)}`)).status).toBe(
			404,
		);
		expect(
			(await graphCall(env, 'GET', `/me/messages/${encodeURIComponent(received)}`)).status,
		).toBe(200);
	});
});

describe('the draft picker', () => {
	it('lists the newest drafts and finds them by search', async () => {
		const subject = uniqueSubject('Picker draft');
		const id = await createDraft({ subject });
		const listed = await listSearch(
			env,
			{ resource: 'draft', operation: 'send' },
			undefined,
			undefined,
			'searchDrafts',
		);
		expect(listed.results[0]).toEqual({ name: expect.stringContaining(subject), value: id });
		const found = await listSearch(
			env,
			{ resource: 'draft', operation: 'send' },
			'Picker',
			undefined,
			'searchDrafts',
		);
		expect(found.results.map((r) => r.value)).toContain(id);
	});
});

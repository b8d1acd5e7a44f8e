/**
 * Attachment > Add, Get Many, Get, Download, Delete and the attachment picker, on messages and
 * drafts: any size (upload sessions above 3 MB, streamed downloads), inline images, item
 * attachments as `.eml`, reference attachments as a clear item error, file names made safe,
 * missing attachments named, Continue On Fail.
 */
import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';
import type { IBinaryData, IDataObject } from 'n8n-workflow';

import { patternBytes, setBinaryMode, sha256 } from '../harness/binaryData';
import { searchFolders as listSearch } from '../getMany/support';
import {
	ADELE,
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
} from '../drafts/support';

let env: SendEnvironment;
useSendEnvironment((started) => (env = started));

const BIG = 5_000_000;

/** A received mail with file attachments (one with a hostile name, one large), an attached mail and a link. */
async function mailWithEverything(): Promise<{ id: string; names: Record<string, string> }> {
	const id = env.emulator.control.deliver(ADELE.id, 'inbox', {
		subject: uniqueSubject('Everything'),
		from: { address: MEGAN.userPrincipalName },
		toRecipients: [{ address: ADELE.userPrincipalName }],
		attachments: [
			{ name: 'report.txt', contentType: 'text/plain', bytes: Buffer.from('the report') },
			{
				name: '../..\\evil\u0000\u202etxt.exe',
				contentType: 'application/octet-stream',
				bytes: Buffer.from('x'),
			},
			{ name: 'big.bin', contentType: 'application/octet-stream', bytes: patternBytes(BIG, 7) },
			{
				name: 'logo.png',
				contentType: 'image/png',
				bytes: Buffer.from('png'),
				isInline: true,
				contentId: 'logo',
			},
			{ name: 'Budget.xlsx', bytes: Buffer.alloc(10), kind: 'reference' },
		],
	});
	const item = await graphCall(env, 'POST', `/me/messages/${encodeURIComponent(id)}/attachments`, {
		'@odata.type': '#microsoft.graph.itemAttachment',
		name: 'Forwarded: order',
		item: {
			'@odata.type': 'microsoft.graph.message',
			subject: 'Inner order mail',
			body: { contentType: 'Text', content: 'inner body' },
			toRecipients: [{ emailAddress: { address: MEGAN.userPrincipalName } }],
		},
	});
	expect(item.status).toBe(201);
	const list = await graphCall(
		env,
		'GET',
		`/me/messages/${encodeURIComponent(id)}/attachments?$select=id,name`,
	);
	const names: Record<string, string> = {};
	for (const attachment of list.value as IDataObject[])
		names[attachment.name as string] = attachment.id as string;
	return { id, names };
}

const params = (operation: string, messageId: string, extra: IDataObject = {}) => ({
	resource: 'attachment',
	operation,
	messageId: rl(messageId),
	...extra,
});

function bytesOf(binary: IBinaryData | undefined): Buffer {
	return Buffer.from(binary?.data ?? '', 'base64');
}

describe('Attachment > Get Many', () => {
	it('lists every attachment with its kind and metadata; Limit cuts the list', async () => {
		const { id } = await mailWithEverything();
		const all = await env.engine.runNode({ parameters: params('getAll', id, { returnAll: true }) });
		expect(all.error).toBeUndefined();
		expect(
			all.items.map((item) => [
				item.json.name,
				item.json.kind,
				item.json.size,
				item.json.isInline,
				item.json.contentId,
			]),
		).toEqual([
			['report.txt', 'file', 10, false, null],
			['../..\\evil\u0000\u202etxt.exe', 'file', 1, false, null],
			['big.bin', 'file', BIG, false, null],
			['logo.png', 'file', 3, true, 'logo'],
			['Budget.xlsx', 'reference', 10, false, null],
			['Forwarded: order', 'item', expect.any(Number), false, null],
		]);
		expect(all.items[0]!.json).toMatchObject({
			messageId: id,
			contentType: 'text/plain',
			id: expect.any(String),
		});
		expect(
			env.graphRequests('GET', /\/attachments\?/).map((r) => decodeURIComponent(r.path)),
		).toEqual([
			expect.stringContaining(
				'$select=id,name,contentType,size,isInline,contentId,lastModifiedDateTime',
			),
		]);
		const limited = await env.engine.runNode({
			parameters: params('getAll', id, { returnAll: false, limit: 2 }),
		});
		expect(limited.items.map((item) => item.json.name)).toEqual([
			'report.txt',
			'../..\\evil\u0000\u202etxt.exe',
		]);
	});
});

describe('Attachment > Download and Get', () => {
	it('downloads a file byte for byte, streamed, under a safe name', async () => {
		const { id, names } = await mailWithEverything();
		const result = await env.engine.runNode({
			parameters: params('download', id, {
				attachmentId: rl('={{ $json.attachmentId }}'),
				binaryPropertyName: 'file',
			}),
			items: [
				{ json: { attachmentId: names['big.bin'] } },
				{ json: { attachmentId: names['../..\\evil\u0000\u202etxt.exe'] } },
			],
		});
		expect(result.error).toBeUndefined();
		const [big, evil] = result.items;
		expect(big!.binary?.file?.fileName).toBe('big.bin');
		expect(sha256(bytesOf(big!.binary?.file))).toBe(sha256(patternBytes(BIG, 7)));
		// `../..\` dropped, NUL and the right-to-left override (which disguised `exe.txt`) removed.
		expect(evil!.binary?.file?.fileName).toBe('eviltxt.exe');
		expect(evil!.json.fileName).toBe('eviltxt.exe');
		expect(env.graphRequests('GET', /\/\$value$/)).toHaveLength(2);
	});

	it('an attached mail downloads as its .eml', async () => {
		const { id, names } = await mailWithEverything();
		const result = await env.engine.runNode({
			parameters: params('download', id, {
				attachmentId: rl(names['Forwarded: order']!),
				binaryPropertyName: 'data',
			}),
		});
		expect(result.error).toBeUndefined();
		const binary = result.items[0]!.binary!.data!;
		expect(binary.fileName).toBe('Forwarded_ order.eml');
		expect(binary.mimeType).toBe('message/rfc822');
		expect(bytesOf(binary).toString('utf8')).toMatch(/^Subject: Inner order mail\r?$/m);
	});

	it('a reference attachment has no bytes: an item error that says so; Continue On Fail goes on', async () => {
		const { id, names } = await mailWithEverything();
		const result = await env.engine.runNode({
			parameters: params('download', id, {
				attachmentId: rl('={{ $json.a }}'),
				binaryPropertyName: 'data',
			}),
			items: [{ json: { a: names['Budget.xlsx'] } }, { json: { a: names['report.txt'] } }],
			continueOnFail: true,
		});
		expect(result.items[0]!.json.error).toBe(
			"Attachment 'Budget.xlsx' is a link to a file in the cloud, not a file in the mail: there is nothing to download [item 0]",
		);
		expect(bytesOf(result.items[1]!.binary?.data).toString()).toBe('the report');
		expect(env.graphRequests('GET', /\/\$value$/)).toHaveLength(1);
	});

	it('Get returns the metadata, and the content when asked', async () => {
		const { id, names } = await mailWithEverything();
		const meta = await env.engine.runNode({
			parameters: params('get', id, { attachmentId: rl(names['logo.png']!) }),
		});
		expect(meta.items[0]!.json).toMatchObject({
			name: 'logo.png',
			kind: 'file',
			isInline: true,
			contentId: 'logo',
			size: 3,
		});
		expect(meta.items[0]!.binary).toBeUndefined();
		const withContent = await env.engine.runNode({
			parameters: params('get', id, {
				attachmentId: rl(names['report.txt']!),
				download: true,
				binaryPropertyName: 'doc',
			}),
		});
		expect(bytesOf(withContent.items[0]!.binary?.doc).toString()).toBe('the report');
	});

	it('a missing attachment names its id and the message', async () => {
		const { id } = await mailWithEverything();
		const result = await env.engine.runNode({
			parameters: params('download', id, {
				attachmentId: rl('AAMkNoSuchAttachment='),
				binaryPropertyName: 'data',
			}),
		});
		expect(result.error?.message).toBe(
			`Attachment 'AAMkNoSuchAttachment=' of message '${id}' was not found [item 0]`,
		);
	});
});

describe('Attachment > Add', () => {
	it('adds files of any size to a draft, inline images with their Content ID', async () => {
		const draft = await env.engine.runNode({ parameters: createParams() });
		const draftId = draft.items[0]!.json.id as string;
		const big = await file(3_200_000, 'scan.pdf', 'application/pdf');
		const small = await file(100, 'note.txt', 'text/plain');
		const logo = await file(50, 'logo.png', 'image/png');
		env.clear();
		const result = await env.engine.runNode({
			parameters: params('add', draftId, {
				attachments: attachmentRows(
					{ binaryPropertyName: 'big,small' },
					{ binaryPropertyName: 'logo', isInline: true, contentId: 'logo' },
				),
			}),
			items: [itemWith({ big: big.binary, small: small.binary, logo: logo.binary })],
		});
		expect(result.error).toBeUndefined();
		expect(
			(result.items[0]!.json.attachments as IDataObject[]).map((a) => [
				a.name,
				a.uploadedVia,
				typeof a.id,
			]),
		).toEqual([
			['scan.pdf', 'uploadSession', 'string'],
			['note.txt', 'attachment', 'string'],
			['logo.png', 'attachment', 'string'],
		]);
		expect(env.graphRequests('POST', /\/attachments\/createUploadSession$/)).toHaveLength(1);
		const listed = await env.engine.runNode({
			parameters: params('getAll', draftId, { returnAll: true }),
		});
		expect(
			listed.items.map((item) => [
				item.json.name,
				item.json.size,
				item.json.isInline,
				item.json.contentId,
			]),
		).toEqual([
			['scan.pdf', 3_200_000, false, null],
			['note.txt', 100, false, null],
			['logo.png', 50, true, 'logo'],
		]);
		const scanId = listed.items[0]!.json.id as string;
		const messageId = env
			.folder(ADELE.id, 'drafts')
			.find((m) => m.attachments.some((a) => a.id === scanId))!.id;
		expect(sha256(env.emulator.mail.attachmentBytes(ADELE.id, messageId, scanId)!)).toBe(big.sha);
	});

	it('a missing binary field is an item error before anything is uploaded', async () => {
		const draft = await env.engine.runNode({ parameters: createParams() });
		env.clear();
		const result = await env.engine.runNode({
			parameters: params('add', draft.items[0]!.json.id as string, {
				attachments: attachmentRows({ binaryPropertyName: 'nope' }),
			}),
			items: [{ json: {} }],
		});
		expect(result.error?.message).toBe(
			"Attachments: the item has no binary field 'nope' (it has no binary data) [item 0]",
		);
		expect(env.recorded).toHaveLength(0);
	});
});

describe('Attachment > Delete', () => {
	it('deletes by $batch, names a missing one', async () => {
		const { id, names } = await mailWithEverything();
		const result = await env.engine.runNode({
			parameters: params('delete', id, { attachmentId: rl('={{ $json.a }}') }),
			items: [{ json: { a: names['report.txt'] } }, { json: { a: 'AAMkGone=' } }],
			continueOnFail: true,
		});
		expect(result.items[0]!.json).toEqual({
			status: 'deleted',
			messageId: id,
			attachmentId: names['report.txt'],
		});
		expect(result.items[1]!.json.error).toBe(
			`Attachment 'AAMkGone=' of message '${id}' was not found [item 1]`,
		);
		expect(env.recorded.map((r) => [r.method, r.path])).toEqual(
			env.recorded.map(() => ['POST', '/$batch']),
		);
		const left = await graphCall(
			env,
			'GET',
			`/me/messages/${encodeURIComponent(id)}/attachments?$select=name`,
		);
		expect((left.value as IDataObject[]).map((a) => a.name)).not.toContain('report.txt');
	});

	it('a bad item stops the node before any attachment is deleted', async () => {
		const { id, names } = await mailWithEverything();
		const result = await env.engine.runNode({
			parameters: params('delete', id, { attachmentId: rl('={{ $json.a }}') }),
			items: [{ json: { a: names['report.txt'] } }, { json: { a: '..' } }],
		});
		expect(result.error?.message).toMatch(/\[item 1\]$/);
		expect(env.recorded).toHaveLength(0);
		const left = await graphCall(
			env,
			'GET',
			`/me/messages/${encodeURIComponent(id)}/attachments?$select=name`,
		);
		expect((left.value as IDataObject[]).map((a) => a.name)).toContain('report.txt');
	});
});

describe('the attachment picker', () => {
	it("lists the chosen message's attachments, filtered by the search text", async () => {
		const { id, names } = await mailWithEverything();
		const listed = await listSearch(
			env,
			{ resource: 'attachment', operation: 'download', messageId: rl(id) },
			undefined,
			undefined,
			'searchAttachments',
		);
		expect(listed.results).toHaveLength(6);
		const found = await listSearch(
			env,
			{ resource: 'attachment', operation: 'download', messageId: rl(id) },
			'report',
			undefined,
			'searchAttachments',
		);
		expect(found.results).toEqual([{ name: 'report.txt (10 bytes)', value: names['report.txt'] }]);
	});
});

describe('Download in filesystem binary mode', () => {
	beforeAll(async () => await setBinaryMode('filesystem'));
	afterAll(async () => await setBinaryMode('default'));

	it('streams a large attachment into the binary data store, byte for byte', async () => {
		const { id, names } = await mailWithEverything();
		const result = await env.engine.runNode({
			parameters: params('download', id, {
				attachmentId: rl(names['big.bin']!),
				binaryPropertyName: 'data',
			}),
		});
		expect(result.error).toBeUndefined();
		const binary = result.items[0]!.binary!.data!;
		expect(binary.id).toMatch(/^filesystem-v2:/);
		expect(binary.data).toBe('filesystem-v2');
		const stored = await Container.get(BinaryDataService).getAsBuffer(binary);
		expect(sha256(stored)).toBe(sha256(patternBytes(BIG, 7)));
	});
});

describe('emulator: reference attachments (attachment-get.md)', () => {
	it('are listed as referenceAttachment; their $value answers 405', async () => {
		const { id, names } = await mailWithEverything();
		const path = `/me/messages/${encodeURIComponent(id)}/attachments/${encodeURIComponent(names['Budget.xlsx']!)}`;
		const meta = await graphCall(env, 'GET', path);
		expect(meta).toMatchObject({
			status: 200,
			'@odata.type': '#microsoft.graph.referenceAttachment',
			name: 'Budget.xlsx',
		});
		expect(meta).not.toHaveProperty('contentBytes');
		const value = await graphCall(env, 'GET', `${path}/$value`);
		expect(value.status).toBe(405);
	});
});

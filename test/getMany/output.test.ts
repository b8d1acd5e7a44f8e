import { randomBytes } from 'node:crypto';

import type { INodeExecutionData, INodeParameterResourceLocator } from 'n8n-workflow';

import {
	connectCredential,
	startTestEnvironment,
	type TestEnvironment,
} from '../harness/environment';
import {
	deliver,
	getManyParams,
	newFolder,
	requestsTo,
	run,
	runOk,
	searchMessages,
	startGraphProxy,
} from './support';

const SIMPLE_KEYS = [
	'id',
	'subject',
	'from',
	'to',
	'cc',
	'receivedDateTime',
	'isRead',
	'hasAttachments',
	'importance',
	'bodyPreview',
	'webLink',
	'conversationId',
];

const bytesOf = (item: INodeExecutionData, property: string) =>
	Buffer.from(item.binary![property]!.data, 'base64');

/** Output modes, body formats, attachment downloads and Get by ID, in the real engine against the emulator. */
describe('Get Many / Get: output, body format, attachments', () => {
	let env: TestEnvironment;
	let folder: string;
	let htmlId: string;
	let attachmentsFolder: string;
	let withAttachmentsId: string;
	const small = Buffer.from('hello, attachment\n');
	const big = randomBytes(10 * 1024 * 1024);
	const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(64)]);

	beforeAll(async () => {
		env = await startTestEnvironment();
		folder = newFolder(env, 'Output');
		htmlId = deliver(env, folder, {
			subject: 'Formatted',
			from: { name: 'Megan Bowen', address: 'meganb@contoso.onmicrosoft.com' },
			toRecipients: [{ address: 'adelev@contoso.onmicrosoft.com' }],
			ccRecipients: [{ name: 'Alex Wilber', address: 'alexw@contoso.onmicrosoft.com' }],
			body: { contentType: 'html', content: '<html><body><p>Hello <b>world</b></p></body></html>' },
			receivedDateTime: '2024-04-01T08:00:00Z',
		});
		attachmentsFolder = newFolder(env, 'Attachments');
		withAttachmentsId = deliver(env, attachmentsFolder, {
			subject: 'Files',
			receivedDateTime: '2024-04-02T08:00:00Z',
			body: { contentType: 'html', content: '<p>See files <img src="cid:logo"></p>' },
			attachments: [
				{ name: 'notes.txt', contentType: 'text/plain', bytes: small },
				{
					name: 'logo.png',
					contentType: 'image/png',
					bytes: png,
					isInline: true,
					contentId: 'logo',
				},
				{ name: 'archive.bin', contentType: 'application/x-custom', bytes: big },
			],
		});
		deliver(env, attachmentsFolder, {
			subject: 'Inline only',
			receivedDateTime: '2024-04-01T08:00:00Z',
			body: { contentType: 'html', content: '<img src="cid:logo2">' },
			attachments: [
				{
					name: 'logo2.png',
					contentType: 'image/png',
					bytes: png,
					isInline: true,
					contentId: 'logo2',
				},
			],
		});
		deliver(env, attachmentsFolder, { subject: 'Plain', receivedDateTime: '2024-03-31T08:00:00Z' });
	});
	afterAll(async () => await env?.stop());

	it('Simplified output (default) has exactly the simplified fields', async () => {
		const [item] = await runOk(env, getManyParams(folder));
		expect(Object.keys(item!.json).sort()).toEqual([...SIMPLE_KEYS].sort());
		expect(item!.json).toMatchObject({
			id: htmlId,
			subject: 'Formatted',
			from: { name: 'Megan Bowen', address: 'meganb@contoso.onmicrosoft.com' },
			to: [{ address: 'adelev@contoso.onmicrosoft.com' }],
			cc: [{ name: 'Alex Wilber', address: 'alexw@contoso.onmicrosoft.com' }],
			receivedDateTime: '2024-04-01T08:00:00Z',
			isRead: false,
			hasAttachments: false,
			importance: 'normal',
			bodyPreview: 'Hello world',
		});
		expect(item!.pairedItem).toEqual({ item: 0 });
		expect(item!.binary).toBeUndefined();
	});

	it('Raw output returns the whole message; Body Format picks HTML or text', async () => {
		const [html] = await runOk(env, getManyParams(folder, { output: 'raw' }));
		expect(html!.json).toHaveProperty(['@odata.etag']);
		expect(html!.json).toHaveProperty('parentFolderId', folder);
		expect(html!.json.body).toEqual({
			contentType: 'html',
			content: expect.stringContaining('<b>world</b>'),
		});
		const [text] = await runOk(
			env,
			getManyParams(folder, { output: 'raw', options: { bodyFormat: 'text' } }),
		);
		expect(text!.json.body).toEqual({
			contentType: 'text',
			content: expect.stringContaining('Hello world'),
		});
		expect(String((text!.json.body as { content: string }).content)).not.toContain('<b>');
	});

	it('Selected Fields returns the ID and the chosen fields only', async () => {
		const [item] = await runOk(
			env,
			getManyParams(folder, {
				output: 'fields',
				fields: ['subject', 'body', 'sender'],
				options: { bodyFormat: 'text' },
			}),
		);
		expect(Object.keys(item!.json).sort()).toEqual(['body', 'id', 'sender', 'subject']);
		expect(item!.json.body).toMatchObject({ contentType: 'text' });
	});

	it('downloads attachments into binary properties: small, 10 MB, inline skipped', async () => {
		const before = requestsTo(env, 'listAttachments');
		const items = await runOk(
			env,
			getManyParams(attachmentsFolder, { options: { downloadAttachments: true } }),
		);
		expect(items.map((i) => i.json.subject)).toEqual(['Files', 'Inline only', 'Plain']);
		const [files, inlineOnly, plain] = items;
		expect(Object.keys(files!.binary ?? {})).toEqual(['attachment_0', 'attachment_1']);
		expect(files!.binary!.attachment_0).toMatchObject({
			fileName: 'notes.txt',
			mimeType: 'text/plain',
		});
		expect(bytesOf(files!, 'attachment_0').equals(small)).toBe(true);
		expect(files!.binary!.attachment_1).toMatchObject({
			fileName: 'archive.bin',
			mimeType: 'application/x-custom',
		});
		expect(bytesOf(files!, 'attachment_1').equals(big)).toBe(true);
		expect(inlineOnly!.binary).toBeUndefined();
		expect(plain!.binary).toBeUndefined();
		// only the message Graph says has attachments is asked for its list
		expect(requestsTo(env, 'listAttachments') - before).toBe(1);
		expect(items.every((i) => (i.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it('includes inline attachments on request, with a custom prefix', async () => {
		const items = await runOk(
			env,
			getManyParams(attachmentsFolder, {
				output: 'fields',
				fields: ['subject'],
				options: { downloadAttachments: true, skipInline: false, attachmentPrefix: 'file_' },
			}),
		);
		const [files, inlineOnly, plain] = items;
		expect(Object.keys(files!.json).sort()).toEqual(['id', 'subject']);
		expect(Object.values(files!.binary ?? {}).map((b) => b.fileName)).toEqual([
			'notes.txt',
			'logo.png',
			'archive.bin',
		]);
		expect(Object.keys(files!.binary ?? {})).toEqual(['file_0', 'file_1', 'file_2']);
		expect(bytesOf(files!, 'file_1').equals(png)).toBe(true);
		expect(inlineOnly!.binary!.file_0).toMatchObject({
			fileName: 'logo2.png',
			mimeType: 'image/png',
		});
		expect(plain!.binary).toBeUndefined();
	});

	it('keeps at most 4 requests in flight per mailbox while downloading many attachments', async () => {
		const busy = newFolder(env, 'Busy');
		for (let i = 0; i < 12; i++) {
			deliver(env, busy, {
				subject: `Busy ${i}`,
				attachments: [
					{ name: `a${i}.txt`, contentType: 'text/plain', bytes: Buffer.from(`a${i}`) },
					{ name: `b${i}.txt`, contentType: 'text/plain', bytes: Buffer.from(`b${i}`) },
				],
			});
		}
		env.emulator.control.resetCounters();
		env.emulator.control.setOptions({ serverTimeMs: 15 });
		try {
			const items = await runOk(
				env,
				getManyParams(busy, { options: { downloadAttachments: true } }),
			);
			expect(items).toHaveLength(12);
			expect(items.every((i) => Object.keys(i.binary ?? {}).length === 2)).toBe(true);
		} finally {
			env.emulator.control.setOptions({ serverTimeMs: 0 });
		}
		const counters = env.emulator.control.counters();
		expect(counters.throttled429).toBe(0);
		expect(Math.max(...Object.values(counters.peakInFlightByMailbox))).toBeLessThanOrEqual(4);
		expect(Math.max(...Object.values(counters.peakInFlightByMailbox))).toBeGreaterThan(1);
	});

	it('fetches large attachments one at a time, small ones in parallel', async () => {
		const proxy = await startGraphProxy(env.emulator.graphBaseUrl);
		await connectCredential(env.engine, env.emulator, {
			userId: env.userId,
			credentialId: 'counted',
			extra: { customGraphUrl: proxy.url },
		});
		const largeFolder = newFolder(env, 'Large');
		const smallFolder = newFolder(env, 'Small');
		for (let i = 0; i < 4; i++) {
			deliver(env, largeFolder, {
				subject: `Large ${i}`,
				attachments: [
					{ name: `l${i}a.bin`, bytes: randomBytes(3 * 1024 * 1024 + 1) },
					{ name: `l${i}b.bin`, bytes: randomBytes(3 * 1024 * 1024 + 2) },
				],
			});
			deliver(env, smallFolder, {
				subject: `Small ${i}`,
				attachments: [{ name: `s${i}.txt`, bytes: Buffer.from(`s${i}`) }],
			});
		}
		env.emulator.control.setOptions({ serverTimeMs: { attachmentValue: 40 } });
		try {
			const large = await runOk(
				env,
				getManyParams(largeFolder, { options: { downloadAttachments: true } }),
				{ credentialId: 'counted' },
			);
			expect(
				large.flatMap((i) => Object.values(i.binary ?? {}).map((b) => b.fileName)).sort(),
			).toEqual([0, 1, 2, 3].flatMap((i) => [`l${i}a.bin`, `l${i}b.bin`]));
			expect(proxy.peakValueDownloads()).toBe(1);
			const small = await runOk(
				env,
				getManyParams(smallFolder, { options: { downloadAttachments: true } }),
				{ credentialId: 'counted' },
			);
			expect(small.every((i) => i.binary?.attachment_0)).toBe(true);
			expect(proxy.peakValueDownloads()).toBeGreaterThan(1);
		} finally {
			env.emulator.control.setOptions({ serverTimeMs: 0 });
			await proxy.close();
		}
	});

	describe('Get by ID', () => {
		const getParams = (
			messageId: string | INodeParameterResourceLocator,
			extra: Record<string, unknown> = {},
		) => ({
			resource: 'message',
			operation: 'get',
			messageId,
			...extra,
		});

		it('returns one simplified message per item, paired', async () => {
			const items = await runOk(env, getParams('={{ $json.id }}'), {
				items: [{ json: { id: htmlId } }, { json: { id: withAttachmentsId } }],
			});
			expect(items.map((i) => [i.json.subject, i.pairedItem])).toEqual([
				['Formatted', { item: 0 }],
				['Files', { item: 1 }],
			]);
			expect(Object.keys(items[0]!.json).sort()).toEqual([...SIMPLE_KEYS].sort());
		});

		it('Raw with a text body, Selected Fields, and attachments', async () => {
			const [raw] = await runOk(
				env,
				getParams(htmlId, { output: 'raw', options: { bodyFormat: 'text' } }),
			);
			expect(raw!.json.body).toMatchObject({ contentType: 'text' });
			const [fields] = await runOk(
				env,
				getParams(withAttachmentsId, {
					output: 'fields',
					fields: ['subject'],
					options: { downloadAttachments: true },
				}),
			);
			expect(Object.keys(fields!.json).sort()).toEqual(['id', 'subject']);
			expect(Object.values(fields!.binary ?? {}).map((b) => b.fileName)).toEqual([
				'notes.txt',
				'archive.bin',
			]);
		});

		it('the Message locator: By URL takes the id from an Outlook on the web link; From List shows recent messages and finds by text', async () => {
			const webLink = `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(htmlId)}&exvsurl=1&viewmodel=ReadMessageItem`;
			const [byUrl] = await runOk(env, getParams({ __rl: true, mode: 'url', value: webLink }));
			expect(byUrl!.json.subject).toBe('Formatted');
			const [byOwaPath] = await runOk(
				env,
				getParams({
					__rl: true,
					mode: 'url',
					value: `https://outlook.office.com/mail/inbox/id/${encodeURIComponent(htmlId)}`,
				} as never),
			);
			expect(byOwaPath!.json.subject).toBe('Formatted');
			const [byId] = await runOk(env, getParams({ __rl: true, mode: 'id', value: htmlId }));
			expect(byId!.json.subject).toBe('Formatted');
			const recent = await searchMessages(env, {
				resource: 'message',
				operation: 'get',
				mailbox: 'me',
			});
			expect(recent.results.map((r) => r.value)).toEqual(
				expect.arrayContaining([htmlId, withAttachmentsId]),
			);
			expect(recent.results.find((r) => r.value === htmlId)?.name).toMatch(
				/^Formatted \(.+, \d{4}-\d\d-\d\d \d\d:\d\d\)$/,
			);
			const found = await searchMessages(
				env,
				{ resource: 'message', operation: 'get', mailbox: 'me' },
				'Formatted',
			);
			expect(found.results.map((r) => r.value)).toContain(htmlId);
			expect(found.results.map((r) => r.value)).not.toContain(withAttachmentsId);
		});

		it("an unknown ID fails with Graph's code, or becomes an error item with Continue On Fail", async () => {
			const failed = await run(env, getParams('AAMkAGdoesnotexist='));
			expect(failed.error?.message).toMatch(/ErrorItemNotFound/);
			const items = await runOk(env, getParams('={{ $json.id }}'), {
				continueOnFail: true,
				items: [
					{ json: { id: 'AAMkAGdoesnotexist=' } },
					{ json: { id: htmlId } },
					{ json: { id: '' } },
				],
			});
			expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			expect(items[0]!.json.error).toMatch(/ErrorItemNotFound/);
			expect(items[1]!.json.subject).toBe('Formatted');
			expect(items[2]!.json.error).toBe('No message is set [item 2]');
		});
	});
});

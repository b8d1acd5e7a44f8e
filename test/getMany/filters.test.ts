import type { INodeParameters } from 'n8n-workflow';

import { startTestEnvironment, type TestEnvironment } from '../harness/environment';
import { deliver, getManyParams, newFolder, requestsTo, run, runOk, subjects } from './support';

/** Get Many in the real engine against the emulator: filters, search, sort, and injection attempts. */
describe('Get Many: filters, search and sort', () => {
	let env: TestEnvironment;
	let folder: string;
	const BILLING = 'billing@fabrikam.com';
	const OBRIEN = "o'brien@contoso.com";

	beforeAll(async () => {
		env = await startTestEnvironment();
		folder = newFolder(env, 'Filters');
		const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
		deliver(env, folder, {
			subject: 'Invoice 1001',
			from: { address: BILLING },
			receivedDateTime: '2024-03-01T10:00:00Z',
			importance: 'high',
			attachments: [{ name: 'invoice.txt', contentType: 'text/plain', bytes: Buffer.from('1001') }],
		});
		deliver(env, folder, {
			subject: "It's done",
			from: { address: 'alexw@contoso.onmicrosoft.com' },
			receivedDateTime: '2024-03-02T10:00:00Z',
			isRead: true,
		});
		deliver(env, folder, {
			subject: 'Weekly report',
			from: { address: 'meganb@contoso.onmicrosoft.com' },
			receivedDateTime: '2024-03-03T10:00:00Z',
			importance: 'low',
		});
		deliver(env, folder, {
			subject: 'Invoice 1002 reminder',
			from: { address: BILLING },
			receivedDateTime: '2024-03-04T10:00:00Z',
			isRead: true,
			importance: 'high',
		});
		deliver(env, folder, {
			subject: 'Lunch?',
			from: { address: OBRIEN },
			receivedDateTime: '2024-03-05T10:00:00Z',
			body: { contentType: 'html', content: '<p>Lunch <img src="cid:logo"></p>' },
			attachments: [
				{
					name: 'logo.png',
					contentType: 'image/png',
					bytes: png,
					isInline: true,
					contentId: 'logo',
				},
			],
		});
	});
	afterAll(async () => await env?.stop());

	const list = async (filters: INodeParameters = {}, options: INodeParameters = {}) =>
		subjects(await runOk(env, getManyParams(folder, { filters, options })));

	const ALL_NEWEST = [
		'Lunch?',
		'Invoice 1002 reminder',
		'Weekly report',
		"It's done",
		'Invoice 1001',
	];

	it('sorts newest first by default, oldest first on request', async () => {
		expect(await list()).toEqual(ALL_NEWEST);
		expect(await list({}, { sort: 'newest' })).toEqual(ALL_NEWEST);
		expect(await list({}, { sort: 'oldest' })).toEqual([...ALL_NEWEST].reverse());
	});

	it('a Sort that an expression makes an object is refused with the value shown, not [object Object]', async () => {
		const result = await run(
			env,
			getManyParams(folder, { options: { sort: '={{ { by: "date" } }}' } }),
			{
				continueOnFail: true,
			},
		);
		expect(result.items).toHaveLength(1);
		expect(result.items[0]!.json.error).toBe('Sort "{"by":"date"}" is not known [item 0]');
	});

	it('Read Status', async () => {
		expect(await list({ readStatus: 'unread' })).toEqual([
			'Lunch?',
			'Weekly report',
			'Invoice 1001',
		]);
		expect(await list({ readStatus: 'read' }, { sort: 'oldest' })).toEqual([
			"It's done",
			'Invoice 1002 reminder',
		]);
	});

	it('From, including an address with a quote', async () => {
		expect(await list({ from: BILLING })).toEqual(['Invoice 1002 reminder', 'Invoice 1001']);
		expect(await list({ from: ` ${BILLING.toUpperCase()} ` })).toEqual([
			'Invoice 1002 reminder',
			'Invoice 1001',
		]);
		expect(await list({ from: OBRIEN })).toEqual(['Lunch?']);
	});

	it('Received After (inclusive) and Before (exclusive), with time zones', async () => {
		// 12:00 at +02:00 is 10:00Z, exactly when "It's done" arrived
		expect(await list({ receivedAfter: '2024-03-02T12:00:00+02:00' }, { sort: 'oldest' })).toEqual([
			"It's done",
			'Weekly report',
			'Invoice 1002 reminder',
			'Lunch?',
		]);
		expect(await list({ receivedBefore: '2024-03-04T10:00:00Z' })).toEqual([
			'Weekly report',
			"It's done",
			'Invoice 1001',
		]);
		expect(
			await list({
				receivedAfter: '2024-03-02T05:00:01-05:00',
				receivedBefore: '2024-03-04T19:00:00+09:00',
			}),
		).toEqual(['Weekly report']);
	});

	it('refuses a date that is not one, before any call', async () => {
		const before = requestsTo(env, 'listMessages');
		const result = await run(
			env,
			getManyParams(folder, { filters: { receivedAfter: 'last tuesday' } }),
		);
		expect(result.error?.message).toMatch(/Received After "last tuesday" is not a date/);
		expect(requestsTo(env, 'listMessages')).toBe(before);
	});

	it('Has Attachments (inline-only messages count as without)', async () => {
		expect(await list({ hasAttachments: true })).toEqual(['Invoice 1001']);
		expect(await list({ hasAttachments: false })).toEqual(
			ALL_NEWEST.filter((s) => s !== 'Invoice 1001'),
		);
	});

	it('Importance', async () => {
		expect(await list({ importance: 'high' })).toEqual(['Invoice 1002 reminder', 'Invoice 1001']);
		expect(await list({ importance: 'low' })).toEqual(['Weekly report']);
	});

	it('Subject Contains', async () => {
		expect(await list({ subjectContains: 'Invoice' })).toEqual([
			'Invoice 1002 reminder',
			'Invoice 1001',
		]);
		expect(await list({ subjectContains: "It's" })).toEqual(["It's done"]);
		expect(await list({ subjectContains: "'" })).toEqual(["It's done"]);
	});

	it('Custom Filter passes through, ANDed with the others, sortable', async () => {
		expect(await list({ customFilter: "importance eq 'low' or isRead eq true" })).toEqual([
			'Invoice 1002 reminder',
			'Weekly report',
			"It's done",
		]);
		expect(
			await list(
				{ customFilter: "importance eq 'low' or isRead eq true", readStatus: 'unread' },
				{ sort: 'oldest' },
			),
		).toEqual(['Weekly report']);
	});

	it('combines filters with either sort order without InefficientFilter', async () => {
		for (const sort of ['newest', 'oldest']) {
			expect(
				await list(
					{
						readStatus: 'unread',
						importance: 'high',
						hasAttachments: true,
						subjectContains: 'Invoice',
					},
					{ sort },
				),
			).toEqual(['Invoice 1001']);
		}
		expect(
			await list({ from: BILLING, receivedBefore: '2024-03-10T00:00:00Z' }, { sort: 'oldest' }),
		).toEqual(['Invoice 1001', 'Invoice 1002 reminder']);
	});

	it('Search (KQL), newest first', async () => {
		expect(await list({ search: 'subject:invoice' })).toEqual([
			'Invoice 1002 reminder',
			'Invoice 1001',
		]);
		expect(await list({ search: 'weekly OR lunch' })).toEqual(['Lunch?', 'Weekly report']);
		expect(await list({ search: 'subject:"1002 reminder"' })).toEqual(['Invoice 1002 reminder']);
	});

	it('refuses Search with filters or Oldest First before any call', async () => {
		const before = requestsTo(env, 'listMessages');
		const withFilter = await run(
			env,
			getManyParams(folder, { filters: { search: 'invoice', readStatus: 'unread' } }),
		);
		expect(withFilter.error?.message).toMatch(/Search cannot be combined with other filters/);
		expect(withFilter.error?.description).toMatch(/\$search together with \$filter/);
		const oldest = await run(
			env,
			getManyParams(folder, { filters: { search: 'invoice' }, options: { sort: 'oldest' } }),
		);
		expect(oldest.error?.message).toMatch(/cannot be sorted oldest first/);
		expect(requestsTo(env, 'listMessages')).toBe(before);
	});

	describe('injection attempts', () => {
		it.each([
			"' or 1 eq 1",
			`${BILLING}' or from/emailAddress/address ne 'x`,
			"x') or (isRead eq false",
			'%27 or true',
		])('From %j matches literally (nothing)', async (from) => {
			expect(await list({ from })).toEqual([]);
		});

		it.each([
			"') or contains(subject,'",
			"Invoice' or isRead eq true or subject eq '",
			"'' or 1 eq 1 --",
		])('Subject Contains %j matches literally (nothing)', async (subjectContains) => {
			expect(await list({ subjectContains })).toEqual([]);
		});

		it('a Custom Filter cannot leave its parentheses', async () => {
			const before = requestsTo(env, 'listMessages');
			const result = await run(
				env,
				getManyParams(folder, {
					filters: { readStatus: 'read', customFilter: 'isRead eq true) or (1 eq 1' },
				}),
			);
			expect(result.error?.message).toMatch(/custom filter is not valid: a closing parenthesis/);
			const open = await run(
				env,
				getManyParams(folder, { filters: { customFilter: "subject eq 'x" } }),
			);
			expect(open.error?.message).toMatch(/string literal is not closed/);
			expect(requestsTo(env, 'listMessages')).toBe(before);
		});

		it('a KQL quote cannot end the search value', async () => {
			const before = requestsTo(env, 'listMessages');
			const result = await run(
				env,
				getManyParams(folder, { filters: { search: 'invoice" OR from:megan' } }),
			);
			expect(result.error?.message).toMatch(/double quote is not paired/);
			expect(requestsTo(env, 'listMessages')).toBe(before);
			// balanced quotes become KQL phrases inside the one quoted value; a backslash stays literal
			expect(await list({ search: 'nothing" OR "lunch' })).not.toContain('Invoice 1001');
			expect(await list({ search: 'invoice\\' })).toEqual([]);
		});

		it('folder ids and user names are path-encoded', async () => {
			const viaFolder = await run(env, getManyParams('inbox/../sentitems?$top=1', {}));
			expect(viaFolder.error?.message).toMatch(/ErrorItemNotFound|not found/i);
			const viaUser = await run(env, {
				...getManyParams(folder, {
					mailbox: 'user',
					userId: 'adelev@contoso.onmicrosoft.com/messages?$top=1#',
				}),
			});
			expect(viaUser.error?.message).toMatch(
				/not found|ResourceNotFound|ErrorInvalidUser|Request_ResourceNotFound/i,
			);
		});
	});
});

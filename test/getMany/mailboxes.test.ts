import { startTestEnvironment, type TestEnvironment } from '../harness/environment';
import { deliver, getManyParams, newFolder, rl, run, runOk, searchFolders } from './support';

const MEGAN = 'meganb@contoso.onmicrosoft.com';
const ALEX = 'alexw@contoso.onmicrosoft.com';

/** Per-item mailboxes, well-known folders, Continue On Fail, and the folder list search. */
describe('Get Many: mailboxes, folders, Continue On Fail, list search', () => {
	let env: TestEnvironment;

	beforeAll(async () => {
		env = await startTestEnvironment();
		env.emulator.control.grant({ mailboxId: MEGAN, delegateId: env.userId, fullAccess: true });
		deliver(env, 'inbox', { subject: 'For Adele zq7' });
		deliver(env, 'inbox', { subject: 'For Megan zq7' }, MEGAN);
		deliver(env, 'inbox', { subject: 'For Alex zq7' }, ALEX);
	});
	afterAll(async () => await env?.stop());

	it('reads the mailbox each item names, pairing every output with its item', async () => {
		const items = await runOk(
			env,
			{
				resource: 'message',
				operation: 'getAll',
				mailbox: '={{ $json.mailbox }}',
				userId: '={{ $json.user }}',
				folder: 'inbox',
				filters: { subjectContains: 'zq7' },
			},
			{
				continueOnFail: true,
				items: [
					{ json: { mailbox: 'me' } },
					{ json: { mailbox: 'user', user: MEGAN } },
					{ json: { mailbox: 'user', user: ALEX } },
					{ json: { mailbox: 'user', user: ' ' } },
				],
			},
		);
		expect(items.map((i) => [i.json.subject ?? i.json.error, i.pairedItem])).toEqual([
			['For Adele zq7', { item: 0 }],
			['For Megan zq7', { item: 1 }],
			[expect.stringMatching(/ErrorAccessDenied|denied/i), { item: 2 }],
			[expect.stringMatching(/No user is set for the mailbox/), { item: 3 }],
		]);
	});

	it('well-known folders, and the whole mailbox', async () => {
		const sentId = deliver(env, 'sentitems', { subject: 'Sent one xk3' });
		const deletedId = deliver(env, 'deleteditems', { subject: 'Deleted one xk3' });
		const filters = { subjectContains: 'xk3' };
		const ids = async (folder: string) =>
			(await runOk(env, { resource: 'message', operation: 'getAll', folder, filters })).map(
				(i) => i.json.id,
			);
		expect(await ids('sentitems')).toEqual([sentId]);
		expect(await ids('deleteditems')).toEqual([deletedId]);
		expect(await ids('inbox')).toEqual([]);
		expect((await ids('all')).sort()).toEqual([sentId, deletedId].sort());
		// By ID also takes a well-known name
		const byName = await runOk(env, getManyParams('SentItems', { filters }));
		expect(byName.map((i) => i.json.id)).toEqual([sentId]);
	});

	it('Continue On Fail: a failing item becomes an error item, the others go on', async () => {
		const ok = newFolder(env, 'Fine');
		deliver(env, ok, { subject: 'fine' });
		const items = await runOk(
			env,
			getManyParams('={{ $json.folder }}', { filters: { customFilter: '={{ $json.custom }}' } }),
			{
				continueOnFail: true,
				items: [
					{ json: { folder: ok, custom: '' } },
					{ json: { folder: 'AAMkAGnosuchfolder=', custom: '' } },
					{ json: { folder: ok, custom: 'isRead eq false)' } },
					{ json: { folder: ok, custom: 'isRead eq false' } },
				],
			},
		);
		expect(items.map((i) => [i.json.subject ?? i.json.error, i.pairedItem])).toEqual([
			['fine', { item: 0 }],
			[expect.stringMatching(/ErrorItemNotFound/), { item: 1 }],
			[expect.stringMatching(/custom filter is not valid/), { item: 2 }],
			['fine', { item: 3 }],
		]);
	});

	it('without Continue On Fail an invalid item stops the node before any request', async () => {
		const ok = newFolder(env, 'Untouched');
		const before = env.emulator.control.counters().requests;
		const result = await run(
			env,
			getManyParams(ok, { filters: { customFilter: '={{ $json.custom }}' } }),
			{
				items: [{ json: { custom: 'isRead eq true' } }, { json: { custom: "subject eq 'x" } }],
			},
		);
		expect(result.error?.message).toMatch(/custom filter is not valid.*\[item 1\]/);
		expect(env.emulator.control.counters().requests).toBe(before);
	});

	it('a limit that is not a number is named as given, not as NaN', async () => {
		const ok = newFolder(env, 'Limit');
		const result = await run(
			env,
			getManyParams(ok, { returnAll: false, limit: '={{ $json.limit }}' }),
			{ items: [{ json: { limit: 'abc' } }] },
		);
		expect(result.error?.message).toBe(
			'The limit "abc" is not a whole number of at least 1 [item 0]',
		);
	});

	describe('Folder list search', () => {
		let projects: string;
		let y2024: string;
		let q1: string;

		beforeAll(() => {
			projects = env.emulator.control.createFolder(env.userId, 'Projects').id;
			y2024 = env.emulator.control.createFolder(env.userId, '2024', projects).id;
			q1 = env.emulator.control.createFolder(env.userId, 'Q1 "Launch"', y2024).id;
			env.emulator.control.createFolder(env.userId, 'Receipts', 'inbox');
			env.emulator.control.createFolder(MEGAN, 'Megan only');
		});

		it('lists nested child folders with their paths', async () => {
			const { results } = await searchFolders(env, { mailbox: 'me' });
			const names = results.map((r) => r.name);
			expect(names).toEqual(
				expect.arrayContaining([
					'Inbox',
					'Inbox/Receipts',
					'Projects',
					'Projects/2024',
					'Projects/2024/Q1 "Launch"',
				]),
			);
			expect(results.find((r) => r.name === 'Projects/2024/Q1 "Launch"')?.value).toBe(q1);
			expect(names.indexOf('Projects/2024')).toBe(names.indexOf('Projects') + 1);
			expect(names).not.toContain('Megan only');
		});

		it('filters by name anywhere in the path, case-insensitively', async () => {
			const { results } = await searchFolders(env, { mailbox: 'me' }, 'q1');
			expect(results).toEqual([{ name: 'Projects/2024/Q1 "Launch"', value: q1 }]);
			expect(
				(await searchFolders(env, { mailbox: 'me' }, '2024')).results.map((r) => r.value),
			).toEqual([y2024, q1]);
		});

		it('pages long lists', async () => {
			const many = env.emulator.control.createFolder(env.userId, 'Many').id;
			for (let i = 0; i < 130; i++)
				env.emulator.control.createFolder(env.userId, `Sub ${String(i).padStart(3, '0')}`, many);
			const first = await searchFolders(env, { mailbox: 'me' }, 'Many /');
			expect(first.results).toHaveLength(100);
			expect(first.paginationToken).toBe('100');
			const second = await searchFolders(env, { mailbox: 'me' }, 'Many /', first.paginationToken);
			expect(second.results).toHaveLength(30);
			expect(second.paginationToken).toBeUndefined();
		});

		it("lists another user's folders, and the picked folder is listed by Get Many", async () => {
			const { results } = await searchFolders(env, { mailbox: 'user', userId: MEGAN }, 'megan');
			expect(results.map((r) => r.name)).toEqual(['Megan only']);
			const id = deliver(env, String(results[0]!.value), { subject: 'in megan folder' }, MEGAN);
			const items = await runOk(env, {
				resource: 'message',
				operation: 'getAll',
				mailbox: 'user',
				userId: MEGAN,
				folder: 'other',
				folderId: rl(String(results[0]!.value), 'list'),
			});
			expect(items.map((i) => i.json.id)).toEqual([id]);
		});

		it('asks for a fixed user when the user is an expression', async () => {
			await expect(
				searchFolders(env, { mailbox: 'user', userId: '={{ $json.user }}' }),
			).rejects.toThrow(/fixed user/);
		});
	});
});

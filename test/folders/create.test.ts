import { useTestEnvironment, type TestEnvironment } from '../harness/environment';
import {
	allRequests,
	byId,
	byPath,
	childrenOf,
	folderParams,
	jsonOf,
	run,
	runOk,
	unique,
	wellKnownId,
} from './support';

/** Folder → Create in n8n's engine against the emulator: names, nested paths, Return Existing, races and lost answers. */
describe('Folder: Create', () => {
	let env: TestEnvironment;
	let root: string;
	useTestEnvironment((started) => {
		env = started;
		root = wellKnownId(env, 'msgfolderroot');
	});

	const named = (parentId: string, name: string) =>
		childrenOf(env, parentId).filter((f) => f.displayName.toLowerCase() === name.toLowerCase());

	it('creates a folder at the top of the mailbox, with its path and created: true', async () => {
		const name = unique('Invoices');
		const [item] = jsonOf(await runOk(env, folderParams('create', { name })));
		expect(item).toMatchObject({
			displayName: name,
			parentFolderId: root,
			path: name,
			created: true,
		});
		expect(named(root, name).map((f) => f.id)).toEqual([item!.id]);
	});

	it('creates a nested path as needed, using the levels that exist', async () => {
		const top = unique('Projects');
		const existing = env.emulator.control.createFolder(env.userId, top).id;
		const [item] = jsonOf(
			await runOk(env, folderParams('create', { name: `${top}/2026/Invoices` })),
		);
		expect(item).toMatchObject({
			displayName: 'Invoices',
			path: `${top}/2026/Invoices`,
			created: true,
		});
		expect(named(root, top).map((f) => f.id)).toEqual([existing]);
		const year = named(existing, '2026');
		expect(year).toHaveLength(1);
		expect(named(year[0]!.id, 'Invoices').map((f) => f.id)).toEqual([item!.id]);
	});

	it('fails on an existing folder without Return Existing, naming the item', async () => {
		const name = unique('Taken');
		env.emulator.control.createFolder(env.userId, name);
		const result = await run(env, folderParams('create', { name: name.toUpperCase() }));
		expect(result.error?.message).toMatch(/already exists.*\[item 0\]/);
		expect(named(root, name)).toHaveLength(1);
	});

	it('returns the existing folder with Return Existing (created: false)', async () => {
		const name = unique('Again');
		const id = env.emulator.control.createFolder(env.userId, name).id;
		const [item] = jsonOf(
			await runOk(env, folderParams('create', { name, options: { returnExisting: true } })),
		);
		expect(item).toMatchObject({ id, created: false, path: name });
		expect(named(root, name)).toHaveLength(1);
	});

	it('two items creating the same path in one execution make one folder', async () => {
		const top = unique('Race');
		const path = `${top}/A/B`;
		const items = await runOk(
			env,
			folderParams('create', { name: '={{ $json.path }}', options: { returnExisting: true } }),
			{ items: [{ json: { path } }, { json: { path: path.toLowerCase() } }, { json: { path } }] },
		);
		const ids = new Set(items.map((item) => item.json.id));
		expect(ids.size).toBe(1);
		expect(items.filter((item) => item.json.created === true)).toHaveLength(1);
		const tops = named(root, top);
		expect(tops).toHaveLength(1);
		expect(named(tops[0]!.id, 'A')).toHaveLength(1);
	});

	it('creates under a parent given by path or by ID', async () => {
		const receipts = unique('Receipts');
		const byPathItem = jsonOf(
			await runOk(
				env,
				folderParams('create', {
					parent: 'folder',
					parentFolderId: byPath('inbox'),
					name: receipts,
				}),
			),
		)[0]!;
		expect(byPathItem).toMatchObject({
			parentFolderId: wellKnownId(env, 'inbox'),
			path: `Inbox/${receipts}`,
		});
		const child = jsonOf(
			await runOk(
				env,
				folderParams('create', {
					parent: 'folder',
					parentFolderId: byId(String(byPathItem.id)),
					name: '2026',
				}),
			),
		)[0]!;
		expect(child).toMatchObject({ parentFolderId: byPathItem.id, path: `Inbox/${receipts}/2026` });
	});

	it('a name with \\/ keeps the slash in the name', async () => {
		const base = unique('Q1');
		const [item] = jsonOf(await runOk(env, folderParams('create', { name: `${base}\\/Q2` })));
		expect(item).toMatchObject({ displayName: `${base}/Q2`, parentFolderId: root });
		expect(item!.path).toBe(`${base}\\/Q2`);
	});

	it('Hidden creates the folder hidden (isHidden)', async () => {
		const name = unique('Secret');
		const [item] = jsonOf(
			await runOk(env, folderParams('create', { name, options: { hidden: true } })),
		);
		expect(item).toMatchObject({ isHidden: true });
		const listed = jsonOf(await runOk(env, folderParams('getAll', { returnAll: true })));
		expect(listed.map((f) => f.id)).not.toContain(item!.id);
	});

	it('a create whose answer is lost is looked up, not repeated: one folder', async () => {
		const name = unique('Lost');
		env.emulator.control.injectFault({ route: 'createFolder', kind: 'lostResponse' });
		const [item] = jsonOf(await runOk(env, folderParams('create', { name })));
		expect(item).toMatchObject({ displayName: name, created: true });
		expect(named(root, name)).toHaveLength(1);
		expect(env.emulator.control.faults()).toEqual([]);
	});

	it.each([
		['', /Name or Path is empty \[item 0\]/],
		['   ', /Name or Path is empty \[item 0\]/],
		['Projects//2026', /empty folder name at level 2/],
		['Projects/', /empty folder name at level 2/],
		['/Projects', /empty folder name at level 1/],
		['Bad\nName', /control character/],
		['x'.repeat(256), /256 characters long; at most 255/],
		['Projects/..', /"\.\."/],
	])('refuses the name %j before any request', async (name, message) => {
		const before = allRequests(env);
		const result = await run(env, folderParams('create', { name: '={{ $json.name }}' }), {
			items: [{ json: { name } }],
		});
		expect(result.error?.message).toMatch(message);
		expect(result.error?.message).toMatch(/Name or Path/);
		expect(allRequests(env)).toBe(before);
	});

	it('Continue On Fail: the bad item is an error item, the others are created once', async () => {
		const good = unique('Good');
		const result = await run(env, folderParams('create', { name: '={{ $json.name }}' }), {
			continueOnFail: true,
			items: [
				{ json: { name: good } },
				{ json: { name: 'a//b' } },
				{ json: { name: `${good}/x` } },
			],
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0]!.json).toMatchObject({ displayName: good, created: true });
		expect(result.items[1]!.json.error).toMatch(/Name or Path.*empty folder name.*\[item 1\]/);
		expect(result.items[2]!.json).toMatchObject({ path: `${good}/x` });
		expect(named(root, good)).toHaveLength(1);
	});
});

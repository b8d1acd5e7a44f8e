import { useTestEnvironment, type TestEnvironment } from '../harness/environment';
import {
	allRequests,
	byId,
	byPath,
	childrenOf,
	folderParams,
	jsonOf,
	requestsTo,
	run,
	runOk,
	unique,
	wellKnownId,
} from './support';

/** Folder → Get, Rename, Move, Delete: by path or ID, refused input, missing folders, Continue On Fail, $batch. */
describe('Folder: Get, Rename, Move, Delete', () => {
	let env: TestEnvironment;
	useTestEnvironment((started) => (env = started));

	const create = (name: string, parent?: string) =>
		env.emulator.control.createFolder(env.userId, name, parent).id;
	const folderById = (id: string) =>
		env.emulator.control.mailbox(env.userId).folders.find((f) => f.id === id);

	it('Get by path (any case, well-known first name) and by ID, with the path and counts', async () => {
		const name = unique('Clients');
		const clients = create(name, 'inbox');
		const acme = create('ACME', clients);
		const [found] = jsonOf(
			await runOk(
				env,
				folderParams('get', { folderId: byPath(`INBOX/${name.toLowerCase()}/acme`) }),
			),
		);
		expect(found).toMatchObject({
			id: acme,
			displayName: 'ACME',
			parentFolderId: clients,
			path: `Inbox/${name}/ACME`,
			totalItemCount: 0,
		});
		const [again] = jsonOf(await runOk(env, folderParams('get', { folderId: byId(acme) })));
		expect(again).toEqual(found);
	});

	it('a missing folder is an error that names it (by path and by ID)', async () => {
		const result = await run(env, folderParams('get', { folderId: byPath('Inbox/Not There/x') }));
		expect(result.error?.message).toBe(
			'Folder: the folder "Inbox/Not There/x" was not found (no "Not There" in "Inbox") [item 0]',
		);
		const top = await run(env, folderParams('get', { folderId: byPath('Nowhere') }));
		expect(top.error?.message).toMatch(
			/"Nowhere" was not found \(no "Nowhere" at the top of the mailbox\)/,
		);
		const byIdResult = await run(env, folderParams('get', { folderId: byId('AAMkAGnone=') }));
		expect(byIdResult.error?.message).toMatch(/The folder "AAMkAGnone=" was not found \[item 0\]/);
	});

	it('Rename changes the name; a taken name and names Outlook refuses are item errors', async () => {
		const parent = create(unique('Ren'));
		const a = create('Alpha', parent);
		create('Beta', parent);
		const [renamed] = jsonOf(
			await runOk(env, folderParams('rename', { folderId: byId(a), newName: 'Gamma' })),
		);
		expect(renamed).toMatchObject({ id: a, displayName: 'Gamma' });
		expect(folderById(a)?.displayName).toBe('Gamma');
		const taken = await run(env, folderParams('rename', { folderId: byId(a), newName: 'beta' }));
		expect(taken.error?.message).toMatch(/already exists.*\[item 0\]/);
		const before = allRequests(env);
		for (const [newName, message] of [
			['   ', /New Name is empty/],
			['Tab\there', /control character/],
			['y'.repeat(300), /300 characters long/],
		] as const) {
			const result = await run(
				env,
				folderParams('rename', { folderId: byId(a), newName: '={{ $json.n }}' }),
				{
					items: [{ json: { n: newName } }],
				},
			);
			expect(result.error?.message).toMatch(message);
			expect(result.error?.message).toMatch(/\[item 0\]/);
		}
		expect(allRequests(env)).toBe(before);
		expect(folderById(a)?.displayName).toBe('Gamma');
	});

	it('Move puts the folder under the destination (by path), keeping its id; not into itself', async () => {
		const from = unique('From');
		const to = unique('To');
		const source = create(from);
		const child = create('Child', source);
		const destination = create(to);
		const [moved] = jsonOf(
			await runOk(
				env,
				folderParams('move', { folderId: byPath(`${from}/Child`), destinationId: byPath(to) }),
			),
		);
		expect(moved).toMatchObject({ id: child, parentFolderId: destination });
		const into = await run(
			env,
			folderParams('move', { folderId: byId(destination), destinationId: byId(child) }),
		);
		expect(into.error?.message).toMatch(/could not be moved.*\[item 0\]/);
		const own = await run(
			env,
			folderParams('move', { folderId: byPath('Inbox'), destinationId: byId(destination) }),
		);
		expect(own.error?.message).toMatch(/one of Outlook's own folders/);
	});

	it('Delete moves the folder with its content to Deleted Items; Continue On Fail keeps the others going', async () => {
		const name = unique('Old');
		const old = create(name);
		create('Inside', old);
		const result = await run(env, folderParams('delete', { folderId: '={{ $json.folder }}' }), {
			continueOnFail: true,
			items: [
				{ json: { folder: { __rl: true, mode: 'path', value: name } } },
				{ json: { folder: { __rl: true, mode: 'path', value: 'Gone/Away' } } },
				{ json: { folder: { __rl: true, mode: 'id', value: 'inbox' } } },
			],
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0]!.json).toEqual({ id: old, folder: name, deleted: true });
		expect(result.items[1]!.json.error).toMatch(/"Gone\/Away" was not found.*\[item 1\]/);
		expect(result.items[2]!.json.error).toMatch(/one of Outlook's own folders.*\[item 2\]/);
		expect(folderById(old)?.parentFolderId).toBe(wellKnownId(env, 'deleteditems'));
		expect(childrenOf(env, old).map((f) => f.displayName)).toEqual(['Inside']);
	});

	it('many items go through $batch, and a path is looked up once per execution', async () => {
		const name = unique('Many');
		const parent = create(name);
		const ids = Array.from({ length: 30 }, (_, i) => create(`F${i}`, parent));
		const batches = requestsTo(env, 'batch');
		const lookups = requestsTo(env, 'listFolders');
		const items = await runOk(
			env,
			folderParams('rename', { folderId: '={{ $json.folder }}', newName: '={{ $json.name }}' }),
			{
				items: ids.map((_, i) => ({
					json: { folder: { __rl: true, mode: 'path', value: `${name}/F${i}` }, name: `G${i}` },
				})),
			},
		);
		expect(items.map((item) => item.json.displayName)).toEqual(ids.map((_, i) => `G${i}`));
		// 4 serial chains at once (the mailbox's limit), 7 or 8 renames each.
		expect(requestsTo(env, 'batch') - batches).toBe(4);
		// One lookup of the parent for all 30 items, one per child.
		expect(requestsTo(env, 'listFolders') - lookups).toBe(1 + 30);
	});
});

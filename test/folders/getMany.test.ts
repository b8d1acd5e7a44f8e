import { FOLDER_TREE_PAGE_SIZE } from '../../nodes/GraphMail/read/folderTree';
import { useTestEnvironment, type TestEnvironment } from '../harness/environment';
import {
	byId,
	byPath,
	deliver,
	folderParams,
	jsonOf,
	requestsTo,
	run,
	runOk,
	unique,
	wellKnownId,
} from './support';

/** Folder → Get Many: the whole tree with paths and counts, paged at any size, children through $batch. */
describe('Folder: Get Many', () => {
	let env: TestEnvironment;
	useTestEnvironment((started) => (env = started));

	const create = (name: string, parent?: string) =>
		env.emulator.control.createFolder(env.userId, name, parent).id;

	it('lists the whole tree depth-first with each path, the counts and the parent', async () => {
		const projects = create(unique('Projects'));
		const year = create('2026', projects);
		const inboxChild = create(unique('Receipts'), 'inbox');
		deliver(env, year, { subject: 'one', isRead: false });
		deliver(env, year, { subject: 'two', isRead: true });
		const tree = jsonOf(await runOk(env, folderParams('getAll', { returnAll: true })));
		const byIdMap = new Map(tree.map((f) => [f.id, f]));
		const projectsName = String(byIdMap.get(projects)!.displayName);
		expect(byIdMap.get(year)).toMatchObject({
			displayName: '2026',
			path: `${projectsName}/2026`,
			parentFolderId: projects,
			unreadItemCount: 1,
			totalItemCount: 2,
			childFolderCount: 0,
			depth: 2,
		});
		expect(byIdMap.get(projects)).toMatchObject({ childFolderCount: 1, depth: 1 });
		expect(String(byIdMap.get(inboxChild)!.path)).toMatch(/^Inbox\/Receipts \d+$/);
		const order = tree.map((f) => f.id);
		expect(order.indexOf(year)).toBe(order.indexOf(projects) + 1);
		expect(tree.find((f) => f.id === wellKnownId(env, 'inbox'))).toMatchObject({ path: 'Inbox' });
	});

	it('reads more than a page of folders at one level and below, children through $batch', async () => {
		const parent = create(unique('Big'));
		const count = FOLDER_TREE_PAGE_SIZE + 30;
		const subs: string[] = [];
		for (let i = 0; i < count; i++) subs.push(create(`Sub ${String(i).padStart(3, '0')}`, parent));
		// 25 of them have a child each: their lists go 20 per $batch, not one request each.
		for (let i = 0; i < 25; i++) create('Leaf', subs[i]);
		const before = requestsTo(env, 'listFolders');
		const batchesBefore = requestsTo(env, 'batch');
		const items = jsonOf(
			await runOk(
				env,
				folderParams('getAll', { parent: 'folder', parentFolderId: byId(parent), returnAll: true }),
			),
		);
		expect(items).toHaveLength(count + 25);
		expect(new Set(items.map((f) => f.id)).size).toBe(count + 25);
		const parentName = items[0]!.path!.toString().split('/')[0];
		expect(items.filter((f) => f.displayName === 'Leaf').map((f) => f.path)).toContain(
			`${parentName}/Sub 000/Leaf`,
		);
		// The 280 children of Big: 2 pages; the 25 leaf lists: 2 $batch requests (20 + 5 lists).
		expect(requestsTo(env, 'batch') - batchesBefore).toBe(2);
		expect(requestsTo(env, 'listFolders') - before).toBe(2 + 25);
	});

	it('walks deep trees, and a subtree given by path has full paths', async () => {
		const top = unique('Deep');
		let parent = create(top);
		const names = [top];
		for (let depth = 1; depth <= 12; depth++) {
			parent = create(`L${depth}`, parent);
			names.push(`L${depth}`);
		}
		const items = jsonOf(
			await runOk(
				env,
				folderParams('getAll', {
					parent: 'folder',
					parentFolderId: byPath(`${top}/L1`),
					returnAll: true,
				}),
			),
		);
		expect(items.map((f) => f.path)).toEqual(
			Array.from({ length: 11 }, (_, i) => names.slice(0, i + 3).join('/')),
		);
	});

	it('Limit stops at that many; hidden folders only with Include Hidden Folders', async () => {
		const parent = create(unique('Mixed'));
		for (let i = 0; i < 5; i++) create(`Visible ${i}`, parent);
		const hidden = jsonOf(
			await runOk(
				env,
				folderParams('create', {
					parent: 'folder',
					parentFolderId: byId(parent),
					name: 'Hidden one',
					options: { hidden: true },
				}),
			),
		)[0]!;
		const params = { parent: 'folder', parentFolderId: byId(parent) };
		expect(await runOk(env, folderParams('getAll', { ...params, limit: 3 }))).toHaveLength(3);
		const visible = jsonOf(
			await runOk(env, folderParams('getAll', { ...params, returnAll: true })),
		);
		expect(visible.map((f) => f.id)).not.toContain(hidden.id);
		const all = jsonOf(
			await runOk(
				env,
				folderParams('getAll', { ...params, returnAll: true, options: { includeHidden: true } }),
			),
		);
		expect(all.find((f) => f.id === hidden.id)).toMatchObject({ isHidden: true });
	});

	it('a Parent Folder path that does not exist is an error naming the folder', async () => {
		const result = await run(
			env,
			folderParams('getAll', { parent: 'folder', parentFolderId: byPath('Inbox/Nope here') }),
		);
		expect(result.error?.message).toBe(
			'Parent Folder: the folder "Inbox/Nope here" was not found (no "Nope here" in "Inbox") [item 0]',
		);
	});
});

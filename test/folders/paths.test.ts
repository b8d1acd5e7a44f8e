import type { IDataObject } from 'n8n-workflow';

import { getManyParams } from '../getMany/support';
import { useTestEnvironment, type TestEnvironment } from '../harness/environment';
import { poller, subjects, triggerParams } from '../trigger/support';
import { byPath, deliver, requestsTo, run, runOk, unique } from './support';

/** Folder paths in the pickers: Get Many's Other Folder and the trigger's folders, By Path. */
describe('Folder paths in the pickers', () => {
	let env: TestEnvironment;
	useTestEnvironment((started) => (env = started));

	const create = (name: string, parent?: string) =>
		env.emulator.control.createFolder(env.userId, name, parent).id;

	describe('Get Many (messages), Other Folder By Path', () => {
		it('lists the folder at the path: well-known first name, any case, \\/ inside a name', async () => {
			const projects = create(unique('Projects'), 'inbox');
			const projectsName = env.emulator.control
				.mailbox(env.userId)
				.folders.find((f) => f.id === projects)!.displayName;
			const slashed = create('2026/Q1', projects);
			deliver(env, slashed, { subject: 'in Q1' });
			deliver(env, projects, { subject: 'in projects' });
			const items = await runOk(env, {
				...getManyParams(undefined),
				folder: 'other',
				folderId: byPath(`inbox / ${projectsName.toUpperCase()} / 2026\\/q1`),
			});
			expect(items.map((i) => i.json.subject)).toEqual(['in Q1']);
		});

		it('many items with the same path look it up once per execution', async () => {
			const name = unique('Shared');
			const folder = create(name);
			deliver(env, folder, { subject: 'shared' });
			const before = requestsTo(env, 'listFolders');
			const items = await runOk(
				env,
				{ ...getManyParams(undefined), folder: 'other', folderId: byPath(name) },
				{ items: Array.from({ length: 5 }, () => ({ json: {} })) },
			);
			expect(items.map((i) => i.json.subject)).toEqual(Array(5).fill('shared'));
			expect(requestsTo(env, 'listFolders') - before).toBe(1);
		});

		it('a missing path is an error naming the item, the field and the missing folder', async () => {
			const result = await run(env, {
				...getManyParams(undefined),
				folder: 'other',
				folderId: byPath('Inbox/Nope'),
			});
			expect(result.error?.message).toBe(
				'Other Folder: the folder "Inbox/Nope" was not found (no "Nope" in "Inbox") [item 0]',
			);
			const bad = await run(env, {
				...getManyParams(undefined),
				folder: 'other',
				folderId: byPath('Inbox//Nope'),
			});
			expect(bad.error?.message).toMatch(
				/^Other Folder: the path has an empty folder name at level 2 \(a leading, trailing or doubled \/\) \[item 0\]$/,
			);
		});
	});

	describe('Graph Mail Trigger, folders By Path', () => {
		const pathParams = (path: string, extra: IDataObject = {}) => ({
			...triggerParams([]),
			folders: { folder: [{ folderId: byPath(path) }] },
			...extra,
		});

		it('watches the folder at the path; its cursor key is the folder id, as when picked by ID', async () => {
			const top = unique('Watched');
			const watched = create('Deep', create(top));
			const trigger = poller(env, pathParams(`${top}/Deep`));
			expect((await trigger.poll()).returned).toBeNull();
			deliver(env, watched, { subject: 'new in deep' });
			deliver(env, 'inbox', { subject: 'elsewhere' });
			expect(subjects((await trigger.poll()).items)).toEqual(['new in deep']);
			const state = trigger.nodeStaticData as { folders?: Record<string, unknown> };
			expect(Object.keys(state.folders ?? {})).toEqual([`me|${watched}`]);
			// Picking the same folder by ID afterwards keeps its cursor: nothing is emitted again.
			const byIdTrigger = trigger.restart({ parameters: triggerParams([watched]) });
			expect((await byIdTrigger.poll()).returned).toBeNull();
			deliver(env, watched, { subject: 'second' });
			expect(subjects((await byIdTrigger.poll()).items)).toEqual(['second']);
		});

		it('a path that does not exist fails the poll with the path named, storing nothing', async () => {
			const trigger = poller(env, pathParams('Inbox/Missing folder'));
			const result = await trigger.poll();
			expect(result.error?.message).toMatch(/the folder "Inbox\/Missing folder" was not found/);
			expect(trigger.nodeStaticData).toEqual({});
		});

		it('refuses a malformed path before any request', async () => {
			env.emulator.control.resetCounters();
			const result = await poller(env, pathParams('Inbox/')).poll();
			expect(result.error?.message).toMatch(/the path "Inbox\/" has an empty folder name/);
			expect(env.emulator.control.counters().requests).toBe(0);
		});
	});
});

import { useTestEnvironment, type TestEnvironment } from '../harness/environment';
import {
	graphMessage,
	idItems,
	newFolder,
	params,
	requestsTo,
	rl,
	run,
	runOk,
	seedMessages,
	subjectsIn,
	freshCounters,
} from './support';

/** Move, Copy and Delete in the real engine against the emulator: bulk, faults, repeats, missing messages. */
describe('Message Move, Copy, Delete', () => {
	let env: TestEnvironment;
	useTestEnvironment((started) => (env = started), freshCounters);

	it('Move moves every item through $batch and outputs immutable ids that keep finding the message', async () => {
		const { folder, ids } = seedMessages(env, 45);
		const destination = newFolder(env, 'Filed');
		const items = await runOk(env, params('move', { destinationFolder: rl(destination) }), {
			items: idItems(ids),
		});
		expect(items).toHaveLength(45);
		expect(items.map((item) => item.json.status)).toEqual(Array(45).fill('moved'));
		expect(items.map((item) => item.pairedItem)).toEqual(ids.map((_id, item) => ({ item })));
		expect(items[0]!.json).toMatchObject({
			previousId: ids[0],
			parentFolderId: destination,
			subject: 'Message 0',
		});
		expect(subjectsIn(env, folder)).toEqual([]);
		expect(subjectsIn(env, destination)).toHaveLength(45);
		// One HTTP request per 20 messages (serial chains), no request per message.
		expect(requestsTo(env, 'batch')).toBeLessThanOrEqual(4);
		expect(requestsTo(env, 'moveMessage')).toBe(45);
		// The output id is immutable: still valid after a second move.
		const again = newFolder(env, 'Again');
		const moved = await runOk(env, params('move', { destinationFolder: rl(again) }), {
			items: [{ json: { id: items[3]!.json.id } }],
		});
		expect(moved[0]!.json).toMatchObject({
			id: items[3]!.json.id,
			parentFolderId: again,
			status: 'moved',
		});
	});

	it('Move to a well-known name; moving again with the output ids is done, not an error', async () => {
		const { ids } = seedMessages(env, 3);
		const first = await runOk(env, params('move', { destinationFolder: rl('archive') }), {
			items: idItems(ids),
		});
		const immutable = first.map((item) => item.json.id as string);
		const second = await runOk(env, params('move', { destinationFolder: rl('archive') }), {
			items: idItems(immutable),
		});
		expect(second.map((item) => item.json.status)).toEqual(['moved', 'moved', 'moved']);
		expect(second.map((item) => item.json.id)).toEqual(immutable);
	});

	it('a message that never existed is an item error naming its id; Continue On Fail carries on', async () => {
		const { ids } = seedMessages(env, 2);
		const destination = newFolder(env, 'Dest');
		const missing = 'AAMkAGNoSuchMessage=';
		const result = await run(env, params('move', { destinationFolder: rl(destination) }), {
			items: idItems([ids[0]!, missing, ids[1]!]),
			continueOnFail: true,
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0]!.json.status).toBe('moved');
		expect(result.items[1]!.json.error).toBe(`Message ${missing} was not found [item 1]`);
		expect(result.items[2]!.json.status).toBe('moved');
		expect(subjectsIn(env, destination)).toEqual(['Message 0', 'Message 1']);

		const stopped = await run(env, params('delete'), { items: idItems([missing]) });
		expect(stopped.error?.message).toBe(`Message ${missing} was not found [item 0]`);
	});

	it('a bad message id or destination is an item error before any request', async () => {
		const { ids } = seedMessages(env, 1);
		const result = await run(
			env,
			params('move', { destinationFolder: rl('={{ $json.folder ?? "" }}') }),
			{
				items: idItems(ids),
			},
		);
		expect(result.error?.message).toBe('No Destination Folder is set [item 0]');
		const dots = await run(env, params('delete'), { items: idItems(['..']) });
		expect(dots.error?.message).toMatch(/Message ID/);
		expect(requestsTo(env, 'batch')).toBe(0);
	});

	it('429 with Retry-After and 503 per sub-request are retried; every message moved once', async () => {
		const { ids } = seedMessages(env, 30);
		const destination = newFolder(env, 'Throttled');
		env.emulator.control.injectFault([
			{ route: 'moveMessage', kind: '429', retryAfter: '1', times: 3, inBatch: true },
			{ route: 'moveMessage', kind: '503', times: 2, inBatch: true },
		]);
		const items = await runOk(env, params('move', { destinationFolder: rl(destination) }), {
			items: idItems(ids),
		});
		expect(items.every((item) => item.json.status === 'moved')).toBe(true);
		expect(subjectsIn(env, destination)).toHaveLength(30);
		expect(env.emulator.control.counters().faultsServed).toMatchObject({ '429': 3, '503': 2 });
	});

	it('an answer lost after the move committed: the repeat finds it moved, reported done', async () => {
		const { ids } = seedMessages(env, 5);
		const destination = newFolder(env, 'Lost');
		env.emulator.control.injectFault([
			{ route: 'moveMessage', kind: 'lostResponse', times: 1, inBatch: true },
		]);
		const items = await runOk(env, params('move', { destinationFolder: rl(destination) }), {
			items: idItems(ids),
		});
		expect(env.emulator.control.counters().faultsServed).toMatchObject({ lostResponse: 1 });
		// The lost answer held the first chain (its first message). REST ids: the move changed it, so
		// the repeat no longer finds it: already moved, not an error and not moved twice.
		expect(items[0]!.json).toMatchObject({ status: 'alreadyMoved', previousId: ids[0] });
		expect(items.slice(1).map((item) => item.json.status)).toEqual(Array(4).fill('moved'));
		expect(requestsTo(env, 'moveMessage')).toBe(6);
		expect(subjectsIn(env, destination)).toHaveLength(5);
	});

	it('a connection reset (nothing ran) is sent again', async () => {
		const { ids } = seedMessages(env, 4);
		const destination = newFolder(env, 'Reset');
		env.emulator.control.injectFault([
			{ route: 'moveMessage', kind: 'reset', times: 1, inBatch: true },
		]);
		const items = await runOk(env, params('move', { destinationFolder: rl(destination) }), {
			items: idItems(ids),
		});
		expect(env.emulator.control.counters().faultsServed).toMatchObject({ reset: 1 });
		expect(items.map((item) => item.json.status)).toEqual(Array(4).fill('moved'));
		expect(subjectsIn(env, destination)).toHaveLength(4);
	});

	it("n8n's Retry of the execution: messages this work already moved are done; a new execution acts afresh", async () => {
		const { ids } = seedMessages(env, 4);
		const destination = newFolder(env, 'Retried');
		const staticData = {};
		const first = await run(env, params('move', { destinationFolder: rl(destination) }), {
			items: idItems(ids),
			staticData,
			mode: 'trigger',
		});
		expect(first.items.map((item) => item.json.status)).toEqual(Array(4).fill('moved'));
		const customData = first.run.data.resultData.metadata as Record<string, string>;
		// The Retry starts from the failed execution's data: same items (REST ids, which the move changed).
		const retry = await run(env, params('move', { destinationFolder: rl(destination) }), {
			items: idItems(ids),
			staticData,
			mode: 'retry',
			customData,
		});
		expect(retry.error).toBeUndefined();
		expect(retry.items.map((item) => item.json.status)).toEqual(Array(4).fill('alreadyMoved'));
		// A new execution with those ids: they are not found (this is other work).
		const fresh = await run(env, params('move', { destinationFolder: rl(destination) }), {
			items: idItems(ids.slice(0, 1)),
			staticData,
			continueOnFail: true,
		});
		expect(fresh.items[0]!.json.error).toBe(`Message ${ids[0]} was not found [item 0]`);
		expect(subjectsIn(env, destination)).toHaveLength(4);
	});

	it('Copy makes one copy per item; a lost answer finds the copy instead of copying twice', async () => {
		const { folder, ids } = seedMessages(env, 5);
		const destination = newFolder(env, 'Copies');
		env.emulator.control.injectFault([
			{ route: 'copyMessage', kind: 'lostResponse', times: 1, inBatch: true },
		]);
		const items = await runOk(env, params('copy', { destinationFolder: rl(destination) }), {
			items: idItems(ids),
		});
		expect(items.map((item) => item.json.status)).toEqual(Array(5).fill('copied'));
		expect(subjectsIn(env, folder)).toHaveLength(5);
		expect(subjectsIn(env, destination)).toEqual(subjectsIn(env, folder));
		expect(new Set(items.map((item) => item.json.id)).size).toBe(5);
		expect(items.every((item) => !ids.includes(item.json.id as string))).toBe(true);
	});

	it('Copy repeated by Retry On Fail does not copy twice', async () => {
		const { ids } = seedMessages(env, 3);
		const destination = newFolder(env, 'CopyRetry');
		const missing = 'AAMkAGGoneBeforeCopy=';
		const result = await run(env, params('copy', { destinationFolder: rl(destination) }), {
			items: idItems([...ids, missing]),
			retryOnFail: true,
			maxTries: 2,
		});
		expect(result.error?.message).toBe(`Message ${missing} was not found [item 3]`);
		expect(result.run.data.resultData.runData['Node Under Test']).toBeDefined();
		expect(subjectsIn(env, destination)).toHaveLength(3);
	});

	it('Delete to Deleted Items, then permanently; repeating either is done', async () => {
		const { folder, ids } = seedMessages(env, 3);
		const soft = await runOk(env, params('delete'), { items: idItems(ids) });
		expect(soft.map((item) => item.json.status)).toEqual(['deleted', 'deleted', 'deleted']);
		expect(soft[0]!.json).toMatchObject({ permanently: false });
		expect(subjectsIn(env, folder)).toEqual([]);
		const inDeleted = await graphMessage(env, soft[0]!.json.id as string);
		const deletedItems = env.emulator.control
			.mailbox(env.userId)
			.folders.find((f) => f.wellKnownName === 'deleteditems')!;
		expect(inDeleted?.parentFolderId).toBe(deletedItems.id);
		// Deleting again with the output (immutable) ids: still done.
		const immutable = soft.map((item) => item.json.id as string);
		const again = await runOk(env, params('delete'), { items: idItems(immutable) });
		expect(again.map((item) => item.json.status)).toEqual(['deleted', 'deleted', 'deleted']);
		// Permanently, with a lost answer: the repeat finds nothing, which is the delete done.
		env.emulator.control.injectFault([
			{ route: 'permanentDeleteMessage', kind: 'lostResponse', times: 1, inBatch: true },
		]);
		const gone = await runOk(env, params('delete', { deleteMode: 'permanent' }), {
			items: idItems(immutable),
		});
		expect(gone.map((item) => item.json.status)).toEqual(['alreadyDeleted', 'deleted', 'deleted']);
		expect(await graphMessage(env, immutable[0]!)).toBeUndefined();
		expect(requestsTo(env, 'permanentDeleteMessage')).toBe(4);
	});

	it('Delete permanently repeated by Retry On Fail reports the earlier deletes as done', async () => {
		const { ids } = seedMessages(env, 4);
		const missing = 'AAMkAGNeverThere=';
		const result = await run(env, params('delete', { deleteMode: 'permanent' }), {
			items: idItems([...ids, missing]),
			retryOnFail: true,
			maxTries: 2,
			continueOnFail: false,
		});
		// Try 2 sees the four gone: done (this work deleted them), only the missing one an error.
		expect(result.error?.message).toBe(`Message ${missing} was not found [item 4]`);
		const staticData = {};
		const first = await run(env, params('delete', { deleteMode: 'permanent' }), {
			items: idItems([missing]),
			continueOnFail: true,
			staticData,
		});
		expect(first.items[0]!.json.error).toBe(`Message ${missing} was not found [item 0]`);
	});
});

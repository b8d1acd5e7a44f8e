import {
	startTestEnvironment,
	useTestEnvironment,
	type TestEnvironment,
} from '../harness/environment';
import { InstantTrigger, until } from '../harness/instant';
import { deliver, newFolder, poller, requestsTo, rl, triggerParams } from '../trigger/support';
import { subjectsIn, freshCounters } from './support';

const unread = (env: TestEnvironment, folder: string) =>
	env.emulator.control
		.mailbox(env.userId)
		.folders.find((f) => f.id === folder)!
		.messages.filter((m) => !m.isRead)
		.map((m) => m.subject)
		.sort();

/** Graph Mail Trigger's After Emitting: leave, mark read, move; never before emission, nothing lost. */
describe('Trigger: After Emitting', () => {
	let env: TestEnvironment;
	useTestEnvironment((started) => (env = started), freshCounters);

	it('Leave the Mail (default) changes nothing', async () => {
		const folder = newFolder(env, 'Leave');
		const trigger = poller(env, triggerParams([folder]));
		await trigger.pollOk();
		for (let i = 0; i < 3; i++) deliver(env, folder, { subject: `Leave ${i}` });
		expect(await trigger.pollOk()).toHaveLength(3);
		await trigger.pollOk();
		expect(unread(env, folder)).toHaveLength(3);
		expect(requestsTo(env, 'batch')).toBe(0);
	});

	it('Mark as Read: nothing is marked before the items are emitted; the next poll marks them in bulk', async () => {
		const folder = newFolder(env, 'MarkRead');
		const trigger = poller(env, triggerParams([folder], { afterEmit: 'markRead' }));
		await trigger.pollOk();
		for (let i = 0; i < 25; i++)
			deliver(env, folder, { subject: `Mark ${String(i).padStart(2, '0')}` });
		const emitted = await trigger.pollOk();
		expect(emitted).toHaveLength(25);
		// Handed to n8n, not yet acted on: all still unread, and pending in the committed state.
		expect(unread(env, folder)).toHaveLength(25);
		expect(requestsTo(env, 'updateMessage')).toBe(0);
		expect(JSON.stringify(trigger.nodeStaticData.pending)).toContain(emitted[0]!.json.id as string);
		// The next poll (a restart in between: the state is all there is) marks them, through $batch.
		const next = trigger.restart();
		expect(await next.pollOk()).toHaveLength(0);
		expect(unread(env, folder)).toEqual([]);
		expect(requestsTo(env, 'updateMessage')).toBe(25);
		expect(requestsTo(env, 'batch')).toBeLessThanOrEqual(4);
		expect(next.nodeStaticData.pending).toBeUndefined();
	});

	it('Move to Folder: moved at the next poll, never emitted twice', async () => {
		const folder = newFolder(env, 'Watched');
		const filed = newFolder(env, 'Filed');
		const trigger = poller(
			env,
			triggerParams([folder], { afterEmit: 'move', afterEmitFolder: rl(filed) }),
		);
		await trigger.pollOk();
		for (let i = 0; i < 4; i++) deliver(env, folder, { subject: `Move ${i}` });
		expect(await trigger.pollOk()).toHaveLength(4);
		expect(subjectsIn(env, folder)).toHaveLength(4);
		expect(await trigger.pollOk()).toHaveLength(0);
		expect(subjectsIn(env, folder)).toEqual([]);
		expect(subjectsIn(env, filed)).toEqual(['Move 0', 'Move 1', 'Move 2', 'Move 3']);
		expect(await trigger.pollOk()).toHaveLength(0);
	});

	it('a failed action stays pending and is done at a later poll; the mail was emitted regardless', async () => {
		const folder = newFolder(env, 'Failing');
		const trigger = poller(env, triggerParams([folder], { afterEmit: 'markRead' }));
		await trigger.pollOk();
		deliver(env, folder, { subject: 'Keep trying' });
		expect(await trigger.pollOk()).toHaveLength(1);
		env.emulator.control.injectFault([
			{ route: 'updateMessage', kind: '503', times: 50, inBatch: true },
		]);
		// New mail in the failing poll is emitted all the same.
		deliver(env, folder, { subject: 'Meanwhile' });
		expect((await trigger.pollOk()).map((item) => item.json.subject)).toEqual(['Meanwhile']);
		expect(unread(env, folder)).toEqual(['Keep trying', 'Meanwhile']);
		env.emulator.control.clearFaults();
		await trigger.pollOk();
		expect(unread(env, folder)).toEqual([]);
	});

	it('a Move To that is a watched folder, or empty, is refused before anything is read', async () => {
		const folder = newFolder(env, 'Loop');
		const loop = await poller(
			env,
			triggerParams([folder], { afterEmit: 'move', afterEmitFolder: rl(folder) }),
		).poll();
		expect(loop.error?.message).toBe(
			`Move To is the watched folder "${folder}": moved mail would be emitted again`,
		);
		const empty = await poller(
			env,
			triggerParams([folder], { afterEmit: 'move', afterEmitFolder: rl('') }),
		).poll();
		expect(empty.error?.message).toBe(
			'After Emitting is Move to Folder, but no folder is set under Move To',
		);
		expect(requestsTo(env, 'delta')).toBe(0);
	});
});

describe('Instant Trigger: After Emitting', () => {
	let env: TestEnvironment;
	beforeAll(async () => {
		env = await startTestEnvironment();
	});
	afterAll(async () => await env?.stop());

	it('marks an emitted mail read right after emitting it (unread when emitted)', async () => {
		const trigger = new InstantTrigger(env, triggerParams(['inbox'], { afterEmit: 'markRead' }));
		await trigger.start();
		await trigger.activate();
		try {
			await until('the subscription', () => env.emulator.control.subscriptions().length === 1);
			await new Promise((resolve) => setTimeout(resolve, 1_000));
			deliver(env, 'inbox', { subject: 'Instant mark', from: { address: 'sender@contoso.com' } });
			await until(
				'the mail emitted',
				() => trigger.emitted.some((item) => item.json.subject === 'Instant mark'),
				5_000,
			);
			const emitted = trigger.emitted.find((item) => item.json.subject === 'Instant mark')!;
			// Emitted as it was: unread; then marked read by the round that follows the emit.
			expect(emitted.json.isRead).toBe(false);
			const inbox = () =>
				env.emulator.control.mailbox(env.userId).folders.find((f) => f.wellKnownName === 'inbox')!;
			await until(
				'the mail marked read',
				() => inbox().messages.find((m) => m.subject === 'Instant mark')?.isRead === true,
				5_000,
			);
			expect(trigger.emitted.filter((item) => item.json.subject === 'Instant mark')).toHaveLength(
				1,
			);
		} finally {
			await trigger.deactivate();
			await trigger.stop();
		}
		expect(trigger.errors).toEqual([]);
	});
});

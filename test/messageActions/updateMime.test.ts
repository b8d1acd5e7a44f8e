import { LoadOptionsContext } from 'n8n-core';
import { Workflow, type INode, type IWorkflowExecuteAdditionalData } from 'n8n-workflow';

import { GraphMail } from '../../nodes/GraphMail/GraphMail.node';
import {
	CREDENTIAL_ID,
	DEFAULT_SCOPES,
	startTestEnvironment,
	useTestEnvironment,
	type TestEnvironment,
} from '../harness/environment';
import {
	graphMessage,
	idItems,
	params,
	requestsTo,
	run,
	runOk,
	seedMessages,
	freshCounters,
} from './support';

/** Update (read status, flag, categories, importance) and Get MIME, in the real engine against the emulator. */
describe('Message Update and Get MIME', () => {
	let env: TestEnvironment;
	useTestEnvironment((started) => (env = started), freshCounters);

	it('marks 50 messages read in 3 $batch requests, and unread again', async () => {
		const { ids } = seedMessages(env, 50, { isRead: false });
		const items = await runOk(env, params('update', { updateFields: { readStatus: 'read' } }), {
			items: idItems(ids),
		});
		expect(items.every((item) => item.json.isRead === true && item.json.status === 'updated')).toBe(
			true,
		);
		expect(requestsTo(env, 'batch')).toBeLessThanOrEqual(4);
		expect(requestsTo(env, 'updateMessage')).toBe(50);
		expect((await graphMessage(env, ids[7]!))?.isRead).toBe(true);
		await runOk(env, params('update', { updateFields: { readStatus: 'unread' } }), {
			items: idItems(ids.slice(0, 1)),
		});
		expect((await graphMessage(env, ids[0]!))?.isRead).toBe(false);
	});

	it('flags with start and due as Graph wants them (dateTimeTimeZone), completes and clears', async () => {
		const { ids } = seedMessages(env, 1);
		const [flagged] = await runOk(
			env,
			params('update', {
				updateFields: {
					flagStatus: 'flagged',
					flagStart: '2026-12-24T09:00:00Z',
					flagDue: '2026-12-31T17:30:00+01:00',
				},
			}),
			{ items: idItems(ids) },
		);
		expect(flagged!.json.flag).toMatchObject({
			flagStatus: 'flagged',
			startDateTime: { dateTime: expect.stringMatching(/^2026-12-24T09:00:00/), timeZone: 'UTC' },
			dueDateTime: { dateTime: expect.stringMatching(/^2026-12-31T16:30:00/), timeZone: 'UTC' },
		});
		const [complete] = await runOk(
			env,
			params('update', { updateFields: { flagStatus: 'complete' } }),
			{ items: idItems(ids) },
		);
		expect((complete!.json.flag as { flagStatus: string }).flagStatus).toBe('complete');
		const [cleared] = await runOk(
			env,
			params('update', { updateFields: { flagStatus: 'notFlagged' } }),
			{ items: idItems(ids) },
		);
		expect((cleared!.json.flag as { flagStatus: string }).flagStatus).toBe('notFlagged');
	});

	it('a due date without a start, or nothing to update, is an item error before any request', async () => {
		const { ids } = seedMessages(env, 1);
		const due = await run(
			env,
			params('update', { updateFields: { flagDue: '2026-12-31T10:00:00Z' } }),
			{ items: idItems(ids) },
		);
		expect(due.error?.message).toBe('Flag Due: needs Flag Start too [item 0]');
		const nothing = await run(env, params('update', { updateFields: {} }), { items: idItems(ids) });
		expect(nothing.error?.message).toBe('Update Fields: nothing to update [item 0]');
		const badDate = await run(env, params('update', { updateFields: { flagStart: 'next week' } }), {
			items: idItems(ids),
		});
		expect(badDate.error?.message).toBe('Flag Start: "next week" is not a date [item 0]');
		expect(requestsTo(env, 'batch')).toBe(0);
	});

	it('categories: add and remove read the current ones (batched) first; replace sets them; importance', async () => {
		const { ids } = seedMessages(env, 25, { categories: ['Blue category'] });
		const added = await runOk(
			env,
			params('update', {
				updateFields: { categories: ['Red category', 'blue category'], categoriesMode: 'add' },
			}),
			{ items: idItems(ids) },
		);
		expect(added[0]!.json.categories).toEqual(['Blue category', 'Red category']);
		expect(requestsTo(env, 'getMessage')).toBe(25);
		expect(requestsTo(env, 'batch')).toBeLessThanOrEqual(8);
		const removed = await runOk(
			env,
			params('update', {
				updateFields: { categories: '=Blue category, Green category', categoriesMode: 'remove' },
			}),
			{ items: idItems(ids.slice(0, 2)) },
		);
		expect(removed.map((item) => item.json.categories)).toEqual([
			['Red category'],
			['Red category'],
		]);
		const [set] = await runOk(
			env,
			params('update', {
				updateFields: { categories: ['Green category'], categoriesMode: 'set', importance: 'high' },
			}),
			{ items: idItems(ids.slice(0, 1)) },
		);
		expect(set!.json).toMatchObject({ categories: ['Green category'], importance: 'high' });
	});

	it('a missing message is an item error naming it (Continue On Fail); 429s per sub-request are waited out', async () => {
		const { ids } = seedMessages(env, 3);
		const missing = 'AAMkAGMissingForUpdate=';
		env.emulator.control.injectFault([
			{ route: 'updateMessage', kind: '429', retryAfter: '1', times: 2, inBatch: true },
		]);
		const result = await run(env, params('update', { updateFields: { readStatus: 'read' } }), {
			items: idItems([ids[0]!, missing, ids[1]!, ids[2]!]),
			continueOnFail: true,
		});
		expect(result.items.map((item) => item.json.status ?? item.json.error)).toEqual([
			'updated',
			`Message ${missing} was not found [item 1]`,
			'updated',
			'updated',
		]);
		expect(env.emulator.control.counters().faultsServed).toMatchObject({ '429': 2 });
	});

	it("offers the mailbox's master categories in the editor (with the default MailboxSettings.Read; without it, says so)", async () => {
		const options = await listCategories(env);
		expect(options.map((option) => option.name)).toEqual(
			expect.arrayContaining(['Red category', 'Blue category']),
		);
		expect(requestsTo(env, 'masterCategories')).toBe(1);
		const withoutSettings = await startTestEnvironment({
			scopes: DEFAULT_SCOPES.filter((scope) => scope !== 'MailboxSettings.Read'),
		});
		try {
			await expect(listCategories(withoutSettings)).rejects.toThrow(
				"Graph refused to list the mailbox's categories",
			);
		} finally {
			await withoutSettings.stop();
		}
	});

	async function listCategories(env: TestEnvironment) {
		const node: INode = {
			id: 'n1',
			name: 'Graph Mail',
			type: 'n8n-nodes-graph-mail.graphMail',
			typeVersion: 1,
			position: [0, 0],
			parameters: { resource: 'message', operation: 'update', mailbox: 'me' },
			credentials: { graphMailOAuth2Api: { id: CREDENTIAL_ID, name: 'Graph Mail' } },
		};
		const workflow = new Workflow({
			id: 'categories-workflow',
			nodes: [node],
			connections: {},
			active: false,
			nodeTypes: env.engine.nodeTypes,
			settings: { executionOrder: 'v1' },
		});
		const additionalData = {
			...env.engine.additionalData(),
			currentNodeParameters: { authentication: 'delegated', ...node.parameters },
			userId: 'test-user',
		} as unknown as IWorkflowExecuteAdditionalData;
		const context = new LoadOptionsContext(
			workflow,
			node,
			additionalData,
			'parameters.updateFields.categories',
		);
		return await new GraphMail().methods.loadOptions.getMasterCategories.call(context);
	}

	it('Get MIME: the message as an .eml file in binary data, named after the subject', async () => {
		const { ids } = seedMessages(env, 1, {
			subject: 'Quarterly: report/final',
			body: { contentType: 'text', content: 'The figures are attached.' },
			attachments: [
				{ name: 'figures.csv', contentType: 'text/csv', bytes: Buffer.from('a,b\n1,2\n') },
			],
		});
		const [item] = await runOk(env, params('getMime', { binaryPropertyName: 'eml' }), {
			items: idItems(ids),
		});
		const binary = item!.binary!.eml!;
		expect(binary).toMatchObject({
			fileName: 'Quarterly report final.eml',
			mimeType: 'message/rfc822',
		});
		const mime = Buffer.from(binary.data, 'base64').toString('utf8');
		expect(mime).toMatch(/^Subject: Quarterly: report\/final$/m);
		expect(mime).toContain('The figures are attached.');
		expect(mime).toMatch(/filename="?figures\.csv/);
		expect(item!.json).toMatchObject({
			subject: 'Quarterly: report/final',
			fileName: 'Quarterly report final.eml',
		});
		expect(requestsTo(env, 'messageValue')).toBe(1);

		const missing = await run(env, params('getMime'), {
			items: idItems(['AAMkAGNoMime=']),
			continueOnFail: true,
		});
		expect(missing.items[0]!.json.error).toBe('Message AAMkAGNoMime= was not found [item 0]');
	});
});

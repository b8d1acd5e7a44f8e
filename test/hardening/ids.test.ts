import { startTestEnvironment, type TestEnvironment } from '../harness/environment';
import { deliver, getManyParams, newFolder, rl, run } from '../getMany/support';
import { poller, triggerParams } from '../trigger/support';

/** Ids that would leave their path segment (`..` makes `/me/messages/..` resolve to `/me/`) are refused before any request. */
describe('ids and mailboxes in URL paths', () => {
	let env: TestEnvironment;
	let folder: string;

	beforeAll(async () => {
		env = await startTestEnvironment();
		folder = newFolder(env, 'Segments');
		deliver(env, folder, { subject: 'Only here' });
	});
	afterAll(async () => await env?.stop());
	beforeEach(() => env.emulator.control.resetCounters());

	const graphRequests = () => env.emulator.control.counters().requests;

	const BAD = ['..', '.', '%2e%2e', '%2E.', '.%2e', '%252e%252e', '  ', ' .. '];

	it.each(BAD)('Get Many with folder ID %j: an item error, no request', async (id) => {
		const result = await run(env, getManyParams(id, { returnAll: true }), { continueOnFail: true });
		expect(graphRequests()).toBe(0);
		expect(result.items).toHaveLength(1);
		expect(result.items[0]!.json.error).toMatch(
			/^(Folder ID .*is not an ID|No folder is selected)/,
		);
		expect(result.items[0]!.pairedItem).toEqual({ item: 0 });
	});

	it.each(BAD.filter((id) => id.trim() !== ''))(
		'Get with message ID %j: an item error, no request',
		async (id) => {
			const result = await run(env, { resource: 'message', operation: 'get', messageId: id });
			expect(graphRequests()).toBe(0);
			expect(result.error?.message).toMatch(
				/^Message ID '.*' is not an ID: it would point at another resource/,
			);
		},
	);

	it.each(['..', '%2e%2e'])('a mailbox user %j is refused for Get Many and Send', async (user) => {
		const list = await run(env, getManyParams(folder, { mailbox: 'user', userId: user }));
		expect(list.error?.message).toMatch(/is not an ID/);
		const send = await run(env, {
			resource: 'message',
			operation: 'send',
			toRecipients: 'megan@contoso.com',
			subject: 'x',
			bodyContentType: 'text',
			bodyContent: 'x',
			options: { mailbox: user },
		});
		expect(send.error?.message).toMatch(/Mailbox/);
		expect(graphRequests()).toBe(0);
	});

	it('one bad item does not stop the others (Continue On Fail)', async () => {
		const result = await run(
			env,
			{ ...getManyParams(undefined), folder: 'other', folderId: rl('={{ $json.id }}') },
			{
				continueOnFail: true,
				items: [{ json: { id: '..' } }, { json: { id: folder } }],
			},
		);
		expect(result.items.map((item) => item.json.error ?? item.json.subject)).toEqual([
			expect.stringMatching(/^Folder ID '\.\.' is not an ID/),
			'Only here',
		]);
		expect(env.emulator.control.counters().requestsByRoute.listMessages).toBe(1);
	});

	it("the trigger refuses a folder ID '..' before any request", async () => {
		const result = await poller(env, triggerParams(['..'])).poll();
		expect(result.error?.message).toMatch(/^Folder ID '\.\.' is not an ID/);
		expect(graphRequests()).toBe(0);
	});

	it("an ID in OData's key form x('y') is refused: Graph would read two segments", async () => {
		const result = await run(env, { resource: 'message', operation: 'get', messageId: "x('y')" });
		expect(result.error?.message).toMatch(/IDs have no parentheses/);
		expect(graphRequests()).toBe(0);
	});
});

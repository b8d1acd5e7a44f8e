import type { FaultSpec, RouteName } from '../../emulator/contract';
import { startTestEnvironment, type TestEnvironment } from '../harness/environment';
import {
	deliver,
	getManyParams,
	newFolder,
	run,
	startForeignHost,
	type RecordingServer,
} from '../getMany/support';
import { poller, triggerParams } from '../trigger/support';

/**
 * A 3xx from the Graph host never takes the bearer token (or the mail) elsewhere: the emulator
 * answers a redirect to a second loopback server that records what reaches it.
 */
describe('redirects from the Graph host', () => {
	let env: TestEnvironment;
	let foreign: RecordingServer;
	let folder: string;
	let messageId: string;

	beforeAll(async () => {
		env = await startTestEnvironment();
		foreign = await startForeignHost();
		folder = newFolder(env, 'Redirected');
		messageId = deliver(env, folder, {
			subject: 'With a file',
			attachments: [{ name: 'invoice.txt', contentType: 'text/plain', bytes: Buffer.from('1001') }],
		});
	});
	afterAll(async () => {
		await foreign?.close();
		await env?.stop();
	});
	beforeEach(() => {
		env.emulator.control.clearFaults();
		env.emulator.control.resetCounters();
		foreign.requests.length = 0;
	});

	const redirect = (route: RouteName, status: number): FaultSpec => ({
		route,
		kind: 'redirect',
		status,
		location: `${foreign.url}/v1.0/stolen?from=${route}`,
		times: 1,
	});

	const cases: Array<[string, RouteName, () => Promise<{ error?: Error; items: unknown[] }>]> = [
		[
			'Get Connected Account',
			'me',
			async () => await run(env, { resource: 'account', operation: 'get' }),
		],
		['Get Many', 'listMessages', async () => await run(env, getManyParams(folder, { limit: 5 }))],
		[
			"an attachment's $value",
			'attachmentValue',
			async () =>
				await run(env, {
					resource: 'message',
					operation: 'get',
					messageId,
					options: { downloadAttachments: true },
				}),
		],
		[
			'sendMail',
			'sendMail',
			async () =>
				await run(env, {
					resource: 'message',
					operation: 'send',
					toRecipients: 'megan@contoso.com',
					subject: 'Redirected send',
					bodyContentType: 'text',
					bodyContent: 'The body must not travel',
					options: {},
				}),
		],
	];

	for (const status of [302, 307]) {
		it.each(cases)(
			`${status} on %s: not followed, a clear error naming where it pointed`,
			async (_label, route, act) => {
				env.emulator.control.injectFault(redirect(route, status));
				const result = await act();
				expect(env.emulator.control.counters().faultsServed.redirect).toBe(1);
				expect(foreign.requests).toEqual([]);
				expect(result.error?.message).toMatch(
					new RegExp(`answered ${status} with a redirect to ${foreign.url}/v1.0/stolen;`),
				);
				expect(result.error?.message).not.toMatch(/from=/);
			},
		);
	}

	it('a 307 on sendMail is not reported sent', async () => {
		env.emulator.control.injectFault(redirect('sendMail', 307));
		const result = await run(
			env,
			{
				resource: 'message',
				operation: 'send',
				toRecipients: 'megan@contoso.com',
				subject: 'Redirected send 2',
				bodyContentType: 'text',
				bodyContent: 'x',
				options: {},
			},
			{ continueOnFail: true },
		);
		expect(foreign.requests).toEqual([]);
		expect(result.items).toHaveLength(1);
		expect(result.items[0]!.json.status).not.toBe('sent');
		expect(result.items[0]!.json.error).toMatch(/redirect/);
	});

	it("the trigger's delta: not followed, the foreign host gets nothing", async () => {
		env.emulator.control.injectFault({ ...redirect('delta', 302), times: 5 });
		const result = await poller(env, triggerParams([folder])).poll();
		expect(foreign.requests).toEqual([]);
		expect(result.error?.message).toMatch(/redirect/);
	});
});

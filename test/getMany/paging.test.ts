import type { INodeParameters } from 'n8n-workflow';

import {
	connectCredential,
	startTestEnvironment,
	type TestEnvironment,
} from '../harness/environment';
import {
	deliver,
	getManyParams,
	newFolder,
	requestsTo,
	run,
	runOk,
	startForeignHost,
	startGraphProxy,
	type RecordingServer,
} from './support';

/** Paging at any size, the one-message and empty folders, and nextLinks to other hosts. */
describe('Get Many: paging', () => {
	let env: TestEnvironment;
	let bulk: string;
	let bulkIdsNewestFirst: string[];

	beforeAll(async () => {
		env = await startTestEnvironment();
		bulk = newFolder(env, 'Bulk');
		// one minute apart, the newest last in creation order
		bulkIdsNewestFirst = env.emulator.control
			.seedMessages(env.userId, bulk, 2500, {
				subject: 'Bulk',
				receivedDateTime: '2024-06-01T00:00:00Z',
			})
			.reverse();
	});
	afterAll(async () => await env?.stop());

	const countingLists = async (parameters: INodeParameters) => {
		const before = requestsTo(env, 'listMessages');
		const items = await runOk(env, getManyParams(bulk, parameters));
		return { items, requests: requestsTo(env, 'listMessages') - before };
	};

	it('Return All over 2,500 messages: pages of 1,000, three requests, every message once, in order', async () => {
		const { items, requests } = await countingLists({ returnAll: true });
		expect(requests).toBe(3);
		expect(items.map((i) => i.json.id)).toEqual(bulkIdsNewestFirst);
		expect(items.every((i) => (i.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it('a limit that ends mid-page on the third page returns exactly the limit', async () => {
		const { items, requests } = await countingLists({ limit: 2100 });
		expect(requests).toBe(3);
		expect(items.map((i) => i.json.id)).toEqual(bulkIdsNewestFirst.slice(0, 2100));
	});

	it('oldest first pages the same way, and a limit within one page costs one request', async () => {
		const oldest = await countingLists({ limit: 1500, options: { sort: 'oldest' } });
		expect(oldest.requests).toBe(2);
		expect(oldest.items.map((i) => i.json.id)).toEqual(
			[...bulkIdsNewestFirst].reverse().slice(0, 1500),
		);
		const small = await countingLists({ limit: 7 });
		expect(small.requests).toBe(1);
		expect(small.items).toHaveLength(7);
		const exact = await countingLists({ limit: 1000 });
		expect(exact.requests).toBe(1);
		expect(exact.items).toHaveLength(1000);
	});

	it('waits out 429 Retry-After while paging and still returns exactly the limit', async () => {
		env.emulator.control.injectFault({
			route: 'listMessages',
			kind: '429',
			retryAfter: '0.05',
			times: 2,
		});
		const { items, requests } = await countingLists({ limit: 1500 });
		expect(items.map((i) => i.json.id)).toEqual(bulkIdsNewestFirst.slice(0, 1500));
		expect(requests).toBe(4);
		expect(env.emulator.control.faults()).toEqual([]);
	});

	it('the default limit is 50', async () => {
		expect(await runOk(env, getManyParams(bulk))).toHaveLength(50);
	});

	it('a folder with exactly one message returns it (n8n issue 16383)', async () => {
		const one = newFolder(env, 'One');
		const id = deliver(env, one, { subject: 'Only one' });
		for (const extra of [{}, { returnAll: true }, { limit: 1 }]) {
			const items = await runOk(env, getManyParams(one, extra));
			expect(items.map((i) => i.json.id)).toEqual([id]);
		}
	});

	it('an empty folder returns no items and no error', async () => {
		const empty = newFolder(env, 'Empty');
		for (const extra of [{}, { returnAll: true }, { filters: { readStatus: 'unread' } }]) {
			const result = await run(env, getManyParams(empty, extra));
			expect(result.error).toBeUndefined();
			expect(result.items).toEqual([]);
		}
	});

	describe('a nextLink on another host', () => {
		let foreign: RecordingServer;
		let proxy: RecordingServer;

		beforeAll(async () => {
			foreign = await startForeignHost();
			proxy = await startGraphProxy(env.emulator.graphBaseUrl, { foreignOrigin: foreign.url });
			await connectCredential(env.engine, env.emulator, {
				userId: env.userId,
				credentialId: 'proxied-graph',
				extra: { customGraphUrl: proxy.url },
			});
		});
		afterAll(async () => {
			await proxy?.close();
			await foreign?.close();
		});

		it('is refused: the foreign host receives nothing, the token never leaves Graph', async () => {
			const result = await run(env, getManyParams(bulk, { returnAll: true }), {
				credentialId: 'proxied-graph',
			});
			expect(result.error?.message).toMatch(
				new RegExp(`Refused to follow a link to ${foreign.url}`),
			);
			expect(result.items).toEqual([]);
			expect(foreign.requests).toEqual([]);
			// the first page did go through the proxy (it is the credential's Graph host), with the token
			expect(proxy.requests).toHaveLength(1);
			expect(proxy.requests[0]!.authorization).toMatch(/^Bearer /);
		});

		it('with Continue On Fail it becomes an error item for that input item only', async () => {
			const result = await run(
				env,
				getManyParams(bulk, { returnAll: '={{ $json.all }}', limit: 3 }),
				{
					credentialId: 'proxied-graph',
					continueOnFail: true,
					items: [{ json: { all: false } }, { json: { all: true } }],
				},
			);
			expect(result.error).toBeUndefined();
			expect(result.items.map((i) => i.pairedItem)).toEqual([
				{ item: 0 },
				{ item: 0 },
				{ item: 0 },
				{ item: 1 },
			]);
			expect(result.items[3]!.json.error).toMatch(/Refused to follow a link/);
			expect(foreign.requests).toEqual([]);
		});
	});
});

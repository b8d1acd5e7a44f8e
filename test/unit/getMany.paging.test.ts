import type { GraphRequest } from '../../nodes/GraphMail/transport/graphClient';
import { collect, pages } from '../../nodes/GraphMail/transport/paging';

/** A fake Graph collection of `total` items served in pages of `$top` (or `serverPage` when the server pages smaller). */
function fakeClient(total: number, serverPage?: number) {
	const calls: GraphRequest[] = [];
	const client = {
		request: async <T>(request: GraphRequest) => {
			calls.push(request);
			let offset = 0;
			let top: number;
			if (request.path.startsWith('https://graph.test/')) {
				const url = new URL(request.path);
				offset = Number(url.searchParams.get('$skip'));
				top = Number(url.searchParams.get('$top'));
			} else {
				top = Number(request.qs?.$top ?? 10);
			}
			const size = Math.min(top, serverPage ?? top);
			const value = Array.from({ length: Math.max(0, Math.min(size, total - offset)) }, (_, i) => ({
				n: offset + i,
			}));
			const end = offset + value.length;
			const body = {
				value,
				...(end < total
					? { '@odata.nextLink': `https://graph.test/v1.0/me/messages?$top=${top}&$skip=${end}` }
					: {}),
			};
			return { status: 200, headers: {}, body: body as T };
		},
	};
	return { client, calls };
}

const request = { path: '/me/messages', qs: { $select: 'id' }, mailbox: 'me' };

describe('paging', () => {
	it('returns exactly the limit across pages, the last one cut mid-page', async () => {
		const { client, calls } = fakeClient(2500);
		const items = await collect<{ n: number }>(client, request, { limit: 2100 });
		expect(items).toHaveLength(2100);
		expect(items.at(-1)).toEqual({ n: 2099 });
		expect(calls).toHaveLength(3);
		expect(calls[0]!.qs).toEqual({ $select: 'id', $top: 1000 });
		// later pages: the nextLink verbatim, no query added
		expect(calls[1]).toMatchObject({
			path: 'https://graph.test/v1.0/me/messages?$top=1000&$skip=1000',
			qs: undefined,
		});
	});

	it('asks for no more than the limit on the first page', async () => {
		const { client, calls } = fakeClient(500);
		expect(await collect(client, request, { limit: 50 })).toHaveLength(50);
		expect(calls).toHaveLength(1);
		expect(calls[0]!.qs?.$top).toBe(50);
	});

	it('Return All follows every nextLink with pages of 1000', async () => {
		const { client, calls } = fakeClient(2500);
		expect(await collect(client, request)).toHaveLength(2500);
		expect(calls).toHaveLength(3);
	});

	it('keeps following when the server pages smaller than asked', async () => {
		const { client, calls } = fakeClient(95, 10);
		expect(await collect(client, request, { limit: 95 })).toHaveLength(95);
		expect(calls).toHaveLength(10);
	});

	it('handles one item, no items, and stops on a repeated nextLink', async () => {
		expect(await collect(fakeClient(1).client, request)).toEqual([{ n: 0 }]);
		expect(await collect(fakeClient(0).client, request)).toEqual([]);
		let calls = 0;
		const looping = {
			request: async <T>() => {
				calls++;
				return {
					status: 200,
					headers: {},
					body: { value: [{}], '@odata.nextLink': 'https://graph.test/v1.0/same' } as T,
				};
			},
		};
		expect(await collect(looping, request)).toHaveLength(2);
		expect(calls).toBe(2);
	});

	it('yields pages lazily and can skip $top', async () => {
		const { client, calls } = fakeClient(30);
		const seen: number[] = [];
		for await (const page of pages(client, request, { sendTop: false })) seen.push(page.length);
		expect(seen).toEqual([10, 10, 10]);
		expect(calls[0]!.qs).toEqual({ $select: 'id' });
	});
});

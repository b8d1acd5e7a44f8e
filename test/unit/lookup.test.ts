/**
 * message/send/lookup.ts: a filter's answer that runs over several pages is read to its end
 * through the shared pager (transport/paging.ts), with the immutable-id header on every page.
 */
import { findByInternetMessageId } from '../../nodes/GraphMail/actions/message/send/lookup';
import type { GraphClient, GraphRequest } from '../../nodes/GraphMail/transport/graphClient';

describe('Exactly Once look-up by internetMessageId', () => {
	it('follows the nextLinks of a filter answer to the last page', async () => {
		const requests: GraphRequest[] = [];
		const pagesByPath: Record<string, { value: object[]; '@odata.nextLink'?: string }> = {
			page2: {
				value: [{ id: 'm2', internetMessageId: '<b@x>', isDraft: false }],
				'@odata.nextLink': 'page3',
			},
			page3: { value: [{ id: 'm3', internetMessageId: '<a@x>', isDraft: false }] },
		};
		const client = {
			async request(request: GraphRequest) {
				requests.push(request);
				if (request.path.startsWith('/me/messages?'))
					return {
						status: 200,
						headers: {},
						body: {
							value: [{ id: 'm1', internetMessageId: '<a@x>', isDraft: true }],
							'@odata.nextLink': 'page2',
						},
					};
				return { status: 200, headers: {}, body: pagesByPath[request.path] };
			},
		} as unknown as GraphClient;

		const found = await findByInternetMessageId(client, 'me', ['<a@x>', '<b@x>']);

		expect(requests.map((r) => r.path.split('?')[0])).toEqual(['/me/messages', 'page2', 'page3']);
		expect(requests.every((r) => r.headers?.Prefer === 'IdType="ImmutableId"')).toBe(true);
		expect(found.get('<a@x>')?.map((m) => [m.id, m.isDraft])).toEqual([
			['m1', true],
			['m3', false],
		]);
		expect(found.get('<b@x>')?.map((m) => m.id)).toEqual(['m2']);
	});
});

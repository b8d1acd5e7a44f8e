/** Message delta: rounds by change sequence, paging, change types, late-visible mail, token invalidation. */
import { createMailService, DEMO_USERS } from '../../emulator/mail/index';
import { api, DirectClient, type TestResponse } from './support/mail-client';

const { megan: MEGAN } = DEMO_USERS;
const SCOPES = ['User.Read', 'Mail.ReadWrite', 'Mail.Send'];
const enc = encodeURIComponent;
const DELTA = '/me/mailFolders/inbox/messages/delta';

function setup() {
	let now = Date.parse('2024-06-10T12:00:00Z');
	const service = createMailService({ seed: 'demo', now: () => now });
	const client = new DirectClient(service, { userId: MEGAN.id, clientId: 'test', scopes: SCOPES });
	return { service, client, graph: api(client), advance: (ms: number) => (now += ms) };
}

type Setup = ReturnType<typeof setup>;

interface Round {
	pages: TestResponse[];
	items: Array<Record<string, unknown>>;
	deltaLink: string;
}

async function round(s: Setup, url: string, headers: Record<string, string> = {}): Promise<Round> {
	const pages: TestResponse[] = [];
	let next: string | undefined = url;
	let deltaLink = '';
	while (next) {
		const page = await s.graph.get(next, { headers });
		expect(page.status).toBe(200);
		pages.push(page);
		next = page.body['@odata.nextLink'];
		if (!next) deltaLink = page.body['@odata.deltaLink'];
	}
	return { pages, items: pages.flatMap((p) => p.body.value), deltaLink };
}

const idsOf = (r: Round) => r.items.map((m) => m.id as string);

describe('mail service: delta', () => {
	it('initial round pages with Prefer: odata.maxpagesize, then a deltaLink; an idle round is empty', async () => {
		const s = setup();
		const seeded = s.service.seedMessages(MEGAN.id, 'inbox', 7);
		const first = await round(s, DELTA, { Prefer: 'odata.maxpagesize=3' });
		expect(first.pages.map((p) => p.body.value.length)).toEqual([3, 3, 1]);
		expect(first.pages[0]!.headers['preference-applied']).toBe('odata.maxpagesize=3');
		expect(first.pages[0]!.body['@odata.nextLink']).toMatch(
			/^http:\/\/graph\.test\/v1\.0\/me\/mailFolders\/inbox\/messages\/delta\?\$skiptoken=[\w-]+$/,
		);
		expect(first.deltaLink).toMatch(
			/^http:\/\/graph\.test\/v1\.0\/me\/mailFolders\/inbox\/messages\/delta\?\$deltatoken=[\w-]+$/,
		);
		expect(new Set(idsOf(first))).toEqual(new Set(seeded));
		expect(first.items[0]).toHaveProperty('body');
		const idle = await round(s, first.deltaLink);
		expect(idle.items).toEqual([]);
		expect(idle.deltaLink).toBeTruthy();
	});

	it('a message delivered late with an old receivedDateTime still shows up in the next round', async () => {
		const s = setup();
		s.service.seedMessages(MEGAN.id, 'inbox', 3, { receivedDateTime: '2024-06-10T11:00:00Z' });
		const first = await round(
			s,
			`${DELTA}?$filter=${enc('receivedDateTime ge 2024-06-01T00:00:00Z')}`,
		);
		expect(first.items).toHaveLength(3);
		const late = s.service.deliver(MEGAN.id, 'inbox', {
			subject: 'visible late',
			receivedDateTime: '2024-06-08T09:00:00Z',
		});
		const tooOld = s.service.deliver(MEGAN.id, 'inbox', {
			subject: 'before the filter',
			receivedDateTime: '2024-05-01T09:00:00Z',
		});
		const second = await round(s, first.deltaLink);
		expect(idsOf(second)).toEqual([late]);
		expect(idsOf(second)).not.toContain(tooOld);
	});

	it('mail arriving while a round is paged waits for the next round (nothing lost, nothing repeated)', async () => {
		const s = setup();
		s.service.seedMessages(MEGAN.id, 'inbox', 6);
		const page1 = await s.graph.get(DELTA, { headers: { Prefer: 'odata.maxpagesize=2' } });
		const during = s.service.deliver(MEGAN.id, 'inbox', { subject: 'during the round' });
		const rest = await round(s, page1.body['@odata.nextLink'], { Prefer: 'odata.maxpagesize=2' });
		const firstIds = [...page1.body.value.map((m: { id: string }) => m.id), ...idsOf(rest)];
		expect(firstIds).toHaveLength(6);
		expect(firstIds).not.toContain(during);
		const next = await round(s, rest.deltaLink);
		expect(idsOf(next)).toEqual([during]);
	});

	it('default change types report updates and @removed; changeType=created reports only new mail', async () => {
		const s = setup();
		const [a = '', b = '', c = ''] = s.service.seedMessages(MEGAN.id, 'inbox', 3);
		const all = await round(s, DELTA);
		const created = await round(s, `${DELTA}?changeType=created`);
		await s.graph.patch(`/me/messages/${enc(a)}`, { isRead: true });
		await s.graph.delete(`/me/messages/${enc(b)}`);
		const moved = await s.graph.post(`/me/messages/${enc(c)}/move`, { destinationId: 'archive' });
		const backIn = await s.graph.post(`/me/messages/${enc(moved.body.id)}/move`, {
			destinationId: 'inbox',
		});
		const fresh = s.service.deliver(MEGAN.id, 'inbox', { subject: 'fresh' });

		const allNext = await round(s, all.deltaLink);
		const byId = new Map(allNext.items.map((m) => [m.id as string, m]));
		expect(byId.get(a)).toMatchObject({ isRead: true });
		expect(byId.get(b)).toEqual({
			'@odata.type': '#microsoft.graph.message',
			id: b,
			'@removed': { reason: 'deleted' },
		});
		expect(byId.get(c)).toMatchObject({ '@removed': { reason: 'deleted' } });
		expect(byId.has(backIn.body.id)).toBe(true);
		expect(byId.has(fresh)).toBe(true);

		const createdNext = await round(s, created.deltaLink);
		expect(idsOf(createdNext).sort()).toEqual([backIn.body.id, fresh].sort());
		expect(createdNext.items.some((m) => '@removed' in m)).toBe(false);
	});

	it('invalidateDeltaTokens(): old delta and skip tokens -> 410 SyncStateNotFound; a fresh round works', async () => {
		const s = setup();
		s.service.seedMessages(MEGAN.id, 'inbox', 4);
		const first = await round(s, DELTA);
		const midRound = (await s.graph.get(DELTA, { headers: { Prefer: 'odata.maxpagesize=1' } }))
			.body['@odata.nextLink'];
		s.service.invalidateDeltaTokens();
		for (const link of [first.deltaLink, midRound]) {
			const response = await s.graph.get(link);
			expect(response.status).toBe(410);
			expect(response.body.error.code).toBe('SyncStateNotFound');
		}
		expect((await s.graph.get(`${DELTA}?$deltatoken=garbage`)).status).toBe(410);
		const again = await round(s, DELTA);
		expect(again.items).toHaveLength(4);
		s.service.reset();
		expect((await s.graph.get(again.deltaLink)).status).toBe(410);
	});

	it('options: $select, $top as page size, $orderby=receivedDateTime desc; others refused', async () => {
		const s = setup();
		s.service.seedMessages(MEGAN.id, 'inbox', 5);
		const selected = await s.graph.get(
			`${DELTA}?$select=subject,receivedDateTime&$top=2&$orderby=receivedDateTime desc`,
		);
		expect(selected.status).toBe(200);
		expect(selected.body.value).toHaveLength(2);
		expect(Object.keys(selected.body.value[0])).toEqual([
			'@odata.etag',
			'id',
			'receivedDateTime',
			'subject',
		]);
		expect(selected.body.value[0].subject).toBe('Seeded message 5');
		// options live in the token: the next page keeps the $select
		const next = await s.graph.get(selected.body['@odata.nextLink']);
		expect(Object.keys(next.body.value[0])).toEqual([
			'@odata.etag',
			'id',
			'receivedDateTime',
			'subject',
		]);
		for (const bad of [
			`$filter=${enc('isRead eq false')}`,
			`$filter=${enc('receivedDateTime lt 2024-01-01')}`,
			`$filter=${enc('receivedDateTime ge 2024-01-01 and isRead eq false')}`,
			'$orderby=subject',
			`$search=${enc('"x"')}`,
			'changeType=sometimes',
		]) {
			expect((await s.graph.get(`${DELTA}?${bad}`)).status).toBe(400);
		}
		expect(
			(await s.graph.get(`${DELTA}?$filter=${enc('receivedDateTime gt 2024-01-01T00:00:00Z')}`))
				.status,
		).toBe(200);
	});

	it('a token only continues the folder it was issued for', async () => {
		const s = setup();
		const inbox = await round(s, DELTA);
		const token = new URL(inbox.deltaLink).searchParams.get('$deltatoken')!;
		const response = await s.graph.get(
			`/me/mailFolders/archive/messages/delta?$deltatoken=${token}`,
		);
		expect(response.status).toBe(400);
	});
});

/** Query options on message and folder lists: $top, $select, $filter, $orderby, $search, paging, Prefer. */
import { createMailService, DEMO_USERS, type EmulatorMailService } from '../../emulator/mail/index';
import { allPages, api, DirectClient } from './support/mail-client';

const MEGAN = DEMO_USERS.megan;
const SCOPES = ['User.Read', 'Mail.ReadWrite', 'Mail.Send'];
const enc = encodeURIComponent;

function setup() {
	let now = Date.parse('2024-03-01T12:00:00Z');
	const service = createMailService({ seed: 'demo', now: () => now });
	const client = new DirectClient(service, { userId: MEGAN.id, clientId: 'test', scopes: SCOPES });
	return { service, client, graph: api(client), tick: (ms: number) => (now += ms) };
}

type Setup = ReturnType<typeof setup>;

type KnownMessage = 'report' | 'quote' | 'reply' | 'injection' | 'february';

/** Known messages in Megan's (empty) Inbox. */
function seedKnown(service: EmulatorMailService): Record<KnownMessage, string> {
	const d = (day: number, hour = 9) =>
		`2024-01-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00Z`;
	const ids = {} as Record<KnownMessage, string>;
	ids.report = service.deliver(MEGAN.id, 'inbox', {
		subject: 'Quarterly report draft',
		body: {
			contentType: 'html',
			content: '<p>Numbers for the <b>quarterly report</b> &amp; more</p>',
		},
		from: { name: 'Adele Vance', address: DEMO_USERS.adele.userPrincipalName },
		receivedDateTime: d(3),
		sentDateTime: d(3, 8),
		isRead: false,
		importance: 'high',
		categories: ['Red category'],
		attachments: [{ name: 'report.pdf', bytes: Buffer.from('%PDF-1.4 report') }],
	});
	ids.quote = service.deliver(MEGAN.id, 'inbox', {
		subject: "It's done",
		body: { contentType: 'text', content: 'Pizza party on Friday!' },
		from: { name: 'Alex Wilber', address: DEMO_USERS.alex.userPrincipalName },
		receivedDateTime: d(5),
		sentDateTime: d(5, 8),
		isRead: true,
	});
	ids.reply = service.deliver(MEGAN.id, 'inbox', {
		subject: 'Re: lunch',
		body: { contentType: 'text', content: 'See you at noon.' },
		from: { name: 'Patti Fernandez', address: 'pattif@fabrikam.com' },
		receivedDateTime: d(7),
		sentDateTime: d(2, 8),
		isRead: false,
		attachments: [
			{
				name: 'logo.png',
				bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47]),
				isInline: true,
				contentId: 'logo',
			},
		],
	});
	ids.injection = service.deliver(MEGAN.id, 'inbox', {
		subject: "x' or subject ne 'y",
		body: { contentType: 'text', content: 'tricky subject' },
		from: { address: 'mallory@evil.example' },
		receivedDateTime: d(9),
		isRead: true,
	});
	ids.february = service.deliver(MEGAN.id, 'inbox', {
		subject: 'February newsletter',
		body: { contentType: 'html', content: '<div>Monthly pizza recipes</div>' },
		from: { name: 'Contoso News', address: 'news@contoso.com' },
		receivedDateTime: '2024-02-02T10:00:00Z',
		isRead: false,
		importance: 'low',
		categories: ['Blue category', 'Red category'],
	});
	return ids;
}

const subjects = (response: { body: { value: Array<{ subject: string }> } }) =>
	response.body.value.map((m) => m.subject);

describe('mail service: query options', () => {
	let s: Setup;
	let ids: Record<KnownMessage, string>;

	beforeEach(() => {
		s = setup();
		ids = seedKnown(s.service);
	});

	describe('$top and $select', () => {
		it('default page is 10; $top 1..1000; anything else is 400 BadRequest', async () => {
			s.service.seedMessages(MEGAN.id, 'inbox', 20);
			const page = await s.graph.get('/me/messages');
			expect(page.body.value).toHaveLength(10);
			expect((await s.graph.get('/me/messages?$top=1000')).body.value).toHaveLength(25);
			expect((await s.graph.get('/me/messages?$top=1')).body.value).toHaveLength(1);
			for (const bad of ['0', '1001', 'abc', '-1', '2.5']) {
				const response = await s.graph.get(`/me/messages?$top=${bad}`);
				expect(response.status).toBe(400);
				expect(response.body.error.code).toBe('BadRequest');
			}
		});

		it('$select returns only those properties (plus @odata.etag and id); names are case-insensitive', async () => {
			const response = await s.graph.get('/me/messages?$select=SUBJECT,from');
			expect(response.status).toBe(200);
			expect(response.body['@odata.context']).toMatch(/\/messages\(subject,from\)$/);
			for (const item of response.body.value)
				expect(Object.keys(item)).toEqual(['@odata.etag', 'id', 'subject', 'from']);
			const unknown = await s.graph.get('/me/messages?$select=subject,nope');
			expect(unknown.status).toBe(400);
			expect(unknown.body.error.code).toBe('RequestBroker--ParseUri');
		});

		it('uniqueBody and internetMessageHeaders only appear when selected', async () => {
			const full = await s.graph.get(`/me/messages/${enc(ids.report)}`);
			expect(full.body).not.toHaveProperty('uniqueBody');
			expect(full.body).not.toHaveProperty('internetMessageHeaders');
			const selected = await s.graph.get(
				`/me/messages/${enc(ids.report)}?$select=uniqueBody,internetMessageHeaders`,
			);
			expect(selected.body).toHaveProperty('uniqueBody');
			expect(selected.body.internetMessageHeaders).toEqual([]);
		});

		it('$count=true adds @odata.count; $expand=attachments inlines them', async () => {
			const counted = await s.graph.get(
				`/me/messages?$count=true&$top=2&$filter=${enc('isRead eq false')}`,
			);
			expect(counted.body['@odata.count']).toBe(3);
			expect(counted.body.value).toHaveLength(2);
			const expanded = await s.graph.get(`/me/messages/${enc(ids.report)}?$expand=attachments`);
			expect(expanded.body.attachments).toEqual([
				expect.objectContaining({ name: 'report.pdf', contentType: 'application/pdf' }),
			]);
			expect((await s.graph.get('/me/messages?$expand=nope')).status).toBe(400);
		});

		it('default order is receivedDateTime desc', async () => {
			const response = await s.graph.get('/me/mailFolders/inbox/messages?$select=receivedDateTime');
			const dates = response.body.value.map(
				(m: { receivedDateTime: string }) => m.receivedDateTime,
			);
			expect(dates).toEqual([...dates].sort().reverse());
		});
	});

	describe('$filter', () => {
		const filter = (expr: string) => s.graph.get(`/me/messages?$top=50&$filter=${enc(expr)}`);

		it.each([
			[
				'receivedDateTime ge 2024-01-05',
				['February newsletter', "x' or subject ne 'y", 'Re: lunch', "It's done"],
			],
			[
				'ReceivedDateTime ge 2024-01-01 and receivedDateTime lt 2024-02-01',
				["x' or subject ne 'y", 'Re: lunch', "It's done", 'Quarterly report draft'],
			],
			[
				'receivedDateTime gt 2024-01-05T09:00:00Z and receivedDateTime le 2024-01-09T09:00:00Z',
				["x' or subject ne 'y", 'Re: lunch'],
			],
			['sentDateTime lt 2024-01-03T00:00:00Z', ['Re: lunch']],
			['isRead eq false', ['February newsletter', 'Re: lunch', 'Quarterly report draft']],
			['hasAttachments eq true', ['Quarterly report draft']],
			["importance eq 'high'", ['Quarterly report draft']],
			["from/emailAddress/address eq 'ALEXW@contoso.onmicrosoft.com'", ["It's done"]],
			["subject eq 'It''s done'", ["It's done"]],
			["contains(subject,'REPORT')", ['Quarterly report draft']],
			["startswith(subject,'Re:')", ['Re: lunch']],
			["categories/any(c:c eq 'Red category')", ['February newsletter', 'Quarterly report draft']],
			[
				"categories/all(c:startswith(c,'Red'))",
				["x' or subject ne 'y", 'Re: lunch', "It's done", 'Quarterly report draft'],
			],
			['not (isRead eq true)', ['February newsletter', 'Re: lunch', 'Quarterly report draft']],
			[
				"isRead eq true or importance eq 'high' and hasAttachments eq true",
				["x' or subject ne 'y", "It's done", 'Quarterly report draft'],
			],
			[
				"(isRead eq true or importance eq 'high') and hasAttachments eq true",
				['Quarterly report draft'],
			],
			["subject eq 'x'' or subject ne ''y'", ["x' or subject ne 'y"]],
			["subject eq 'nothing'' or ''1'' eq ''1'", []],
		])('%s', async (expr, expected) => {
			const response = await filter(expr);
			expect(response.status).toBe(200);
			expect(subjects(response)).toEqual(expected);
		});

		it.each([
			["subject eq 'unterminated", 'BadRequest'],
			['isRead eq true)', 'BadRequest'],
			['isRead eq', 'BadRequest'],
			['subject eq "double"', 'BadRequest'],
			['', 'BadRequest'],
			["toRecipients/any(r:r/emailAddress/address eq 'a@b.c')", 'ErrorInvalidUrlQueryFilter'],
			['subject eq 1', 'ErrorInvalidUrlQueryFilter'],
			["receivedDateTime ge '2024-01-01'", 'ErrorInvalidUrlQueryFilter'],
			['1 eq 1', 'ErrorInvalidUrlQueryFilter'],
			["nosuchproperty eq 'x'", 'ErrorInvalidUrlQueryFilter'],
			["substringof('a',subject)", 'ErrorInvalidUrlQueryFilter'],
			['isRead gt true', 'ErrorInvalidUrlQueryFilter'],
		])('refused: %s -> %s', async (expr, code) => {
			const response = await filter(expr);
			expect(response.status).toBe(400);
			expect(response.body.error.code).toBe(code);
			if (code === 'BadRequest')
				expect(response.body.error.message).toMatch(/^Invalid filter clause/);
		});
	});

	describe('$orderby', () => {
		it('subject asc, receivedDateTime asc', async () => {
			const bySubject = await s.graph.get(
				'/me/mailFolders/inbox/messages?$orderby=subject asc&$select=subject',
			);
			expect(subjects(bySubject)).toEqual([
				'February newsletter',
				"It's done",
				'Quarterly report draft',
				'Re: lunch',
				"x' or subject ne 'y",
			]);
			const oldest = await s.graph.get(
				'/me/mailFolders/inbox/messages?$orderby=receivedDateTime&$top=1',
			);
			expect(subjects(oldest)).toEqual(['Quarterly report draft']);
			const sent = await s.graph.get(
				'/me/mailFolders/inbox/messages?$orderby=sentDateTime desc&$top=2',
			);
			expect(subjects(sent)).toEqual(['February newsletter', "x' or subject ne 'y"]);
		});

		it('with $filter: ordered properties must lead the filter, in order (else 400 InefficientFilter)', async () => {
			const ok = await s.graph.get(
				`/me/messages?$filter=${enc('receivedDateTime ge 2024-01-01T00:00:00Z and isRead eq false')}&$orderby=receivedDateTime desc`,
			);
			expect(ok.status).toBe(200);
			expect(subjects(ok)).toEqual(['February newsletter', 'Re: lunch', 'Quarterly report draft']);
			const twoOk = await s.graph.get(
				`/me/messages?$filter=${enc("receivedDateTime ge 2024-01-01 and subject ne 'a'")}&$orderby=receivedDateTime desc,subject`,
			);
			expect(twoOk.status).toBe(200);
			for (const [f, o] of [
				['isRead eq false', 'receivedDateTime desc'],
				['isRead eq false and receivedDateTime ge 2024-01-01', 'receivedDateTime desc'],
				["receivedDateTime ge 2024-01-01 and subject ne 'a'", 'subject,receivedDateTime'],
			] as Array<[string, string]>) {
				const response = await s.graph.get(`/me/messages?$filter=${enc(f)}&$orderby=${enc(o)}`);
				expect(response.status).toBe(400);
				expect(response.body.error).toEqual({
					code: 'InefficientFilter',
					message: 'The restriction or sort order is too complex for this operation.',
				});
			}
		});

		it('an unknown $orderby property is refused', async () => {
			const response = await s.graph.get('/me/messages?$orderby=importance');
			expect(response.status).toBe(400);
		});
	});

	describe('$search', () => {
		const search = (value: string, extra = '') =>
			s.graph.get(`/me/messages?$top=50&$search=${enc(value)}${extra}`);

		it.each([
			['"pizza"', ['February newsletter', "It's done"]],
			['"PIZZA party"', ["It's done"]],
			['"from:alex"', ["It's done"]],
			['"from:pattif@fabrikam.com"', ['Re: lunch']],
			['"subject:\\"report quarterly\\""', []],
			['"subject:\\"report draft\\""', ['Quarterly report draft']],
			['"body:\\"quarterly report\\""', ['Quarterly report draft']],
			['"hasAttachments:true"', ['Quarterly report draft']],
			['"pizza OR noon"', ['February newsletter', "It's done", 'Re: lunch']],
			['"pizza AND friday"', ["It's done"]],
			['"pizza NOT friday"', ['February newsletter']],
			['"received>=2024-01-07"', ['February newsletter', "x' or subject ne 'y", 'Re: lunch']],
			['"received:2024-01-05"', ["It's done"]],
			[
				'"to:megan"',
				[
					'February newsletter',
					"x' or subject ne 'y",
					"It's done",
					'Quarterly report draft',
					'Re: lunch',
				],
			],
			['"izza"', []],
		])('%s', async (value, expected) => {
			const response = await search(value);
			expect(response.status).toBe(200);
			expect(subjects(response)).toEqual(expected);
		});

		it('results are sorted by sentDateTime desc', async () => {
			const response = await search('"to:megan"');
			const sent = response.body.value.map((m: { sentDateTime: string }) => m.sentDateTime);
			expect(sent).toEqual([...sent].sort().reverse());
		});

		it('the value must be quoted; $orderby and $filter cannot be combined with it', async () => {
			const unquoted = await search('pizza');
			expect(unquoted.status).toBe(400);
			expect(unquoted.body.error.code).toBe('BadRequest');
			expect((await search('"unterminated \\"phrase"')).status).toBe(400);
			const ordered = await search('"pizza"', '&$orderby=subject');
			expect(ordered.status).toBe(400);
			expect(ordered.body.error).toEqual({
				code: 'SearchWithOrderBy',
				message: "The query parameter '$orderBy' is not supported with '$search'.",
			});
			const filtered = await search('"pizza"', `&$filter=${enc('isRead eq true')}`);
			expect(filtered.status).toBe(400);
			expect(filtered.body.error.code).toBe('ErrorInvalidUrlQuery');
		});

		it('returns at most 1000 results in total, across pages', async () => {
			s.service.seedMessages(MEGAN.id, 'inbox', 1200, { subject: 'bulk item' });
			const pages = await allPages(
				s.client,
				`/me/messages?$top=400&$select=subject&$search=${enc('"bulk"')}`,
			);
			expect(pages.map((p) => p.body.value.length)).toEqual([400, 400, 200]);
			expect(pages[2]!.body['@odata.nextLink']).toBeUndefined();
			const ids = pages.flatMap((p) => p.body.value.map((m: { id: string }) => m.id));
			expect(new Set(ids).size).toBe(1000);
		});
	});

	describe('paging', () => {
		it('2,500 messages at $top=1000: pages of 1000, 1000, 500, no repeats, in order', async () => {
			s.service.seedMessages(MEGAN.id, 'archive', 2500);
			const pages = await allPages(
				s.client,
				'/me/mailFolders/archive/messages?$top=1000&$select=receivedDateTime',
			);
			expect(pages.map((p) => p.body.value.length)).toEqual([1000, 1000, 500]);
			const all = pages.flatMap((p) => p.body.value);
			expect(new Set(all.map((m: { id: string }) => m.id)).size).toBe(2500);
			const dates = all.map((m: { receivedDateTime: string }) => m.receivedDateTime);
			expect(dates).toEqual([...dates].sort().reverse());
		});

		it('paging over a changing folder neither skips nor repeats what existed at the first page', async () => {
			const original = s.service.seedMessages(MEGAN.id, 'junkemail', 35, {
				receivedDateTime: '2024-02-20T12:00:00Z',
			});
			const url = '/me/mailFolders/junkemail/messages?$top=10&$select=subject,receivedDateTime';
			const first = await s.graph.get(url);
			const seen: string[] = first.body.value.map((m: { id: string }) => m.id);
			// between pages: new mail (newest, and one dated in the middle of the unseen range), a deletion, a read flag
			s.service.deliver(MEGAN.id, 'junkemail', {
				subject: 'arrived late, newest',
				receivedDateTime: '2024-02-21T00:00:00Z',
			});
			s.service.deliver(MEGAN.id, 'junkemail', {
				subject: 'arrived late, old date',
				receivedDateTime: '2024-02-19T20:00:00Z',
			});
			const deletedUnseen = original[5]!;
			expect((await s.graph.delete(`/me/messages/${enc(deletedUnseen)}`)).status).toBe(204);
			await s.graph.patch(`/me/messages/${enc(original[30]!)}`, { isRead: true });
			let next: string | undefined = first.body['@odata.nextLink'];
			let pages = 1;
			while (next) {
				const page = await s.graph.get(next);
				expect(page.status).toBe(200);
				seen.push(...page.body.value.map((m: { id: string }) => m.id));
				next = page.body['@odata.nextLink'];
				pages++;
			}
			expect(pages).toBeGreaterThanOrEqual(4);
			expect(new Set(seen).size).toBe(seen.length);
			const expected = original.filter((id) => id !== deletedUnseen);
			for (const id of expected) expect(seen).toContain(id);
			expect(seen).not.toContain(deletedUnseen);
		});

		it('the $skiptoken is opaque: tampered or reused with other options -> 400', async () => {
			s.service.seedMessages(MEGAN.id, 'inbox', 30);
			const first = await s.graph.get('/me/messages?$top=5');
			const next: string = first.body['@odata.nextLink'];
			const token = new URL(next).searchParams.get('$skiptoken')!;
			expect(token).not.toMatch(/^\d+$/);
			expect(Buffer.from(token, 'base64url').toString('latin1')).not.toContain('receivedAt');
			const tampered = next.replace(
				/\$skiptoken=(.)/,
				(_m, c: string) => `$skiptoken=${c === 'A' ? 'B' : 'A'}`,
			);
			expect((await s.graph.get(tampered)).status).toBe(400);
			const otherQuery = await s.graph.get(`/me/messages?$top=6&$skiptoken=${token}`);
			expect(otherQuery.status).toBe(400);
			expect(otherQuery.body.error.code).toBe('ErrorInvalidUrlQuery');
		});

		it('$skip is accepted on a first request (an offset); the nextLink then carries a $skiptoken', async () => {
			const response = await s.graph.get(
				'/me/mailFolders/inbox/messages?$skip=2&$top=2&$select=subject',
			);
			expect(subjects(response)).toEqual(['Re: lunch', "It's done"]);
			expect(response.body['@odata.nextLink']).toMatch(/\$skiptoken=/);
			expect(response.body['@odata.nextLink']).not.toMatch(/\$skip=/);
			const rest = await s.graph.get(response.body['@odata.nextLink']);
			expect(subjects(rest)).toEqual(['Quarterly report draft']);
		});

		it('Prefer: odata.maxpagesize sets the page size when $top is absent', async () => {
			const response = await s.graph.get('/me/messages', {
				headers: { Prefer: 'odata.maxpagesize=2' },
			});
			expect(response.body.value).toHaveLength(2);
			expect(response.headers['preference-applied']).toBe('odata.maxpagesize=2');
		});
	});

	describe('Prefer: outlook.body-content-type', () => {
		it('html -> text strips tags and entities; text -> html wraps and escapes; Preference-Applied only when asked', async () => {
			const asText = await s.graph.get(`/me/messages/${enc(ids.report)}?$select=body`, {
				headers: { Prefer: 'outlook.body-content-type="text"' },
			});
			expect(asText.headers['preference-applied']).toBe('outlook.body-content-type="text"');
			expect(asText.body.body).toEqual({
				contentType: 'text',
				content: 'Numbers for the quarterly report & more',
			});
			const asHtml = await s.graph.get(`/me/messages/${enc(ids.quote)}?$select=body`);
			expect(asHtml.headers['preference-applied']).toBeUndefined();
			expect(asHtml.body.body.contentType).toBe('html');
			expect(asHtml.body.body.content).toContain('Pizza party on Friday!');
			const explicitHtml = await s.graph.get(`/me/messages/${enc(ids.quote)}?$select=body`, {
				headers: { Prefer: 'odata.maxpagesize=5, outlook.body-content-type="html"' },
			});
			expect(explicitHtml.headers['preference-applied']).toBe('outlook.body-content-type="html"');
			const list = await s.graph.get('/me/messages?$select=body&$top=50', {
				headers: { Prefer: 'outlook.body-content-type="text"' },
			});
			for (const m of list.body.value) expect(m.body.contentType).toBe('text');
		});

		it('bodyPreview is the first 255 characters of the text', async () => {
			s.service.deliver(MEGAN.id, 'inbox', {
				subject: 'long',
				body: { contentType: 'html', content: `<p>${'a'.repeat(300)}</p>` },
			});
			const response = await s.graph.get(
				`/me/messages?$filter=${enc("subject eq 'long'")}&$select=bodyPreview`,
			);
			expect(response.body.value[0].bodyPreview).toBe('a'.repeat(255));
		});
	});

	describe('folders', () => {
		it('well-known names resolve case-insensitively; an unknown folder is 404 ErrorItemNotFound', async () => {
			for (const name of ['inbox', 'Inbox', 'INBOX']) {
				expect((await s.graph.get(`/me/mailFolders/${name}/messages`)).body.value).toHaveLength(5);
			}
			const inbox = await s.graph.get('/me/mailFolders/Inbox');
			expect(inbox.body).toMatchObject({
				displayName: 'Inbox',
				totalItemCount: 5,
				unreadItemCount: 3,
				childFolderCount: 0,
				isHidden: false,
			});
			for (const name of [
				'SentItems',
				'drafts',
				'DeletedItems',
				'junkemail',
				'archive',
				'outbox',
				'msgfolderroot',
				'recoverableitemsdeletions',
			]) {
				expect((await s.graph.get(`/me/mailFolders/${name}`)).status).toBe(200);
			}
			const missing = await s.graph.get('/me/mailFolders/nosuchfolder/messages');
			expect(missing.status).toBe(404);
			expect(missing.body.error.code).toBe('ErrorItemNotFound');
		});

		it('lists top-level folders alphabetically with paging; childFolders; $filter on displayName; hidden ones on request', async () => {
			const all = await s.graph.get('/me/mailFolders');
			expect(all.body.value.map((f: { displayName: string }) => f.displayName)).toEqual([
				'Archive',
				'Conversation History',
				'Deleted Items',
				'Drafts',
				'Inbox',
				'Junk Email',
				'Outbox',
				'Sent Items',
				'Sync Issues',
			]);
			const paged = await allPages(s.client, '/me/mailFolders?$top=4');
			expect(paged.map((p) => p.body.value.length)).toEqual([4, 4, 1]);
			const filtered = await s.graph.get(
				`/me/mailFolders?$filter=${enc("displayName eq 'inbox'")}`,
			);
			expect(filtered.body.value.map((f: { displayName: string }) => f.displayName)).toEqual([
				'Inbox',
			]);
			const sync = await s.graph.get('/me/mailFolders/syncissues/childFolders');
			expect(sync.body.value.map((f: { displayName: string }) => f.displayName)).toEqual([
				'Conflicts',
				'Local Failures',
				'Server Failures',
			]);
			const hidden = await s.graph.get('/me/mailFolders?includeHiddenFolders=true&$top=20');
			expect(hidden.body.value.map((f: { displayName: string }) => f.displayName)).toContain(
				'Clutter',
			);
		});

		it('creates folders and child folders (201); a duplicate name is 409 ErrorFolderExists', async () => {
			const created = await s.graph.post('/me/mailFolders', { displayName: 'Projects' });
			expect(created.status).toBe(201);
			expect(created.body).toMatchObject({
				displayName: 'Projects',
				childFolderCount: 0,
				totalItemCount: 0,
				isHidden: false,
			});
			const child = await s.graph.post(`/me/mailFolders/${enc(created.body.id)}/childFolders`, {
				displayName: 'Alpha',
			});
			expect(child.status).toBe(201);
			expect(child.body.parentFolderId).toBe(created.body.id);
			const dup = await s.graph.post('/me/mailFolders', { displayName: 'projects' });
			expect(dup.status).toBe(409);
			expect(dup.body.error.code).toBe('ErrorFolderExists');
			expect(
				(await s.graph.get(`/me/mailFolders/${enc(created.body.id)}`)).body.childFolderCount,
			).toBe(1);
			const nested = await s.graph.get(
				`/me/mailFolders/${enc(created.body.id)}/childFolders/${enc(child.body.id)}/messages`,
			);
			expect(nested.status).toBe(200);
			const wrongParent = await s.graph.get(
				`/me/mailFolders/inbox/childFolders/${enc(child.body.id)}`,
			);
			expect(wrongParent.status).toBe(404);
			const viaControl = s.service.createFolder(MEGAN.id, 'Beta', created.body.id);
			expect((await s.graph.get(`/me/mailFolders/${enc(viaControl.id)}`)).body.parentFolderId).toBe(
				created.body.id,
			);
		});

		it('/messages covers the whole mailbox; mailFolders/{id}/messages only that folder', async () => {
			s.service.seedMessages(MEGAN.id, 'archive', 3);
			expect((await s.graph.get('/me/messages?$top=100')).body.value).toHaveLength(8);
			expect((await s.graph.get('/me/mailFolders/archive/messages')).body.value).toHaveLength(3);
			const inArchive = (await s.graph.get('/me/mailFolders/archive/messages')).body.value[0].id;
			expect((await s.graph.get(`/me/mailFolders/inbox/messages/${enc(inArchive)}`)).status).toBe(
				404,
			);
			expect((await s.graph.get(`/me/mailFolders/archive/messages/${enc(inArchive)}`)).status).toBe(
				200,
			);
		});
	});
});

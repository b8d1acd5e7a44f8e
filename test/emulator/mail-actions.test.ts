/**
 * Message actions (issue 15) over real HTTP: reply, replyAll, forward and their drafts, move, copy,
 * DELETE, permanentDelete, PATCH flag / isRead / categories / importance, master categories, and the
 * same routes through $batch and delta.
 */
import { startEmulator, type Emulator } from '../../emulator/server';
import { DEMO_USERS } from '../../emulator/mail/index';
import { api, HttpClient } from './support/mail-client';

const { adele: ADELE, megan: MEGAN, alex: ALEX } = DEMO_USERS;
const SCOPES = [
	'openid',
	'offline_access',
	'User.Read',
	'Mail.ReadWrite',
	'Mail.Send',
	'MailboxSettings.ReadWrite',
];
const enc = encodeURIComponent;
const to = (...addresses: string[]) => addresses.map((address) => ({ emailAddress: { address } }));

describe('mail service: message actions over HTTP', () => {
	let emulator: Emulator;
	let graph: ReturnType<typeof api>;
	let meganGraph: ReturnType<typeof api>;
	const client = (upn: string, scopes = SCOPES) =>
		new HttpClient(
			{ graphBaseUrl: emulator.graphBaseUrl, uploadBaseUrl: emulator.uploadBaseUrl },
			emulator.control.issueTokens({ upn, scopes }).access_token,
		);

	beforeAll(async () => {
		emulator = await startEmulator({ seed: 'demo' });
	});
	beforeEach(() => {
		emulator.reset();
		graph = api(client(ADELE.userPrincipalName));
		meganGraph = api(client(MEGAN.userPrincipalName));
	});
	afterAll(() => emulator.stop());

	/** Megan mails Adele (cc Alex); returns Adele's copy. */
	async function incoming(subject: string, extra: Record<string, unknown> = {}) {
		const sent = await meganGraph.post('/me/sendMail', {
			message: {
				subject,
				body: { contentType: 'Text', content: `about ${subject}` },
				toRecipients: to(ADELE.userPrincipalName),
				ccRecipients: to(ALEX.userPrincipalName),
				...extra,
			},
		});
		expect(sent.status).toBe(202);
		const list = await graph.get(
			`/me/mailFolders/inbox/messages?$filter=${enc(`subject eq '${subject}'`)}`,
		);
		expect(list.body.value).toHaveLength(1);
		return list.body.value[0] as Record<string, any>;
	}
	const inboxOf = async (g: ReturnType<typeof api>, subject: string) =>
		(
			await g.get(
				`/me/mailFolders/inbox/messages?$filter=${enc(`subject eq '${subject}'`)}&$select=subject,conversationId,toRecipients,ccRecipients,internetMessageHeaders,hasAttachments`,
			)
		).body.value;

	describe('reply, replyAll, forward (sent at once)', () => {
		it('reply: 202 without a body; the sender gets "RE: ..." in the same conversation, threaded by In-Reply-To / References', async () => {
			const original = await incoming('Budget');
			const reply = await graph.post(`/me/messages/${enc(original.id)}/reply`, {
				comment: 'Looks good.',
			});
			expect(reply.status).toBe(202);
			expect(reply.raw.length).toBe(0);
			const [received] = await inboxOf(meganGraph, 'RE: Budget');
			expect(received.conversationId).toBe(original.conversationId);
			expect(received.toRecipients).toEqual([
				{ emailAddress: { name: MEGAN.displayName, address: MEGAN.userPrincipalName } },
			]);
			expect(received.internetMessageHeaders).toEqual(
				expect.arrayContaining([
					{ name: 'In-Reply-To', value: original.internetMessageId },
					{ name: 'References', value: original.internetMessageId },
				]),
			);
			const sent = (
				await graph.get(
					`/me/mailFolders/sentitems/messages?$filter=${enc("subject eq 'RE: Budget'")}`,
				)
			).body.value;
			expect(sent).toHaveLength(1);
			expect(sent[0].body.content).toContain('Looks good.');
			expect(sent[0].body.content).toContain('about Budget');
			expect(await inboxOf(api(client(ALEX.userPrincipalName)), 'RE: Budget')).toEqual([]);
		});

		it('replyAll: the sender, the other To and Cc recipients, never the replier', async () => {
			const original = await incoming('Plan');
			expect(
				(await graph.post(`/me/messages/${enc(original.id)}/replyAll`, { comment: 'All: yes' }))
					.status,
			).toBe(202);
			const [atMegan] = await inboxOf(meganGraph, 'RE: Plan');
			const [atAlex] = await inboxOf(api(client(ALEX.userPrincipalName)), 'RE: Plan');
			expect(atMegan.toRecipients.map((r: any) => r.emailAddress.address)).toEqual([
				MEGAN.userPrincipalName,
			]);
			expect(atMegan.ccRecipients.map((r: any) => r.emailAddress.address)).toEqual([
				ALEX.userPrincipalName,
			]);
			expect(atAlex).toBeDefined();
			expect(await inboxOf(graph, 'RE: Plan')).toEqual([]);
		});

		it('reply with a message (body and extra recipients) instead of a comment; both at once is 400', async () => {
			const original = await incoming('Choice');
			const both = await graph.post(`/me/messages/${enc(original.id)}/reply`, {
				comment: 'x',
				message: { body: { contentType: 'Text', content: 'y' } },
			});
			expect(both.status).toBe(400);
			expect(both.body.error.code).toBe('ErrorInvalidRequest');
			const ok = await graph.post(`/me/messages/${enc(original.id)}/reply`, {
				message: {
					body: { contentType: 'HTML', content: '<p>Full body</p>' },
					toRecipients: to(ALEX.userPrincipalName),
					importance: 'high',
				},
			});
			expect(ok.status).toBe(202);
			const [atAlex] = await inboxOf(api(client(ALEX.userPrincipalName)), 'RE: Choice');
			expect(atAlex.toRecipients.map((r: any) => r.emailAddress.address)).toEqual([
				MEGAN.userPrincipalName,
				ALEX.userPrincipalName,
			]);
		});

		it('reply refuses an unknown parameter, a missing message (404) and a token without Mail.Send (403)', async () => {
			const original = await incoming('Refusals');
			const unknown = await graph.post(`/me/messages/${enc(original.id)}/reply`, {
				comment: 'x',
				saveToSentItems: false,
			});
			expect(unknown.status).toBe(400);
			expect(unknown.body.error).toMatchObject({
				code: 'RequestBodyRead',
				message: expect.stringContaining("'saveToSentItems'"),
			});
			const missing = await graph.post('/me/messages/AAMkAGnope%3D/reply', { comment: 'x' });
			expect(missing.status).toBe(404);
			expect(missing.body.error.code).toBe('ErrorItemNotFound');
			const readWriteOnly = api(client(ADELE.userPrincipalName, ['User.Read', 'Mail.ReadWrite']));
			expect(
				(await readWriteOnly.post(`/me/messages/${enc(original.id)}/reply`, { comment: 'x' }))
					.status,
			).toBe(403);
			expect(
				(
					await readWriteOnly.post(`/me/messages/${enc(original.id)}/forward`, {
						toRecipients: to(ALEX.userPrincipalName),
					})
				).status,
			).toBe(403);
			const sendOnly = api(client(ADELE.userPrincipalName, ['User.Read', 'Mail.Send']));
			expect((await sendOnly.post(`/me/messages/${enc(original.id)}/createReply`, {})).status).toBe(
				403,
			);
		});

		it('forward keeps the original attachments; toRecipients neither given nor given twice is 400', async () => {
			const original = await incoming('With file', {
				attachments: [
					{
						'@odata.type': '#microsoft.graph.fileAttachment',
						name: 'a.txt',
						contentBytes: Buffer.from('hello').toString('base64'),
					},
				],
			});
			const neither = await graph.post(`/me/messages/${enc(original.id)}/forward`, {
				comment: 'fyi',
			});
			expect(neither.status).toBe(400);
			const both = await graph.post(`/me/messages/${enc(original.id)}/forward`, {
				toRecipients: to(ALEX.userPrincipalName),
				message: { toRecipients: to(ALEX.userPrincipalName) },
			});
			expect(both.status).toBe(400);
			const ok = await graph.post(`/me/messages/${enc(original.id)}/forward`, {
				comment: 'fyi',
				toRecipients: to(ALEX.userPrincipalName),
			});
			expect(ok.status).toBe(202);
			const alexGraph = api(client(ALEX.userPrincipalName));
			const [forwarded] = await inboxOf(alexGraph, 'FW: With file');
			expect(forwarded.hasAttachments).toBe(true);
			const attachments = await alexGraph.get(`/me/messages/${enc(forwarded.id)}/attachments`);
			expect(attachments.body.value.map((a: any) => a.name)).toEqual(['a.txt']);
		});
	});

	describe('createReply, createReplyAll, createForward (drafts)', () => {
		it('createReply: 201 with a draft in Drafts, "RE: ...", addressed to the sender; sending it delivers once', async () => {
			const original = await incoming('Draft me');
			const draft = await graph.post(`/me/messages/${enc(original.id)}/createReply`);
			expect(draft.status).toBe(201);
			expect(draft.body).toMatchObject({
				subject: 'RE: Draft me',
				isDraft: true,
				conversationId: original.conversationId,
			});
			expect(draft.body.toRecipients).toEqual([
				{ emailAddress: { name: MEGAN.displayName, address: MEGAN.userPrincipalName } },
			]);
			const drafts = await graph.get('/me/mailFolders/drafts/messages?$select=subject');
			expect(drafts.body.value.map((m: any) => m.subject)).toContain('RE: Draft me');
			expect((await graph.post(`/me/messages/${enc(draft.body.id)}/send`)).status).toBe(202);
			expect(await inboxOf(meganGraph, 'RE: Draft me')).toHaveLength(1);
		});

		it('createReplyAll addresses everyone but the replier; createForward is "FW: ..." with the attachments and no recipients', async () => {
			const original = await incoming('Both', {
				attachments: [
					{
						'@odata.type': '#microsoft.graph.fileAttachment',
						name: 'b.txt',
						contentBytes: Buffer.from('b').toString('base64'),
					},
				],
			});
			const all = await graph.post(`/me/messages/${enc(original.id)}/createReplyAll`, {
				comment: '',
			});
			expect(all.status).toBe(201);
			expect(all.body.toRecipients.map((r: any) => r.emailAddress.address)).toEqual([
				MEGAN.userPrincipalName,
			]);
			expect(all.body.ccRecipients.map((r: any) => r.emailAddress.address)).toEqual([
				ALEX.userPrincipalName,
			]);
			const fw = await graph.post(`/me/messages/${enc(original.id)}/createForward`, {});
			expect(fw.status).toBe(201);
			expect(fw.body).toMatchObject({
				subject: 'FW: Both',
				isDraft: true,
				hasAttachments: true,
				toRecipients: [],
			});
			const withComment = await graph.post(`/me/messages/${enc(original.id)}/createForward`, {
				comment: 'see below',
				toRecipients: to(ALEX.userPrincipalName),
			});
			expect(withComment.body.toRecipients).toEqual([
				{ emailAddress: { name: ALEX.displayName, address: ALEX.userPrincipalName } },
			]);
		});
	});

	describe('move, copy, delete, permanentDelete', () => {
		it('move answers 201 with a new id; the old id is 404 afterwards', async () => {
			const original = await incoming('Move me');
			const moved = await graph.post(`/me/messages/${enc(original.id)}/move`, {
				destinationId: 'archive',
			});
			expect(moved.status).toBe(201);
			expect(moved.body.id).not.toBe(original.id);
			expect((await graph.get(`/me/messages/${enc(original.id)}`)).status).toBe(404);
			expect(
				(await graph.post(`/me/messages/${enc(original.id)}/move`, { destinationId: 'archive' }))
					.body.error.code,
			).toBe('ErrorItemNotFound');
		});

		it('copy answers 201 with a new message in the destination; the original stays; a bad destination is refused', async () => {
			const original = await incoming('Copy me', {
				attachments: [
					{
						'@odata.type': '#microsoft.graph.fileAttachment',
						name: 'c.txt',
						contentBytes: Buffer.from('c').toString('base64'),
					},
				],
			});
			const copy = await graph.post(`/me/messages/${enc(original.id)}/copy`, {
				destinationId: 'archive',
			});
			expect(copy.status).toBe(201);
			expect(copy.body.id).not.toBe(original.id);
			expect(copy.body).toMatchObject({ subject: 'Copy me', hasAttachments: true });
			const archive = await graph.get('/me/mailFolders/archive');
			expect(copy.body.parentFolderId).toBe(archive.body.id);
			expect((await graph.get(`/me/messages/${enc(original.id)}`)).status).toBe(200);
			expect(
				(
					await graph.post(`/me/messages/${enc(original.id)}/copy`, {
						destinationId: 'AAMkAFnope=',
					})
				).status,
			).toBe(404);
			const empty = await graph.post(`/me/messages/${enc(original.id)}/copy`, {
				destinationId: '',
			});
			expect(empty.body.error.code).toBe('ErrorInvalidParameter');
			const extra = await graph.post(`/me/messages/${enc(original.id)}/copy`, {
				destinationId: 'archive',
				folder: 'x',
			});
			expect(extra.body.error.code).toBe('RequestBodyRead');
		});

		it('DELETE is 204 and the message is gone (404); permanentDelete is 204, takes no body, and 404 after', async () => {
			const one = await incoming('Delete one');
			expect((await graph.delete(`/me/messages/${enc(one.id)}`)).status).toBe(204);
			expect((await graph.get(`/me/messages/${enc(one.id)}`)).status).toBe(404);
			const two = await incoming('Delete two');
			const withBody = await graph.post(`/me/messages/${enc(two.id)}/permanentDelete`, {
				now: true,
			});
			expect(withBody.status).toBe(400);
			expect((await graph.post(`/me/messages/${enc(two.id)}/permanentDelete`)).status).toBe(204);
			expect((await graph.get(`/me/messages/${enc(two.id)}`)).status).toBe(404);
			expect((await graph.post(`/me/messages/${enc(two.id)}/permanentDelete`)).status).toBe(404);
		});

		it('actions answer 405 to a wrong method', async () => {
			const one = await incoming('Method');
			const wrong = await graph.get(`/me/messages/${enc(one.id)}/reply`);
			expect(wrong.status).toBe(405);
		});
	});

	describe('PATCH read, flag, categories, importance', () => {
		it('sets isRead, a flag with start and due dates, categories and importance', async () => {
			const one = await incoming('Patch me');
			const flag = {
				flagStatus: 'flagged',
				startDateTime: { dateTime: '2026-01-05T09:00:00', timeZone: 'UTC' },
				dueDateTime: { dateTime: '2026-01-09T17:00:00', timeZone: 'UTC' },
			};
			const patched = await graph.patch(`/me/messages/${enc(one.id)}`, {
				isRead: true,
				flag,
				categories: ['Red category'],
				importance: 'high',
			});
			expect(patched.status).toBe(200);
			expect(patched.body).toMatchObject({
				isRead: true,
				flag,
				categories: ['Red category'],
				importance: 'high',
			});
			const done = await graph.patch(`/me/messages/${enc(one.id)}`, {
				flag: { flagStatus: 'complete' },
			});
			expect(done.body.flag.flagStatus).toBe('complete');
		});

		it('refuses a due date without a start date, an unknown flag status, an unknown flag property and a bad importance', async () => {
			const one = await incoming('Bad patch');
			const url = `/me/messages/${enc(one.id)}`;
			const due = await graph.patch(url, {
				flag: {
					flagStatus: 'flagged',
					dueDateTime: { dateTime: '2026-01-09T17:00:00', timeZone: 'UTC' },
				},
			});
			expect(due.status).toBe(400);
			expect(due.body.error.code).toBe('ErrorInvalidArgument');
			expect((await graph.patch(url, { flag: { flagStatus: 'urgent' } })).body.error.code).toBe(
				'RequestBodyRead',
			);
			expect((await graph.patch(url, { flag: { colour: 'red' } })).body.error.code).toBe(
				'RequestBodyRead',
			);
			expect(
				(
					await graph.patch(url, {
						flag: { flagStatus: 'flagged', startDateTime: { dateTime: 'soon' } },
					})
				).status,
			).toBe(400);
			expect((await graph.patch(url, { importance: 'urgent' })).status).toBe(400);
			expect((await graph.patch(url, { categories: 'Red' })).status).toBe(400);
			expect((await graph.get(url)).body.flag).toEqual({ flagStatus: 'notFlagged' });
		});
	});

	describe('masterCategories', () => {
		it('lists the default categories, creates one with a preset color, refuses duplicates and unknown colors', async () => {
			const list = await graph.get('/me/outlook/masterCategories');
			expect(list.status).toBe(200);
			expect(list.body.value.map((c: any) => c.color)).toEqual([
				'preset0',
				'preset1',
				'preset3',
				'preset4',
				'preset7',
				'preset8',
			]);
			const created = await graph.post('/me/outlook/masterCategories', {
				displayName: 'Invoices',
				color: 'preset24',
			});
			expect(created.status).toBe(201);
			expect(created.body).toMatchObject({
				displayName: 'Invoices',
				color: 'preset24',
				id: expect.any(String),
			});
			const duplicate = await graph.post('/me/outlook/masterCategories', {
				displayName: 'invoices',
				color: 'preset1',
			});
			expect(duplicate.status).toBe(409);
			expect(
				(await graph.post('/me/outlook/masterCategories', { displayName: 'X', color: 'preset25' }))
					.status,
			).toBe(400);
			expect(
				(await graph.post('/me/outlook/masterCategories', { displayName: '', color: 'preset2' }))
					.status,
			).toBe(400);
			expect(
				(await graph.post('/me/outlook/masterCategories', { displayName: 'Y', shade: 'dark' })).body
					.error.code,
			).toBe('RequestBodyRead');
		});

		it('get, update the color (not the name), delete; 404 after; MailboxSettings scopes are required', async () => {
			const created = await graph.post('/me/outlook/masterCategories', {
				displayName: 'Travel',
				color: 'preset2',
			});
			const url = `/me/outlook/masterCategories/${created.body.id}`;
			expect((await graph.get(url)).body).toMatchObject({
				displayName: 'Travel',
				color: 'preset2',
			});
			expect((await graph.patch(url, { color: 'preset5' })).body.color).toBe('preset5');
			expect((await graph.patch(url, { displayName: 'Trips' })).status).toBe(400);
			expect((await graph.delete(url)).status).toBe(204);
			expect((await graph.get(url)).status).toBe(404);
			const mailOnly = api(
				client(ADELE.userPrincipalName, ['User.Read', 'Mail.ReadWrite', 'Mail.Send']),
			);
			expect((await mailOnly.get('/me/outlook/masterCategories')).status).toBe(403);
			const readOnly = api(client(ADELE.userPrincipalName, ['User.Read', 'MailboxSettings.Read']));
			expect((await readOnly.get('/me/outlook/masterCategories')).status).toBe(200);
			expect(
				(await readOnly.post('/me/outlook/masterCategories', { displayName: 'Z' })).status,
			).toBe(403);
		});
	});

	describe('$batch and delta', () => {
		it('reply, copy and PATCH work as $batch sub-requests', async () => {
			const one = await incoming('Batched');
			const http = client(ADELE.userPrincipalName);
			const batch = await http.request('POST', '/$batch', {
				body: {
					requests: [
						{
							id: '1',
							method: 'POST',
							url: `/me/messages/${one.id}/reply`,
							headers: { 'Content-Type': 'application/json' },
							body: { comment: 'ok' },
						},
						{
							id: '2',
							method: 'POST',
							url: `/me/messages/${one.id}/copy`,
							headers: { 'Content-Type': 'application/json' },
							body: { destinationId: 'archive' },
						},
						{
							id: '3',
							method: 'PATCH',
							url: `/me/messages/${one.id}`,
							headers: { 'Content-Type': 'application/json' },
							body: { isRead: true },
						},
						{ id: '4', method: 'GET', url: '/me/outlook/masterCategories' },
					],
				},
			});
			expect(batch.status).toBe(200);
			const byId = new Map(batch.body.responses.map((r: { id: string }) => [r.id, r]));
			expect(byId.get('1')).toMatchObject({ status: 202 });
			expect(byId.get('2')).toMatchObject({ status: 201, body: { subject: 'Batched' } });
			expect(byId.get('3')).toMatchObject({ status: 200, body: { isRead: true } });
			expect(byId.get('4')).toMatchObject({ status: 200 });
			expect(await inboxOf(meganGraph, 'RE: Batched')).toHaveLength(1);
		});

		it('a fault injected on the reply route reaches reply (throttling and faults see the new routes)', async () => {
			const one = await incoming('Faulted');
			emulator.control.injectFault({ route: 'replyMessage', kind: '429' });
			const throttled = await graph.post(`/me/messages/${enc(one.id)}/reply`, { comment: 'x' });
			expect(throttled.status).toBe(429);
			expect((await graph.post(`/me/messages/${enc(one.id)}/reply`, { comment: 'x' })).status).toBe(
				202,
			);
		});

		it('a reply sent into a watched folder appears once in its delta; a moved message leaves the source and enters the destination', async () => {
			const first = await meganGraph.get('/me/mailFolders/inbox/messages/delta?$select=subject');
			let link: string = first.body['@odata.deltaLink'];
			let next: string | undefined = first.body['@odata.nextLink'];
			while (next) {
				const page = await meganGraph.get(next);
				next = page.body['@odata.nextLink'];
				link = page.body['@odata.deltaLink'];
			}
			const original = await incoming('Watched');
			expect(
				(await graph.post(`/me/messages/${enc(original.id)}/reply`, { comment: 'answer' })).status,
			).toBe(202);
			const round = await meganGraph.get(link);
			const replies = round.body.value.filter((m: any) => m.subject === 'RE: Watched');
			expect(replies).toHaveLength(1);
			const again = await meganGraph.get(round.body['@odata.deltaLink']);
			expect(again.body.value).toEqual([]);

			const [reply] = await inboxOf(meganGraph, 'RE: Watched');
			const moved = await meganGraph.post(`/me/messages/${enc(reply.id)}/move`, {
				destinationId: 'archive',
			});
			const afterMove = await meganGraph.get(again.body['@odata.deltaLink']);
			expect(afterMove.body.value).toEqual([
				expect.objectContaining({ id: reply.id, '@removed': { reason: 'deleted' } }),
			]);
			const archive = await meganGraph.get(`/me/mailFolders/archive/messages?$select=subject`);
			expect(archive.body.value.map((m: any) => m.id)).toContain(moved.body.id);
		});
	});
});

/** Sending, drafts and message operations: validation rules, send-as, delivery, duplicates, MIME, access. */
import { LIMITS } from '../../emulator/contract';
import { createMailService, DEMO_USERS, type EmulatorMailService } from '../../emulator/mail/index';
import { api, DirectClient } from './support/mail-client';

const { adele: ADELE, megan: MEGAN, alex: ALEX } = DEMO_USERS;
const SCOPES = ['User.Read', 'Mail.ReadWrite', 'Mail.Send'];
const enc = encodeURIComponent;
const to = (...addresses: string[]) => addresses.map((address) => ({ emailAddress: { address } }));

function setup(options: Parameters<typeof createMailService>[0] = {}) {
	const service = createMailService({ seed: 'demo', ...options });
	const client = new DirectClient(service, { userId: ADELE.id, clientId: 'test', scopes: SCOPES });
	const as = (userId: string, scopes = SCOPES) =>
		api(client.as({ userId, clientId: 'test', scopes }));
	return { service, client, graph: api(client), as };
}

const folder = (service: EmulatorMailService, user: string, wellKnown: string) =>
	service.mailbox(user).folders.find((f) => f.wellKnownName === wellKnown)!;

function simpleMail(
	subject: string,
	recipients = to(MEGAN.userPrincipalName),
	extra: Record<string, unknown> = {},
) {
	return {
		message: {
			subject,
			body: { contentType: 'Text', content: `body of ${subject}` },
			toRecipients: recipients,
			...extra,
		},
	};
}

describe('mail service: sending', () => {
	describe('sendMail validation', () => {
		const s = setup();

		it('no message wrapper, or an empty one -> 400 ErrorInvalidParameter', async () => {
			for (const body of [
				{ subject: 'x', toRecipients: to(MEGAN.userPrincipalName) },
				{ message: null },
				{ Message: 'text' },
			]) {
				const response = await s.graph.post('/me/sendMail', body);
				expect(response.status).toBe(400);
				expect(response.body.error).toEqual({
					code: 'ErrorInvalidParameter',
					message: "The value of the parameter 'Message' is empty.",
				});
			}
		});

		it('recipients: none, several in one string, malformed -> 400 ErrorInvalidRecipients', async () => {
			const none = await s.graph.post('/me/sendMail', simpleMail('none', []));
			expect(none.status).toBe(400);
			expect(none.body.error).toEqual({
				code: 'ErrorInvalidRecipients',
				message:
					"At least one recipient isn't valid., A message can't be sent because it contains no recipients.",
			});
			const several = await s.graph.post(
				'/me/sendMail',
				simpleMail('several', to('a@x.com; b@y.com')),
			);
			expect(several.status).toBe(400);
			expect(several.body.error.code).toBe('ErrorInvalidRecipients');
			expect(several.body.error.message).toContain("Recipient 'a@x.com; b@y.com' isn't resolved");
			for (const bad of ['bad', 'a@b@c.com', 'a,b@c.com', ' @x.com', 'Name <a@b.com>']) {
				const response = await s.graph.post('/me/sendMail', simpleMail('bad', to(bad)));
				expect(response.status).toBe(400);
				expect(response.body.error.code).toBe('ErrorInvalidRecipients');
			}
		});

		it(`at most ${LIMITS.maxRecipients} recipients over to + cc + bcc (else 400 ErrorTooManyRecipients)`, async () => {
			const many = (n: number, prefix: string) =>
				to(...Array.from({ length: n }, (_v, i) => `${prefix}${i}@external.example`));
			const ok = await s.graph.post(
				'/me/sendMail',
				simpleMail('500', many(300, 't'), {
					ccRecipients: many(100, 'c'),
					bccRecipients: many(100, 'b'),
				}),
			);
			expect(ok.status).toBe(202);
			const tooMany = await s.graph.post(
				'/me/sendMail',
				simpleMail('501', many(300, 't'), {
					ccRecipients: many(100, 'c'),
					bccRecipients: many(101, 'b'),
				}),
			);
			expect(tooMany.status).toBe(400);
			expect(tooMany.body.error.code).toBe('ErrorTooManyRecipients');
		});

		it('internetMessageHeaders must be named x-... (sendMail and drafts)', async () => {
			const headers = (name: string) => ({ internetMessageHeaders: [{ name, value: 'v' }] });
			const bad = await s.graph.post('/me/sendMail', simpleMail('hdr', undefined, headers('Foo')));
			expect(bad.status).toBe(400);
			expect(bad.body.error).toEqual({
				code: 'InvalidInternetMessageHeader',
				message: "The internet message header name 'Foo' should start with 'x-' or 'X-'.",
			});
			const draft = await s.graph.post('/me/messages', { subject: 'd', ...headers('Received') });
			expect(draft.status).toBe(400);
			expect(draft.body.error.code).toBe('InvalidInternetMessageHeader');
			expect(
				(await s.graph.post('/me/sendMail', simpleMail('hdr ok', undefined, headers('X-Upper'))))
					.status,
			).toBe(202);
			expect(
				(await s.graph.post('/me/sendMail', simpleMail('hdr ok', undefined, headers('x-lower'))))
					.status,
			).toBe(202);
		});

		it('an inline fileAttachment of 3 MiB or more -> 400 ErrorAttachmentSizeLimitExceeded', async () => {
			const attachment = (size: number) => ({
				'@odata.type': '#microsoft.graph.fileAttachment',
				name: 'big.bin',
				contentBytes: Buffer.alloc(size, 1).toString('base64'),
			});
			const limit = LIMITS.maxInlineAttachmentBytes;
			const tooBig = await s.graph.post(
				'/me/sendMail',
				simpleMail('big', undefined, { attachments: [attachment(limit)] }),
			);
			// Status and error together, so that an unexpected answer shows its message.
			expect({ status: tooBig.status, error: tooBig.body.error }).toEqual({
				status: 400,
				error: expect.objectContaining({ code: 'ErrorAttachmentSizeLimitExceeded' }),
			});
			expect(
				(
					await s.graph.post(
						'/me/sendMail',
						simpleMail('fits', undefined, { attachments: [attachment(limit - 1)] }),
					)
				).status,
			).toBe(202);
			const draft = await s.graph.post('/me/messages', { subject: 'draft' });
			const added = await s.graph.post(
				`/me/messages/${enc(draft.body.id)}/attachments`,
				attachment(limit),
			);
			expect(added.status).toBe(400);
			expect(added.body.error.code).toBe('ErrorAttachmentSizeLimitExceeded');
		});

		it('unknown properties, bad types and bad JSON are refused', async () => {
			const unknown = await s.graph.post(
				'/me/sendMail',
				simpleMail('x', undefined, { subjekt: 'typo' }),
			);
			expect(unknown.status).toBe(400);
			expect(unknown.body.error.code).toBe('RequestBodyRead');
			const wrongType = await s.graph.post(
				'/me/sendMail',
				simpleMail('x', undefined, { importance: 'urgent' }),
			);
			expect(wrongType.status).toBe(400);
			const garbage = await s.client.request('POST', '/me/sendMail', {
				rawBody: '{"message":',
				headers: { 'Content-Type': 'application/json' },
			});
			expect(garbage.status).toBe(400);
			expect(garbage.body.error.code).toBe('BadRequest');
			const extraParam = await s.graph.post('/me/sendMail', { ...simpleMail('x'), urgent: true });
			expect(extraParam.status).toBe(400);
		});

		it('saveToSentItems accepts booleans and "true"/"false" strings; anything else is 400', async () => {
			const sent = () => folder(s.service, ADELE.id, 'sentitems').messages.length;
			let before = sent();
			expect(
				(await s.graph.post('/me/sendMail', { ...simpleMail('keep'), saveToSentItems: true }))
					.status,
			).toBe(202);
			expect(sent()).toBe(before + 1);
			before = sent();
			expect(
				(await s.graph.post('/me/sendMail', { ...simpleMail('drop bool'), saveToSentItems: false }))
					.status,
			).toBe(202);
			expect(
				(
					await s.graph.post('/me/sendMail', {
						...simpleMail('drop string'),
						saveToSentItems: 'false',
					})
				).status,
			).toBe(202);
			expect(
				(
					await s.graph.post('/me/sendMail', {
						...simpleMail('drop upper'),
						saveToSentItems: 'False',
					})
				).status,
			).toBe(202);
			expect(sent()).toBe(before);
			expect(folder(s.service, MEGAN.id, 'inbox').messages.map((m) => m.subject)).toEqual(
				expect.arrayContaining(['drop bool', 'drop string', 'drop upper']),
			);
			const bad = await s.graph.post('/me/sendMail', {
				...simpleMail('bad'),
				saveToSentItems: 'maybe',
			});
			expect(bad.status).toBe(400);
		});

		it('a message over maxMessageBytes -> 400 ErrorMessageSizeExceeded', async () => {
			const small = setup({ maxMessageBytes: 2000 });
			const attachments = [
				{
					'@odata.type': '#microsoft.graph.fileAttachment',
					name: 'a.bin',
					contentBytes: Buffer.alloc(3000).toString('base64'),
				},
			];
			const response = await small.graph.post(
				'/me/sendMail',
				simpleMail('big', undefined, { attachments }),
			);
			expect(response.status).toBe(400);
			expect(response.body.error.code).toBe('ErrorMessageSizeExceeded');
		});
	});

	describe('delivery', () => {
		it('each local recipient gets a copy (bcc included, bcc hidden); Sent Items keeps bcc; one internetMessageId', async () => {
			const s = setup();
			const response = await s.graph.post(
				'/me/sendMail',
				simpleMail('hello all', to(MEGAN.userPrincipalName, 'someone@external.example'), {
					bccRecipients: to(ALEX.userPrincipalName),
					ccRecipients: to('MEGANB@contoso.com'),
				}),
			);
			expect(response.status).toBe(202);
			const meganCopy = folder(s.service, MEGAN.id, 'inbox').messages.find(
				(m) => m.subject === 'hello all',
			)!;
			const alexCopy = folder(s.service, ALEX.id, 'inbox').messages.find(
				(m) => m.subject === 'hello all',
			)!;
			const sentCopy = folder(s.service, ADELE.id, 'sentitems').messages.find(
				(m) => m.subject === 'hello all',
			)!;
			expect(
				folder(s.service, MEGAN.id, 'inbox').messages.filter((m) => m.subject === 'hello all'),
			).toHaveLength(1); // to + cc = one mailbox
			expect(meganCopy.bcc).toEqual([]);
			expect(alexCopy.bcc).toEqual([]);
			expect(sentCopy.bcc).toEqual([ALEX.userPrincipalName]);
			expect(meganCopy.isRead).toBe(false);
			expect(sentCopy.isRead).toBe(true);
			expect(meganCopy.internetMessageId).toMatch(/^<.+@emulator\.local>$/);
			expect(alexCopy.internetMessageId).toBe(meganCopy.internetMessageId);
			expect(sentCopy.internetMessageId).toBe(meganCopy.internetMessageId);
			expect(s.service.deliveryCounters()).toEqual({ delivered: 3, duplicatesDelivered: 0 });
			const read = await s.as(MEGAN.id).get(`/me/messages/${enc(meganCopy.id)}`);
			expect(read.body.from.emailAddress).toEqual({
				name: 'Adele Vance',
				address: ADELE.userPrincipalName,
			});
			expect(read.body.sender).toEqual(read.body.from);
			expect(read.body.receivedDateTime).toMatch(/Z$/);
		});

		it('counts duplicate deliveries: same sender mailbox, recipient set, subject and body', async () => {
			const s = setup();
			const mail = simpleMail('invoice 42', to(MEGAN.userPrincipalName, 'ext@partner.example'));
			await s.graph.post('/me/sendMail', mail);
			expect(s.service.deliveryCounters()).toEqual({ delivered: 2, duplicatesDelivered: 0 });
			await s.graph.post('/me/sendMail', mail); // a retried send
			expect(s.service.deliveryCounters()).toEqual({ delivered: 4, duplicatesDelivered: 2 });
			await s.graph.post(
				'/me/sendMail',
				simpleMail('invoice 42', to('ext@partner.example', MEGAN.userPrincipalName)),
			); // same set, other order
			expect(s.service.deliveryCounters().duplicatesDelivered).toBe(4);
			await s.graph.post(
				'/me/sendMail',
				simpleMail('invoice 43', to(MEGAN.userPrincipalName, 'ext@partner.example')),
			);
			expect(s.service.deliveryCounters()).toEqual({ delivered: 8, duplicatesDelivered: 4 });
			// the same content from another mailbox is not a duplicate
			await s.as(ALEX.id).post('/me/sendMail', mail);
			expect(s.service.deliveryCounters().duplicatesDelivered).toBe(4);
			// a draft sent with identical content is
			const draft = await s.graph.post('/me/messages', mail.message);
			expect((await s.graph.post(`/me/messages/${enc(draft.body.id)}/send`)).status).toBe(202);
			expect(s.service.deliveryCounters().duplicatesDelivered).toBe(6);
		});
	});

	describe('send as / send on behalf', () => {
		const fromMegan = (subject: string) =>
			simpleMail(subject, to(ALEX.userPrincipalName), {
				from: { emailAddress: { address: MEGAN.userPrincipalName } },
			});
		const shared = [...SCOPES, 'Mail.Send.Shared'];

		it('from another user without a grant, or without Mail.Send.Shared -> 403 ErrorSendAsDenied', async () => {
			const s = setup();
			const denied = await s.as(ADELE.id, shared).post('/me/sendMail', fromMegan('no grant'));
			expect(denied.status).toBe(403);
			expect(denied.body.error).toEqual({
				code: 'ErrorSendAsDenied',
				message:
					'The user account which was used to submit this request does not have the right to send mail on behalf of the specified sending account. Cannot submit message.',
			});
			s.service.grant(MEGAN.id, ADELE.id, { sendAs: true });
			expect((await s.graph.post('/me/sendMail', fromMegan('no scope'))).status).toBe(403);
			const unknown = simpleMail('unknown from', to(ALEX.userPrincipalName), {
				from: { emailAddress: { address: 'nobody@nowhere.example' } },
			});
			expect((await s.as(ADELE.id, shared).post('/me/sendMail', unknown)).status).toBe(403);
		});

		it('sendAs: sender = from; sendOnBehalf: sender = the caller; own proxy address needs nothing', async () => {
			const s = setup();
			s.service.grant(MEGAN.userPrincipalName, ADELE.userPrincipalName, { sendAs: true });
			expect(
				(await s.as(ADELE.id, shared).post('/me/sendMail', fromMegan('as megan'))).status,
			).toBe(202);
			s.service.grant(MEGAN.id, ADELE.id, { sendAs: false, sendOnBehalf: true });
			expect(
				(await s.as(ADELE.id, shared).post('/me/sendMail', fromMegan('for megan'))).status,
			).toBe(202);
			const own = simpleMail('from alias', to(ALEX.userPrincipalName), {
				from: { emailAddress: { address: 'AdeleV@contoso.com' } },
			});
			expect((await s.graph.post('/me/sendMail', own)).status).toBe(202);
			const alex = s.as(ALEX.id);
			const list = await alex.get(
				`/me/mailFolders/inbox/messages?$select=subject,from,sender&$top=50`,
			);
			const bySubject = (subject: string) =>
				list.body.value.find((m: { subject: string }) => m.subject === subject);
			expect(bySubject('as megan').sender.emailAddress.address).toBe(MEGAN.userPrincipalName);
			expect(bySubject('as megan').from.emailAddress.address).toBe(MEGAN.userPrincipalName);
			expect(bySubject('for megan').sender.emailAddress.address).toBe(ADELE.userPrincipalName);
			expect(bySubject('for megan').from.emailAddress.address).toBe(MEGAN.userPrincipalName);
			expect(bySubject('from alias').from.emailAddress.address).toBe('AdeleV@contoso.com');
			// Sent Items of the caller's own mailbox (sent through /me)
			expect(folder(s.service, ADELE.id, 'sentitems').messages.map((m) => m.subject)).toEqual(
				expect.arrayContaining(['as megan', 'for megan']),
			);
		});

		it('/users/{other}/sendMail needs fullAccess + Mail.Send.Shared, and send rights for from; Sent Items is theirs', async () => {
			const s = setup();
			const path = `/users/${enc(MEGAN.userPrincipalName.toUpperCase())}/sendMail`;
			const body = simpleMail('shared mailbox', to(ALEX.userPrincipalName));
			const noAccess = await s.as(ADELE.id, shared).post(path, body);
			expect(noAccess.status).toBe(403);
			expect(noAccess.body.error.code).toBe('ErrorAccessDenied');
			s.service.grant(MEGAN.id, ADELE.id, { fullAccess: true });
			expect((await s.graph.post(path, body)).body.error.code).toBe('ErrorAccessDenied'); // no .Shared scope
			expect((await s.as(ADELE.id, shared).post(path, body)).body.error.code).toBe(
				'ErrorSendAsDenied',
			);
			s.service.grant(MEGAN.id, ADELE.id, { sendAs: true });
			expect((await s.as(ADELE.id, shared).post(path, body)).status).toBe(202);
			expect(folder(s.service, MEGAN.id, 'sentitems').messages.map((m) => m.subject)).toContain(
				'shared mailbox',
			);
		});
	});

	describe('drafts and message operations', () => {
		it('POST /messages -> 201 draft in Drafts; PATCH; send; the draft moves to Sent Items', async () => {
			const s = setup();
			const created = await s.graph.post('/me/messages', {
				subject: 'Draft one',
				body: { contentType: 'HTML', content: 'Hello <b>there</b>' },
				toRecipients: to(MEGAN.userPrincipalName),
				internetMessageHeaders: [{ name: 'x-idempotency-key', value: 'k-1' }],
				attachments: [
					{
						'@odata.type': '#microsoft.graph.fileAttachment',
						name: 'note.txt',
						contentBytes: Buffer.from('note').toString('base64'),
					},
				],
			});
			expect(created.status).toBe(201);
			expect(created.body).toMatchObject({
				isDraft: true,
				hasAttachments: true,
				subject: 'Draft one',
				bodyPreview: 'Hello there',
			});
			expect(created.body).not.toHaveProperty('from');
			const id = created.body.id;
			const patched = await s.graph.patch(`/me/messages/${enc(id)}`, {
				subject: 'Draft one (edited)',
				importance: 'high',
				ccRecipients: to(ALEX.userPrincipalName),
			});
			expect(patched.status).toBe(200);
			expect(patched.body).toMatchObject({ subject: 'Draft one (edited)', importance: 'high' });
			expect(patched.body.changeKey).not.toBe(created.body.changeKey);
			expect((await s.graph.post(`/me/messages/${enc(id)}/send`)).status).toBe(202);
			expect((await s.graph.get(`/me/messages/${enc(id)}`)).status).toBe(404);
			const sent = folder(s.service, ADELE.id, 'sentitems').messages.find(
				(m) => m.subject === 'Draft one (edited)',
			)!;
			expect(sent.isDraft).toBe(false);
			expect(sent.internetMessageHeaders).toEqual([{ name: 'x-idempotency-key', value: 'k-1' }]);
			const received = folder(s.service, MEGAN.id, 'inbox').messages.find(
				(m) => m.subject === 'Draft one (edited)',
			)!;
			expect(received.internetMessageId).toBe(created.body.internetMessageId);
			expect(received.attachments.map((a) => a.name)).toEqual(['note.txt']);
			expect(folder(s.service, ALEX.id, 'inbox').messages.map((m) => m.subject)).toContain(
				'Draft one (edited)',
			);
		});

		it('singleValueExtendedProperties: stored, PATCH-merged, $expand and any() filter; Boolean 0x0E01 = delete after submit', async () => {
			const s = setup();
			const color = 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Color';
			const created = await s.graph.post('/me/messages', {
				subject: 'tagged',
				toRecipients: to(MEGAN.userPrincipalName),
				singleValueExtendedProperties: [{ id: color, value: 'Green' }],
			});
			expect(created.status).toBe(201);
			expect(created.body).not.toHaveProperty('singleValueExtendedProperties');
			const id = created.body.id;
			await s.graph.patch(`/me/messages/${enc(id)}`, {
				singleValueExtendedProperties: [{ id: 'Boolean 0x0E01', value: 'true' }],
			});
			const expanded = await s.graph.get(
				`/me/messages/${enc(id)}?$expand=${enc(`singleValueExtendedProperties($filter=id eq '${color}')`)}`,
			);
			expect(expanded.body.singleValueExtendedProperties).toEqual([{ id: color, value: 'Green' }]);
			const found = await s.graph.get(
				`/me/mailFolders/drafts/messages?$filter=${enc(`singleValueExtendedProperties/any(ep: ep/id eq '${color}' and ep/value eq 'green')`)}`,
			);
			expect(found.body.value.map((m: { id: string }) => m.id)).toEqual([id]);
			const sentBefore = folder(s.service, ADELE.id, 'sentitems').messages.length;
			expect((await s.graph.post(`/me/messages/${enc(id)}/send`)).status).toBe(202);
			expect(folder(s.service, ADELE.id, 'sentitems').messages.length).toBe(sentBefore);
			expect(folder(s.service, ADELE.id, 'drafts').messages.map((m) => m.id)).not.toContain(id);
			expect(folder(s.service, MEGAN.id, 'inbox').messages.map((m) => m.subject)).toContain(
				'tagged',
			);
			const viaSendMail = simpleMail('not kept', undefined, {
				singleValueExtendedProperties: [{ id: 'Boolean 0xE01', value: 'True' }],
			});
			expect((await s.graph.post('/me/sendMail', viaSendMail)).status).toBe(202);
			expect(folder(s.service, ADELE.id, 'sentitems').messages.length).toBe(sentBefore);
		});

		it('Prefer: IdType="ImmutableId": the id survives moves and the send into Sent Items', async () => {
			const s = setup();
			const immutable = { headers: { Prefer: 'IdType="ImmutableId"' } };
			const created = await s.graph.post(
				'/me/messages',
				{ subject: 'immutable', toRecipients: to(MEGAN.userPrincipalName) },
				immutable,
			);
			expect(created.status).toBe(201);
			expect(created.headers['preference-applied']).toBe('IdType="ImmutableId"');
			const id = created.body.id;
			expect(id).toMatch(/^AAkALgAAAAAAHYQD/);
			const session = await s.graph.post(
				`/me/messages/${enc(id)}/attachments/createUploadSession`,
				{
					AttachmentItem: { attachmentType: 'file', name: 'big.bin', size: 3_000_000 },
				},
				immutable,
			);
			expect(session.status).toBe(201);
			const moved = await s.graph.post(
				`/me/messages/${enc(id)}/move`,
				{ destinationId: 'archive' },
				immutable,
			);
			expect(moved.body.id).toBe(id);
			const done = await s.client.upload('PUT', session.body.uploadUrl, {
				rawBody: Buffer.alloc(3_000_000, 1),
				headers: { 'Content-Range': 'bytes 0-2999999/3000000' },
			});
			expect(done.status).toBe(201);
			expect(done.headers.location).toContain(`messages('${id}')`);
			expect((await s.graph.post(`/me/messages/${enc(id)}/send`)).status).toBe(202);
			const sent = await s.graph.get(
				`/me/messages/${enc(id)}?$select=isDraft,parentFolderId,hasAttachments`,
				immutable,
			);
			expect(sent.status).toBe(200);
			expect(sent.body).toMatchObject({
				id,
				isDraft: false,
				hasAttachments: true,
				parentFolderId: folder(s.service, ADELE.id, 'sentitems').id,
			});
			const plain = await s.graph.get(`/me/messages/${enc(id)}?$select=subject`);
			expect(plain.body.id).not.toBe(id); // without the preference, the REST id
			expect((await s.graph.delete(`/me/messages/${enc(id)}`)).status).toBe(204);
			expect((await s.graph.get(`/me/messages/${enc(id)}`)).status).toBe(404);
		});

		it('sending: a draft without recipients is 400; a non-draft is 400; headers cannot change after sending', async () => {
			const s = setup();
			const empty = await s.graph.post('/me/messages', { subject: 'nobody' });
			const response = await s.graph.post(`/me/messages/${enc(empty.body.id)}/send`, {});
			expect(response.status).toBe(400);
			expect(response.body.error.code).toBe('ErrorInvalidRecipients');
			const inbox = folder(s.service, ADELE.id, 'inbox').messages[0]!;
			expect((await s.graph.post(`/me/messages/${enc(inbox.id)}/send`)).status).toBe(400);
			const headers = await s.graph.patch(`/me/messages/${enc(inbox.id)}`, {
				internetMessageHeaders: [{ name: 'x-a', value: 'b' }],
			});
			expect(headers.status).toBe(400);
			expect(
				(
					await s.graph.patch(`/me/messages/${enc(inbox.id)}`, {
						isRead: true,
						categories: ['Red category'],
					})
				).status,
			).toBe(200);
		});

		it('move -> 201 with a new id; delete -> 204 (soft delete out of every listed folder)', async () => {
			const s = setup();
			const inbox = folder(s.service, ADELE.id, 'inbox').messages[0]!;
			const moved = await s.graph.post(`/me/messages/${enc(inbox.id)}/move`, {
				destinationId: 'Archive',
			});
			expect(moved.status).toBe(201);
			expect(moved.body.id).not.toBe(inbox.id);
			expect(moved.body.parentFolderId).toBe(folder(s.service, ADELE.id, 'archive').id);
			expect((await s.graph.get(`/me/messages/${enc(inbox.id)}`)).status).toBe(404);
			expect(
				(
					await s.graph.post(`/me/messages/${enc(moved.body.id)}/move`, {
						destinationId: 'nowhere',
					})
				).status,
			).toBe(404);
			expect((await s.graph.post(`/me/messages/${enc(moved.body.id)}/move`, {})).status).toBe(400);
			const before = (await s.graph.get('/me/messages?$top=100')).body.value.length;
			expect((await s.graph.delete(`/me/messages/${enc(moved.body.id)}`)).status).toBe(204);
			expect((await s.graph.get('/me/messages?$top=100')).body.value.length).toBe(before - 1);
			expect((await s.graph.delete(`/me/messages/${enc(moved.body.id)}`)).status).toBe(404);
		});

		it('attachments: get with @odata.mediaContentType, $select, $value bytes, delete', async () => {
			const s = setup();
			const message = folder(s.service, ADELE.id, 'inbox').messages.find(
				(m) => m.subject === 'Koala image',
			)!;
			const base = `/me/messages/${enc(message.id)}/attachments`;
			const list = await s.graph.get(`${base}?$select=name,size`);
			expect(list.body.value).toEqual([
				{
					'@odata.type': '#microsoft.graph.fileAttachment',
					id: message.attachments[0]!.id,
					name: 'koala.png',
					size: message.attachments[0]!.size,
				},
			]);
			const one = await s.graph.get(`${base}/${enc(message.attachments[0]!.id)}`);
			expect(one.body['@odata.mediaContentType']).toBe('image/png');
			expect(one.body['@odata.context']).toMatch(/\/attachments\/\$entity$/);
			const value = await s.graph.get(`${base}/${enc(message.attachments[0]!.id)}/$value`);
			expect(value.headers['content-type']).toBe('image/png');
			expect(
				value.raw.equals(
					s.service.attachmentBytes(ADELE.id, message.id, message.attachments[0]!.id)!,
				),
			).toBe(true);
			expect((await s.graph.delete(`${base}/${enc(message.attachments[0]!.id)}`)).status).toBe(204);
			expect((await s.graph.get(`${base}/${enc(message.attachments[0]!.id)}`)).status).toBe(404);
			const inlineOnly = folder(s.service, ADELE.id, 'inbox').messages.find((m) =>
				m.subject.startsWith('Newsletter'),
			)!;
			expect(
				(await s.graph.get(`/me/messages/${enc(inlineOnly.id)}?$select=hasAttachments`)).body
					.hasAttachments,
			).toBe(false);
		});

		it("OData key syntax and case-insensitive segments: Users('id')/Messages('id')/Attachments('id')", async () => {
			const s = setup();
			const message = folder(s.service, ADELE.id, 'inbox').messages.find(
				(m) => m.subject === 'Q3 marketing plan',
			)!;
			const response = await s.graph.get(
				`/Users('${ADELE.id}')/Messages('${message.id}')/Attachments('${message.attachments[0]!.id}')`,
			);
			expect(response.status).toBe(200);
			expect(response.body.name).toBe('q3-plan.txt');
		});
	});

	describe('MIME', () => {
		it('$value is RFC 822 MIME as text/plain and round-trips through sendMail (text/plain, base64)', async () => {
			const s = setup();
			const original = folder(s.service, ADELE.id, 'inbox').messages.find(
				(m) => m.subject === 'Q3 marketing plan',
			)!;
			const mime = await s.graph.get(`/me/messages/${enc(original.id)}/$value`);
			expect(mime.status).toBe(200);
			expect(mime.headers['content-type']).toBe('text/plain');
			const text = mime.raw.toString('utf8');
			expect(text).toMatch(/^From: Megan Bowen <meganb@contoso\.onmicrosoft\.com>\r\n/);
			expect(text).toContain('Subject: Q3 marketing plan\r\n');
			expect(text).toContain(`Message-ID: ${original.internetMessageId}`);
			expect(text).toContain('filename="q3-plan.txt"');
			// Megan may resend her own mail
			s.service.grant(MEGAN.id, ADELE.id, { sendAs: true });
			const resend = await s
				.as(ADELE.id, [...SCOPES, 'Mail.Send.Shared'])
				.post('/me/sendMail', undefined, {
					rawBody: mime.raw.toString('base64').replace(/(.{76})/g, '$1\n'),
					headers: { 'Content-Type': 'text/plain' },
				});
			expect(resend.status).toBe(202);
			const copy = folder(s.service, ALEX.id, 'inbox').messages.find(
				(m) => m.subject === 'Q3 marketing plan',
			)!;
			expect(copy.body.content).toContain('<b>Q3 plan</b>');
			expect(s.service.attachmentBytes(ALEX.id, copy.id, copy.attachments[0]!.id)!.toString()).toBe(
				'Q3 plan\n1. Launch\n2. Grow\n',
			);
		});

		it('MIME: encoded words, Bcc, quoted-printable; bad base64 and missing recipients are refused', async () => {
			const s = setup();
			const mime = [
				`From: "Vance, Adele" <${ADELE.userPrincipalName}>`,
				`To: =?utf-8?B?${Buffer.from('Mégan').toString('base64')}?= <${MEGAN.userPrincipalName}>`,
				`Bcc: ${ALEX.userPrincipalName}`,
				`Subject: =?utf-8?Q?Gr=C3=BC=C3=9Fe?=`,
				'X-Trace: abc',
				'MIME-Version: 1.0',
				'Content-Type: text/plain; charset=utf-8',
				'Content-Transfer-Encoding: quoted-printable',
				'',
				'caf=C3=A9 =',
				'time',
			].join('\r\n');
			const send = (raw: string) =>
				s.client.request('POST', '/me/sendMail', {
					rawBody: raw,
					headers: { 'Content-Type': 'text/plain' },
				});
			expect((await send(Buffer.from(mime).toString('base64'))).status).toBe(202);
			const copy = folder(s.service, ALEX.id, 'inbox').messages.find((m) => m.subject === 'Grüße')!;
			expect(copy.body).toEqual({ contentType: 'text', content: 'café time' });
			expect(copy.internetMessageHeaders).toEqual([{ name: 'X-Trace', value: 'abc' }]);
			expect(copy.bcc).toEqual([]);
			const bad = await send('not*base64!');
			expect(bad.status).toBe(400);
			expect(bad.body.error).toEqual({
				code: 'ErrorMimeContentInvalidBase64String',
				message: 'Invalid base64 string for MIME content.',
			});
			const noTo = await send(Buffer.from('Subject: x\r\n\r\nbody').toString('base64'));
			expect(noTo.body.error.code).toBe('ErrorInvalidRecipients');
			const otherFrom = await send(
				Buffer.from(
					`From: ${MEGAN.userPrincipalName}\r\nTo: ${ALEX.userPrincipalName}\r\n\r\nx`,
				).toString('base64'),
			);
			expect(otherFrom.status).toBe(403);
			expect(otherFrom.body.error.code).toBe('ErrorSendAsDenied');
		});
	});

	describe('mailbox access and users', () => {
		it('GET /me and /users/{id|upn}; unknown users are 404', async () => {
			const s = setup();
			const me = await s.graph.get('/me');
			expect(Object.keys(me.body)).toEqual([
				'@odata.context',
				'businessPhones',
				'displayName',
				'givenName',
				'jobTitle',
				'mail',
				'mobilePhone',
				'officeLocation',
				'preferredLanguage',
				'surname',
				'userPrincipalName',
				'id',
			]);
			expect(me.body).toMatchObject({
				id: ADELE.id,
				displayName: 'Adele Vance',
				userPrincipalName: ADELE.userPrincipalName,
				mail: ADELE.userPrincipalName,
			});
			expect(
				(await s.graph.get(`/users/${enc(MEGAN.userPrincipalName.toUpperCase())}`)).body.id,
			).toBe(MEGAN.id);
			expect((await s.graph.get(`/users/${MEGAN.id}`)).body.displayName).toBe('Megan Bowen');
			const missing = await s.graph.get('/users/nobody@contoso.onmicrosoft.com');
			expect(missing.status).toBe(404);
			expect(missing.body.error.code).toBe('Request_ResourceNotFound');
			const mailbox = await s.graph.get('/users/nobody@contoso.onmicrosoft.com/messages');
			expect(mailbox.status).toBe(404);
			expect(mailbox.body.error.code).toBe('ErrorInvalidUser');
		});

		it("another user's mailbox needs fullAccess AND a .Shared scope", async () => {
			const s = setup();
			const path = `/users/${enc(MEGAN.userPrincipalName)}/messages`;
			expect((await s.graph.get(path)).body.error.code).toBe('ErrorAccessDenied');
			s.service.grant(MEGAN.id, ADELE.id, { fullAccess: true });
			expect((await s.graph.get(path)).status).toBe(403);
			const readShared = s.as(ADELE.id, ['Mail.Read.Shared']);
			expect((await readShared.get(path)).status).toBe(200);
			expect((await readShared.post(path, { subject: 'draft in megan' })).status).toBe(403);
			const writeShared = s.as(ADELE.id, ['Mail.ReadWrite.Shared']);
			const draft = await writeShared.post(path, { subject: 'draft in megan' });
			expect(draft.status).toBe(201);
			expect(folder(s.service, MEGAN.id, 'drafts').messages.map((m) => m.subject)).toContain(
				'draft in megan',
			);
			expect((await s.as(ALEX.id, ['Mail.ReadWrite.Shared']).get(path)).status).toBe(403);
		});

		it('own mailbox needs the Mail.* scope; Mail.ReadBasic reads no body and no attachments', async () => {
			const s = setup();
			expect((await s.as(ADELE.id, ['User.Read']).get('/me/messages')).status).toBe(403);
			expect(
				(await s.as(ADELE.id, ['Mail.Read']).post('/me/sendMail', simpleMail('x'))).status,
			).toBe(403);
			const basic = s.as(ADELE.id, ['Mail.ReadBasic']);
			const list = await basic.get('/me/messages');
			expect(list.status).toBe(200);
			for (const m of list.body.value) {
				expect(m).not.toHaveProperty('body');
				expect(m).not.toHaveProperty('bodyPreview');
				expect(m).toHaveProperty('subject');
			}
			const withFile = folder(s.service, ADELE.id, 'inbox').messages.find(
				(m) => m.subject === 'Q3 marketing plan',
			)!;
			expect((await basic.get(`/me/messages/${enc(withFile.id)}/attachments`)).status).toBe(403);
		});

		it('unknown segments are 400 BadRequest; a wrong method is 405', async () => {
			const s = setup();
			const unknown = await s.graph.get('/me/calendars');
			expect(unknown.status).toBe(400);
			expect(unknown.body.error.code).toBe('BadRequest');
			expect((await s.client.request('PUT', '/me/messages')).status).toBe(405);
			expect((await s.graph.get('/me/sendMail')).status).toBe(405);
		});
	});
});

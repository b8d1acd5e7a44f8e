/**
 * Microsoft's documented requests and responses (test/vectors), replayed against the real
 * emulator over loopback HTTP: requests adapted to the emulator's base URL and ids, answers checked
 * against the documented shapes.
 */
import { startEmulator, type Emulator } from '../../emulator/server';
import { DEMO_USERS } from '../../emulator/mail/index';
import { api, HttpClient } from './support/mail-client';
import { loadVectors } from '../harness/vectors';

interface Vector {
	title: string;
	method: string;
	url: string;
	request_headers: Record<string, string>;
	body?: unknown;
	request_body?: unknown;
	expected_response?: { status: number; body: unknown };
	response?: { status: number; headers?: Record<string, string>; body?: Record<string, unknown> };
	historical?: boolean;
}

const load = (file: string) => loadVectors<Vector>(file);
const sendVectors = load('sendmail_examples.json');
const extraVectors = load('sendmail_extra_examples.json');
const listVectors = load('list_examples.json');
const uploadVectors = load('upload_examples.json');
const vector = (list: Vector[], prefix: string) => {
	const found = list.find((v) => v.title.startsWith(prefix));
	if (!found) throw new Error(`no vector ${prefix}`);
	return found;
};

const FULL_SCOPES = [
	'openid',
	'profile',
	'offline_access',
	'User.Read',
	'Mail.ReadWrite',
	'Mail.Send',
];
const ISO_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const enc = encodeURIComponent;

describe('mail service: documented vectors over HTTP', () => {
	let emulator: Emulator;
	let adele: HttpClient;
	let graph: ReturnType<typeof api>;

	const tokenFor = (upn: string, scopes = FULL_SCOPES) =>
		emulator.control.issueTokens({ upn, scopes }).access_token;
	const folderOf = (upn: string, wellKnown: string) =>
		emulator.mail.mailbox(upn).folders.find((f) => f.wellKnownName === wellKnown)!;

	beforeAll(async () => {
		emulator = await startEmulator({ seed: 'demo' });
		adele = new HttpClient(
			{ graphBaseUrl: emulator.graphBaseUrl, uploadBaseUrl: emulator.uploadBaseUrl },
			tokenFor(DEMO_USERS.adele.userPrincipalName),
		);
		graph = api(adele);
	});
	afterAll(() => emulator.stop());

	describe('sendMail (user-sendmail.md, current and older revision)', () => {
		const sendVector = (v: Vector) =>
			adele.request('POST', '/me/sendMail', {
				headers: v.request_headers,
				...(typeof v.body === 'string' ? { rawBody: v.body } : { body: v.body }),
			});

		it.each(
			sendVectors.map((v) => [`${v.title}${v.historical ? ' [historical]' : ''}`, v] as const),
		)('%s', async (_title, v) => {
			const response = await sendVector(v);
			if (v.title.startsWith('Example 5')) {
				// strict reading: the body has no `message` wrapper (documented doc bug) -> refused
				expect(response.status).toBe(400);
				expect(response.body.error).toMatchObject({
					code: 'ErrorInvalidParameter',
					message: "The value of the parameter 'Message' is empty.",
				});
			} else if (v.title.startsWith('Example 4 (older revision)')) {
				// truncated base64 in the older doc: the negative MIME vector
				const documented = vector(extraVectors, 'user-sendmail malformed MIME') as unknown as {
					status: number;
					body: { error: object };
				};
				expect(response.status).toBe(documented.status);
				expect(response.body.error).toMatchObject(documented.body.error);
			} else {
				expect(response.status).toBe(v.expected_response!.status);
				expect(response.raw.length).toBe(0);
			}
		});

		it('Example 1: saveToSentItems "false" keeps Sent Items empty; external recipients are counted', async () => {
			const before = emulator.mail.deliveryCounters().delivered;
			const sentBefore = folderOf(DEMO_USERS.adele.userPrincipalName, 'sentitems').messages.length;
			expect((await sendVector(vector(sendVectors, 'Example 1: Send a new email'))).status).toBe(
				202,
			);
			expect(folderOf(DEMO_USERS.adele.userPrincipalName, 'sentitems').messages.length).toBe(
				sentBefore,
			);
			expect(emulator.mail.deliveryCounters().delivered).toBe(before + 2); // frannis + danas (external)
		});

		it('Example 2: custom headers reach the recipient (AlexW@contoso.com is Alex) and show with $select', async () => {
			const alexInbox = folderOf(DEMO_USERS.alex.userPrincipalName, 'inbox');
			const copy = alexInbox.messages.find((m) => m.subject === '9/9/2018: concert')!;
			expect(copy.internetMessageHeaders).toEqual([
				{ name: 'x-custom-header-group-name', value: 'Nevada' },
				{ name: 'x-custom-header-group-id', value: 'NV001' },
			]);
			const alex = graph; // Adele reads her Sent Items copy the same way
			const sent = folderOf(DEMO_USERS.adele.userPrincipalName, 'sentitems').messages.find(
				(m) => m.subject === '9/9/2018: concert',
			)!;
			const got = await alex.get(`/me/messages/${enc(sent.id)}?$select=internetMessageHeaders`);
			expect(got.status).toBe(200);
			expect(got.body.internetMessageHeaders).toEqual(copy.internetMessageHeaders);
		});

		it("Example 3: the file attachment arrives in Megan's Inbox", async () => {
			const copy = folderOf(DEMO_USERS.megan.userPrincipalName, 'inbox').messages.find(
				(m) => m.subject === 'Meet for lunch?',
			)!;
			expect(copy.attachments).toMatchObject([
				{ name: 'attachment.txt', contentType: 'text/plain', size: 12, isInline: false },
			]);
			const bytes = emulator.mail.attachmentBytes(
				DEMO_USERS.megan.id,
				copy.id,
				copy.attachments[0]!.id,
			)!;
			expect(bytes.toString()).toBe('Hello World!');
		});

		it('Example 4: the MIME message is decoded (subject, html body, attachment)', async () => {
			const copy = folderOf(DEMO_USERS.alex.userPrincipalName, 'inbox').messages.find(
				(m) => m.subject === 'Test Message',
			)!;
			expect(copy.from?.toLowerCase()).toBe('adelev@contoso.com');
			expect(copy.body.contentType).toBe('html');
			expect(copy.body.content).toContain('test html body');
			expect(copy.attachments.map((a) => a.name)).toEqual(['test.txt']);
			const bytes = emulator.mail.attachmentBytes(
				DEMO_USERS.alex.id,
				copy.id,
				copy.attachments[0]!.id,
			)!;
			expect(bytes.toString()).toContain('this is the attachment text');
		});
	});

	describe('sendMail from another user (outlook-send-mail-from-other-user.md)', () => {
		it('Example 1: 202 with a sendOnBehalf grant and Mail.Send.Shared; sender = the signed-in user', async () => {
			const allan = emulator.control.addUser({
				userPrincipalName: 'AllanD@contoso.com',
				displayName: 'Allan Deyoung',
			});
			emulator.control.grant({
				mailboxId: allan.id,
				delegateId: DEMO_USERS.adele.id,
				sendOnBehalf: true,
			});
			const v = vector(extraVectors, 'outlook-send-mail-from-other-user Example 1');
			const shared = adele.withToken(
				tokenFor(DEMO_USERS.adele.userPrincipalName, [...FULL_SCOPES, 'Mail.Send.Shared']),
			);
			const response = await shared.request('POST', '/me/sendmail', {
				headers: v.request_headers,
				body: v.body,
			});
			expect(response.status).toBe(v.expected_response!.status);
			const copy = folderOf(DEMO_USERS.megan.userPrincipalName, 'inbox').messages.find(
				(m) => m.subject === 'Expense reports',
			)!;
			expect(copy.from).toBe('AllanD@contoso.com');
			const got = await api(adele.withToken(tokenFor(DEMO_USERS.megan.userPrincipalName))).get(
				`/me/messages/${enc(copy.id)}?$select=sender,from`,
			);
			expect(got.body.sender.emailAddress.address).toBe(DEMO_USERS.adele.userPrincipalName);
			expect(got.body.from.emailAddress).toEqual({
				name: 'Allan Deyoung',
				address: 'AllanD@contoso.com',
			});
		});

		it('Example 1 without the grant or without Mail.Send.Shared: 403 ErrorSendAsDenied', async () => {
			const v = vector(extraVectors, 'outlook-send-mail-from-other-user Example 1');
			const noShared = await adele.request('POST', '/me/sendmail', {
				headers: v.request_headers,
				body: v.body,
			});
			expect(noShared.status).toBe(403);
			expect(noShared.body.error.code).toBe('ErrorSendAsDenied');
		});

		it('Example 2: 403 ErrorSendAsDenied with the documented body', async () => {
			const v = vector(extraVectors, 'outlook-send-mail-from-other-user Example 2');
			const shared = adele.withToken(
				tokenFor(DEMO_USERS.adele.userPrincipalName, [...FULL_SCOPES, 'Mail.Send.Shared']),
			);
			const response = await shared.request('POST', '/me/sendmail', {
				headers: v.request_headers,
				body: v.body,
			});
			const documented = v.expected_response as unknown as {
				status: number;
				body: { error: { code: string; message: string } };
			};
			expect(response.status).toBe(documented.status);
			expect(response.body.error.code).toBe(documented.body.error.code);
			expect(response.body.error.message).toBe(documented.body.error.message);
			expect(Object.keys(response.body.error.innerError)).toEqual(
				expect.arrayContaining(['request-id', 'date']),
			);
		});
	});

	describe('list and get (user-list-messages, mailfolder-list-messages, message-get)', () => {
		it('List messages Example 1: $select=sender,subject shape; nextLink absolute with an opaque $skiptoken', async () => {
			const v = vector(listVectors, 'List messages - Example 1 (current doc)');
			const response = await graph.get('/me/messages?$select=sender,subject&$top=2');
			expect(response.status).toBe(200);
			const documented = v.response!.body as {
				'@odata.context': string;
				value: Array<Record<string, unknown>>;
			};
			expect(Object.keys(response.body)).toEqual(['@odata.context', '@odata.nextLink', 'value']);
			expect(response.body['@odata.context']).toBe(
				`${emulator.graphBaseUrl}/v1.0/$metadata#users('${DEMO_USERS.adele.id}')/messages(sender,subject)`,
			);
			expect(documented['@odata.context']).toMatch(/\/messages\(sender,subject\)$/);
			for (const item of response.body.value) {
				expect(Object.keys(item)).toEqual(Object.keys(documented.value[0]!));
				expect(item['@odata.etag']).toMatch(/^W\/"[^"]+"$/);
			}
			const next: string = response.body['@odata.nextLink'];
			expect(next.startsWith(`${emulator.graphBaseUrl}/v1.0/me/messages?`)).toBe(true);
			expect(next).toContain('$select=sender%2Csubject');
			expect(next).toMatch(/\$skiptoken=[\w-]{40,}/);
			expect(next).not.toMatch(/\$skip=/);
			const second = await graph.get(next);
			expect(second.status).toBe(200);
			expect(second.body.value[0].id).not.toBe(response.body.value[0].id);
		});

		it('List messages in a mail folder: the documented properties per item', async () => {
			const v = vector(listVectors, 'List messages in a mail folder');
			const inbox = folderOf(DEMO_USERS.adele.userPrincipalName, 'inbox');
			const response = await graph.get(`/me/mailFolders/${enc(inbox.id)}/messages`);
			expect(response.status).toBe(200);
			const documentedKeys = Object.keys((v.response!.body as { value: object[] }).value[0]!);
			for (const item of response.body.value)
				expect(Object.keys(item)).toEqual(expect.arrayContaining(documentedKeys));
		});

		it('Get message Example 1: the full resource in the documented key order and formats', async () => {
			const v = vector(listVectors, 'Get message - Example 1');
			const sent = folderOf(DEMO_USERS.adele.userPrincipalName, 'sentitems').messages.find(
				(m) => m.subject === '9/9/2018: concert',
			)!;
			const response = await graph.get(`/me/messages/${enc(sent.id)}`);
			expect(response.status).toBe(200);
			const body = response.body;
			expect(Object.keys(body)).toEqual(Object.keys(v.response!.body!));
			expect(body['@odata.context']).toBe(
				`${emulator.graphBaseUrl}/v1.0/$metadata#users('${DEMO_USERS.adele.id}')/messages/$entity`,
			);
			expect(body['@odata.etag']).toBe(`W/"${body.changeKey}"`);
			for (const key of [
				'createdDateTime',
				'lastModifiedDateTime',
				'receivedDateTime',
				'sentDateTime',
			])
				expect(body[key]).toMatch(ISO_SECONDS);
			expect(body.webLink).toBe(
				`https://outlook.office365.com/owa/?ItemID=${enc(body.id)}&exvsurl=1&viewmodel=ReadMessageItem`,
			);
			expect(body.internetMessageId).toMatch(/^<[^@>]+@emulator\.local>$/);
			expect(body.body.content).toBe(
				(v.response!.body as { body: { content: string } }).body.content,
			); // same HTML envelope as Exchange
			expect(body.bodyPreview).toBe('The group represents Nevada.');
			// current or older revision of Example 2: both address Alex (contoso.com is his proxy address)
			expect(body.toRecipients).toEqual([
				{
					emailAddress: {
						name: 'Alex Wilber',
						address: expect.stringMatching(/^AlexW@contoso\.(com|OnMicrosoft\.com)$/),
					},
				},
			]);
			expect(body.flag).toEqual({ flagStatus: 'notFlagged' });
			expect(body.hasAttachments).toBe(false);
			expect(body.isDraft).toBe(false);
		});

		it('Get message Example 2: $select=internetMessageHeaders (trailing slash in the path)', async () => {
			const v = vector(listVectors, 'Get message - Example 2');
			const sent = folderOf(DEMO_USERS.adele.userPrincipalName, 'sentitems').messages.find(
				(m) => m.subject === '9/9/2018: concert',
			)!;
			const response = await graph.get(
				`/me/messages/${enc(sent.id)}/?$select=internetMessageHeaders`,
			);
			expect(response.status).toBe(200);
			expect(Object.keys(response.body)).toEqual(Object.keys(v.response!.body!));
			expect(response.body['@odata.context']).toMatch(
				/\/messages\(internetMessageHeaders\)\/\$entity$/,
			);
		});

		it('Get message Example 3: Prefer outlook.body-content-type="text" with $select', async () => {
			const v = vector(listVectors, 'Get message - Example 3');
			const inbox = folderOf(DEMO_USERS.adele.userPrincipalName, 'inbox');
			const html = inbox.messages.find((m) => m.subject === 'Q3 marketing plan')!;
			const response = await graph.get(
				`/me/messages/${enc(html.id)}/?$select=subject,body,bodyPreview,uniqueBody`,
				{
					headers: v.request_headers,
				},
			);
			expect(response.status).toBe(200);
			expect(response.headers['preference-applied']).toBe(
				v.response!.headers!['Preference-Applied'],
			);
			expect(Object.keys(response.body)).toEqual(Object.keys(v.response!.body!));
			expect(response.body['@odata.context']).toMatch(
				/\/messages\(subject,body,bodyPreview,uniqueBody\)\/\$entity$/,
			);
			expect(response.body.body.contentType).toBe('text');
			expect(response.body.body.content).not.toMatch(/<[a-z]/i);
			expect(response.body.body.content).toContain('Q3 plan');
		});

		it('Message delta with Prefer: odata.maxpagesize=2: nextLink pages, then a deltaLink', async () => {
			const v = vector(listVectors, 'Message delta');
			const first = await graph.get('/me/mailFolders/inbox/messages/delta', {
				headers: v.request_headers,
			});
			expect(first.status).toBe(200);
			expect(first.body.value).toHaveLength(2);
			expect(first.body['@odata.nextLink']).toMatch(
				new RegExp(
					`^${emulator.graphBaseUrl}/v1\\.0/me/mailFolders/inbox/messages/delta\\?\\$skiptoken=`,
				),
			);
			const documentedKeys = Object.keys((v.response!.body as { value: object[] }).value[0]!);
			expect(Object.keys(first.body.value[0])).toEqual(expect.arrayContaining(documentedKeys));
			let page = first;
			let seen = first.body.value.length;
			while (page.body['@odata.nextLink']) {
				page = await graph.get(page.body['@odata.nextLink'], { headers: v.request_headers });
				seen += page.body.value.length;
			}
			expect(page.body['@odata.deltaLink']).toMatch(/\/delta\?\$deltatoken=/);
			expect(seen).toBe(folderOf(DEMO_USERS.adele.userPrincipalName, 'inbox').messages.length);
		});

		it('List attachments of a message: the documented properties (with #microsoft.graph.fileAttachment)', async () => {
			const v = vector(listVectors, 'List attachments of a message');
			const withFile = folderOf(DEMO_USERS.adele.userPrincipalName, 'inbox').messages.find(
				(m) => m.subject === 'Q3 marketing plan',
			)!;
			const response = await graph.get(`/me/messages/${enc(withFile.id)}/attachments`);
			expect(response.status).toBe(200);
			const documented = (v.response!.body as { value: Array<Record<string, unknown>> }).value[0]!;
			expect(Object.keys(response.body.value[0]).sort()).toEqual(Object.keys(documented).sort());
			expect(response.body.value[0]['@odata.type']).toBe('#microsoft.graph.fileAttachment');
			expect(Buffer.from(response.body.value[0].contentBytes, 'base64').toString()).toContain(
				'Q3 plan',
			);
		});
	});

	describe('draft -> attachments -> upload session -> send (upload_examples.json)', () => {
		let draftId: string;
		let smallAttachmentId: string;

		it('1. create the draft: 201, isDraft, the documented resource', async () => {
			const v = vector(uploadVectors, '1. Create draft message');
			const response = await graph.post('/me/messages', v.request_body, {
				headers: v.request_headers,
			});
			expect(response.status).toBe(v.response!.status);
			const documented = v.response!.body!;
			const expectedKeys = Object.keys(documented).filter((k) => k !== 'conversationIndex');
			expect(Object.keys(response.body)).toEqual(expect.arrayContaining(expectedKeys));
			expect(response.body).toMatchObject({
				isDraft: true,
				isRead: true,
				importance: 'low',
				subject: documented.subject,
				bodyPreview: documented.bodyPreview,
				body: documented.body,
				toRecipients: documented.toRecipients,
				parentFolderId: folderOf(DEMO_USERS.adele.userPrincipalName, 'drafts').id,
			});
			draftId = response.body.id;
		});

		it("1b. a small file attachment: the doc's truncated base64 is 400; padded it is 201, content type recognised (image/gif)", async () => {
			const v = vector(uploadVectors, '1b.');
			// the doc's contentBytes (15 chars) is not valid base64 (microsoft-graph-docs#18914)
			const truncated = await graph.post(
				`/me/messages/${enc(draftId)}/attachments`,
				v.request_body,
				{ headers: v.request_headers },
			);
			expect(truncated.status).toBe(400);
			expect(truncated.body.error.code).toBe('RequestBodyRead');
			const documentedBody = v.request_body as { contentBytes: string };
			const padded = { ...documentedBody, contentBytes: `${documentedBody.contentBytes}=` };
			const response = await graph.post(`/me/messages/${enc(draftId)}/attachments`, padded, {
				headers: v.request_headers,
			});
			expect(response.status).toBe(201);
			const documented = v.response!.body!;
			expect(Object.keys(response.body)).toEqual(expect.arrayContaining(Object.keys(documented)));
			expect(response.body).toMatchObject({
				name: 'smile',
				contentType: 'image/gif',
				isInline: false,
				contentId: null,
			});
			expect(Buffer.from(response.body.contentBytes, 'base64')).toEqual(
				Buffer.from(documented.contentBytes as string, 'base64'),
			);
			smallAttachmentId = response.body.id;
		});

		it('1c. an item attachment (event): 201 with the documented properties', async () => {
			const v = vector(uploadVectors, '1c.');
			const response = await graph.post(
				`/me/messages/${enc(draftId)}/attachments`,
				v.request_body,
				{ headers: v.request_headers },
			);
			expect(response.status).toBe(201);
			expect(Object.keys(response.body)).toEqual(
				expect.arrayContaining(Object.keys(v.response!.body!)),
			);
			expect(response.body).toMatchObject({
				'@odata.type': '#microsoft.graph.itemAttachment',
				name: 'Holiday event',
				contentType: null,
				isInline: false,
			});
		});

		async function uploadAll(uploadUrl: string, bytes: Buffer, chunk: number): Promise<string> {
			let location = '';
			for (let start = 0; start < bytes.length; start += chunk) {
				const part = bytes.subarray(start, Math.min(start + chunk, bytes.length));
				const end = start + part.length - 1;
				const put = await adele.upload('PUT', uploadUrl, {
					rawBody: part,
					headers: {
						'Content-Type': 'application/octet-stream',
						'Content-Range': `bytes ${start}-${end}/${bytes.length}`,
					},
				});
				if (end + 1 < bytes.length) {
					expect(put.status).toBe(200);
					expect(put.body).toEqual({
						'@odata.context': expect.any(String),
						ExpirationDateTime: expect.stringMatching(/Z$/),
						nextExpectedRanges: [String(end + 1)],
					});
				} else {
					expect(put.status).toBe(201);
					expect(put.raw.length).toBe(0);
					location = put.headers.location ?? '';
				}
			}
			return location;
		}

		const flower = Buffer.alloc(3483322, 7);

		it('2a/2c + 3a/3b: createUploadSession, two PUTs (200 then 201 + Location), 3d: GET the Location', async () => {
			const session = vector(uploadVectors, '2a.');
			const created = await graph.post(
				`/me/messages/${enc(draftId)}/attachments/createUploadSession`,
				session.request_body,
				{
					headers: session.request_headers,
				},
			);
			expect(created.status).toBe(201);
			expect(Object.keys(created.body)).toEqual(Object.keys(session.response!.body!));
			expect(created.body['@odata.context']).toBe(
				`${emulator.graphBaseUrl}/v1.0/$metadata#microsoft.graph.uploadSession`,
			);
			expect(created.body.nextExpectedRanges).toEqual(['0-']);
			expect(created.body.uploadUrl).toMatch(
				new RegExp(`^${emulator.uploadBaseUrl}/upload/[\\w-]+\\?authtoken=[\\w-]+$`),
			);

			const first = vector(uploadVectors, '3a.');
			const location = await uploadAll(
				created.body.uploadUrl,
				flower,
				Number(first.request_headers['Content-Length']),
			);
			const id = /Attachments\('([^']+)'\)$/i.exec(location)![1]!;
			expect(location.startsWith(`${emulator.graphBaseUrl}/v1.0/`)).toBe(true);

			const meta = vector(uploadVectors, '3d.');
			const got = await graph.get(
				`${location}?$select=lastModifiedDateTime,name,contentType,size,isInline`,
			);
			expect(got.status).toBe(200);
			expect(Object.keys(got.body)).toEqual(Object.keys(meta.response!.body!));
			expect(got.body).toMatchObject({
				id,
				name: 'flower',
				size: flower.length,
				isInline: false,
				'@odata.type': '#microsoft.graph.fileAttachment',
			});
			const value = await graph.get(`/me/messages/${enc(draftId)}/attachments/${enc(id)}/$value`);
			expect(value.status).toBe(200);
			expect(value.raw.equals(flower)).toBe(true);
		});

		it('2b: an inline upload (contentId) is stored inline; hasAttachments still counts the file ones', async () => {
			const v = vector(uploadVectors, '2b.');
			const created = await graph.post(
				`/me/messages/${enc(draftId)}/attachments/createUploadSession`,
				v.request_body,
				{
					headers: v.request_headers,
				},
			);
			expect(created.status).toBe(201);
			const size = (v.request_body as { AttachmentItem: { size: number } }).AttachmentItem.size;
			await uploadAll(created.body.uploadUrl, Buffer.alloc(size, 1), 4 * 1024 * 1024);
			const list = await graph.get(
				`/me/messages/${enc(draftId)}/attachments?$select=name,isInline,contentId,size`,
			);
			expect(list.body.value).toContainEqual({
				'@odata.type': '#microsoft.graph.fileAttachment',
				id: expect.any(String),
				name: 'scenary',
				size,
				isInline: true,
				contentId: 'my_inline_picture',
			});
		});

		it('3c: DELETE on the upload URL cancels (204); the URL is dead afterwards', async () => {
			const v = vector(uploadVectors, '2a.');
			const created = await graph.post(
				`/me/messages/${enc(draftId)}/attachments/createUploadSession`,
				v.request_body,
				{ headers: v.request_headers },
			);
			const cancel = await adele.upload('DELETE', created.body.uploadUrl);
			expect(cancel.status).toBe(vector(uploadVectors, '3c.').response!.status);
			const after = await adele.upload('PUT', created.body.uploadUrl, {
				rawBody: Buffer.alloc(10),
				headers: { 'Content-Range': 'bytes 0-9/3483322' },
			});
			expect(after.status).toBe(404);
		});

		it('4: send the draft (no body): 202; it moves to Sent Items and Adele receives it with every attachment', async () => {
			const v = vector(uploadVectors, '4. Send the draft');
			const response = await adele.request('POST', `/me/messages/${enc(draftId)}/send`, {
				headers: { 'Content-Length': '0' },
			});
			expect(response.status).toBe(v.response!.status);
			expect(response.raw.length).toBe(0);
			expect((await graph.get(`/me/messages/${enc(draftId)}`)).status).toBe(404);
			const sent = folderOf(DEMO_USERS.adele.userPrincipalName, 'sentitems').messages.find(
				(m) => m.subject === "Did you see last night's game?",
			)!;
			expect(sent.isDraft).toBe(false);
			const received = folderOf(DEMO_USERS.adele.userPrincipalName, 'inbox').messages.find(
				(m) => m.subject === "Did you see last night's game?",
			)!;
			expect(received.isRead).toBe(false);
			expect(received.internetMessageId).toBe(sent.internetMessageId);
			expect(received.attachments.map((a) => a.name).sort()).toEqual([
				'Holiday event',
				'flower',
				'scenary',
				'smile',
			]);
			expect(smallAttachmentId).toBeDefined();
		});

		it('4 (batch-friendly form): POST /send with `{}` is accepted too', async () => {
			const draft = await graph.post('/me/messages', {
				subject: 'with braces',
				toRecipients: [{ emailAddress: { address: 'meganb@contoso.com' } }],
			});
			const response = await graph.post(`/me/messages/${enc(draft.body.id)}/send`, {});
			expect(response.status).toBe(202);
		});
	});
});

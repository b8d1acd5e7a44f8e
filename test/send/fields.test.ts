/**
 * Send: every field reaches Graph as documented (recorded requests compared with the documented
 * bodies in test/vectors), and what the emulator stored and delivered.
 */

import type { IDataObject } from 'n8n-workflow';

import { setBinaryMode, storeBinary } from '../harness/binaryData';
import {
	ADELE,
	ALEX,
	MEGAN,
	attachmentsOption,
	bySubject,
	runSend,
	runSendOk,
	sendParams,
	startSendEnvironment,
	uniqueSubject,
	type SendEnvironment,
} from './support';
import { loadVectors } from '../harness/vectors';

interface Vector {
	title: string;
	body: { message: IDataObject; saveToSentItems?: unknown };
	historical?: boolean;
}
const vectors = (file: string) => loadVectors<Vector>(file);
const examples = vectors('sendmail_examples.json').filter((v) => !v.historical);
const vector = (prefix: string) => examples.find((v) => v.title.startsWith(prefix))!;

/** The doc sends saveToSentItems as the string "false"; the node sends the boolean. */
function normalise(body: unknown): unknown {
	const copy = JSON.parse(JSON.stringify(body)) as IDataObject;
	if (copy.saveToSentItems !== undefined) copy.saveToSentItems = String(copy.saveToSentItems);
	return copy;
}

/** Exactly Once (on by default) stamps the item's key as the internetMessageId. */
const KEY_ID = /^<[0-9a-f]{32}\.[0-9a-z]+@graph-mail\.n8n>$/;

/** The request body without the stamped key (checked), for comparison with the documented body. */
function withoutKey(body: unknown): IDataObject {
	const copy = JSON.parse(JSON.stringify(body)) as { message: IDataObject };
	expect(copy.message.internetMessageId).toMatch(KEY_ID);
	delete copy.message.internetMessageId;
	return copy as unknown as IDataObject;
}

const PIXEL_PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
	'base64',
);

let env: SendEnvironment;

beforeAll(async () => {
	await setBinaryMode('default');
	env = await startSendEnvironment();
});
afterAll(async () => {
	await env.stop();
});
beforeEach(() => env.clear());

const sendMailRequests = () => env.graphRequests('POST', /\/sendMail$/);

describe('the documented sendMail examples', () => {
	it('Example 1: text body, to + cc, saveToSentItems false', async () => {
		const doc = vector('Example 1');
		const message = doc.body.message as { subject: string; body: { content: string } };
		const items = await runSendOk(
			env,
			sendParams(
				{
					toRecipients: 'frannis@contoso.com',
					ccRecipients: 'danas@contoso.com',
					subject: message.subject,
					bodyContentType: 'text',
					bodyContent: message.body.content,
				},
				{ saveToSentItems: false },
			),
		);
		expect(items[0]!.json).toMatchObject({
			status: 'sent',
			method: 'sendMail',
			recipients: { to: 1, cc: 1, bcc: 0 },
		});
		const [request] = sendMailRequests();
		expect(request!.path).toBe('/me/sendMail');
		expect(request!.headers['content-type']).toMatch(/^application\/json/);
		expect(normalise(withoutKey(request!.json))).toEqual(normalise(doc.body));
		expect(request!.bodyBytes).toBe(items[0]!.json.requestBytes);
	});

	it('Example 2: HTML body and custom Internet message headers', async () => {
		const doc = vector('Example 2');
		const message = doc.body.message as { subject: string; body: { content: string } };
		await runSendOk(
			env,
			sendParams(
				{
					toRecipients: 'AlexW@contoso.com',
					subject: message.subject,
					bodyContentType: 'html',
					bodyContent: message.body.content,
				},
				{
					customHeaders: {
						header: [
							{ name: 'x-custom-header-group-name', value: 'Nevada' },
							{ name: 'x-custom-header-group-id', value: 'NV001' },
						],
					},
				},
			),
		);
		expect(withoutKey(sendMailRequests()[0]!.json)).toEqual(doc.body);
		// Alex's copy carries the headers.
		const [received] = bySubject(env.folder(ALEX.id, 'inbox'), message.subject);
		expect(received!.internetMessageHeaders).toEqual(
			expect.arrayContaining([
				{ name: 'x-custom-header-group-name', value: 'Nevada' },
				{ name: 'x-custom-header-group-id', value: 'NV001' },
			]),
		);
	});

	it('Example 3: a file attachment', async () => {
		const doc = vector('Example 3');
		const message = doc.body.message as { subject: string; body: { content: string } };
		const binary = await storeBinary(Buffer.from('Hello World!'), {
			fileName: 'attachment.txt',
			mimeType: 'text/plain',
		});
		await runSendOk(
			env,
			sendParams(
				{
					toRecipients: 'meganb@contoso.com',
					subject: message.subject,
					bodyContentType: 'text',
					bodyContent: message.body.content,
				},
				attachmentsOption({ binaryPropertyName: 'data' }),
			),
			{ items: [{ json: {}, binary: { data: binary } }] },
		);
		expect(withoutKey(sendMailRequests()[0]!.json)).toEqual(doc.body);
	});
});

describe('fields', () => {
	it('maps every field and option, and Graph stores them', async () => {
		const subject = uniqueSubject('All fields');
		const items = await runSendOk(
			env,
			sendParams(
				{
					toRecipients: `"Bowen, Megan" <${MEGAN.userPrincipalName}>; ${ALEX.userPrincipalName}`,
					ccRecipients: '={{ ["cc1@example.com", "CC Two <cc2@example.com>"] }}',
					bccRecipients: 'hidden@example.com',
					replyTo: 'Replies <replies@example.com>',
					subject,
					bodyContentType: 'html',
					bodyContent: '<p>Hello <b>there</b></p>',
				},
				{
					importance: 'high',
					readReceipt: true,
					deliveryReceipt: true,
					categories: 'Orders, Follow up',
					customHeaders: { header: [{ name: 'X-Order-Number', value: 'A-1001' }] },
				},
			),
		);
		expect(items[0]!.json).toEqual({
			status: 'sent',
			mailbox: 'me',
			method: 'sendMail',
			recipients: { to: 2, cc: 2, bcc: 1 },
			attachments: [],
			requestBytes: sendMailRequests()[0]!.bodyBytes,
			internetMessageId: (sendMailRequests()[0]!.json!.message as IDataObject).internetMessageId,
			alreadySent: false,
		});
		expect(items[0]!.pairedItem).toEqual({ item: 0 });
		expect(withoutKey(sendMailRequests()[0]!.json)).toEqual({
			message: {
				subject,
				body: { contentType: 'HTML', content: '<p>Hello <b>there</b></p>' },
				toRecipients: [
					{ emailAddress: { address: MEGAN.userPrincipalName, name: 'Bowen, Megan' } },
					{ emailAddress: { address: ALEX.userPrincipalName } },
				],
				ccRecipients: [
					{ emailAddress: { address: 'cc1@example.com' } },
					{ emailAddress: { address: 'cc2@example.com', name: 'CC Two' } },
				],
				bccRecipients: [{ emailAddress: { address: 'hidden@example.com' } }],
				replyTo: [{ emailAddress: { address: 'replies@example.com', name: 'Replies' } }],
				importance: 'high',
				isReadReceiptRequested: true,
				isDeliveryReceiptRequested: true,
				internetMessageHeaders: [{ name: 'X-Order-Number', value: 'A-1001' }],
				categories: ['Orders', 'Follow up'],
			},
		});
		// What Graph stored in Sent Items.
		const [sent] = bySubject(env.folder(ADELE.id, 'sentitems'), subject);
		const stored = await env.graphGet(
			ADELE.id,
			`/me/messages/${encodeURIComponent(sent!.id)}?$select=importance,isReadReceiptRequested,isDeliveryReceiptRequested,categories,replyTo,bccRecipients,internetMessageHeaders,body`,
		);
		expect(stored).toMatchObject({
			importance: 'high',
			isReadReceiptRequested: true,
			isDeliveryReceiptRequested: true,
			categories: ['Orders', 'Follow up'],
			replyTo: [{ emailAddress: { address: 'replies@example.com', name: 'Replies' } }],
			bccRecipients: [{ emailAddress: { address: 'hidden@example.com' } }],
		});
		expect(sent!.internetMessageHeaders).toEqual(
			expect.arrayContaining([{ name: 'X-Order-Number', value: 'A-1001' }]),
		);
		expect(bySubject(env.folder(MEGAN.id, 'inbox'), subject)).toHaveLength(1);
	});

	it('saveToSentItems false: delivered, no copy in Sent Items', async () => {
		const subject = uniqueSubject('Not saved');
		await runSendOk(env, sendParams({ subject }, { saveToSentItems: false }));
		expect(sendMailRequests()[0]!.json).toMatchObject({ saveToSentItems: false });
		expect(bySubject(env.folder(ADELE.id, 'sentitems'), subject)).toHaveLength(0);
		expect(bySubject(env.folder(MEGAN.id, 'inbox'), subject)).toHaveLength(1);
		// With the option on, the request does not carry the parameter at all.
		env.clear();
		await runSendOk(
			env,
			sendParams({ subject: uniqueSubject('Saved') }, { saveToSentItems: true }),
		);
		expect(sendMailRequests()[0]!.json).not.toHaveProperty('saveToSentItems');
	});

	it('an inline image referenced by cid', async () => {
		const subject = uniqueSubject('Inline image');
		const logo = await storeBinary(PIXEL_PNG, { fileName: 'logo.png', mimeType: 'image/png' });
		const report = await storeBinary(Buffer.from('a,b\n1,2\n'), {
			fileName: 'report.csv',
			mimeType: 'text/csv',
		});
		const items = await runSendOk(
			env,
			sendParams(
				{ subject, bodyContentType: 'html', bodyContent: '<p>Our logo:</p><img src="cid:logo">' },
				attachmentsOption(
					{ binaryPropertyName: 'logo', isInline: true, contentId: 'logo' },
					{ binaryPropertyName: 'report' },
				),
			),
			{ items: [{ json: {}, binary: { logo, report } }] },
		);
		expect(items[0]!.json.attachments).toEqual([
			{
				name: 'logo.png',
				size: PIXEL_PNG.length,
				contentType: 'image/png',
				isInline: true,
				uploadedVia: 'inline',
			},
			{
				name: 'report.csv',
				size: 8,
				contentType: 'text/csv',
				isInline: false,
				uploadedVia: 'inline',
			},
		]);
		const attachments = (sendMailRequests()[0]!.json!.message as IDataObject).attachments;
		expect(attachments).toEqual([
			{
				'@odata.type': '#microsoft.graph.fileAttachment',
				name: 'logo.png',
				contentType: 'image/png',
				contentBytes: PIXEL_PNG.toString('base64'),
				isInline: true,
				contentId: 'logo',
			},
			{
				'@odata.type': '#microsoft.graph.fileAttachment',
				name: 'report.csv',
				contentType: 'text/csv',
				contentBytes: Buffer.from('a,b\n1,2\n').toString('base64'),
			},
		]);
		const [received] = bySubject(env.folder(MEGAN.id, 'inbox'), subject);
		expect(received!.body.content).toContain('cid:logo');
		expect(received!.attachments).toEqual([
			expect.objectContaining({ name: 'logo.png', isInline: true, contentId: 'logo' }),
			expect.objectContaining({ name: 'report.csv', isInline: false }),
		]);
	});

	it('the mailbox is evaluated per item and URL-encoded', async () => {
		const shared = env.emulator.control.addUser({
			userPrincipalName: 'ops+shared@contoso.onmicrosoft.com',
			displayName: 'Ops Shared',
		});
		env.emulator.control.grant({
			mailboxId: shared.id,
			delegateId: ADELE.id,
			fullAccess: true,
			sendAs: true,
		});
		const subject = uniqueSubject('Per mailbox');
		const items = await runSendOk(
			env,
			sendParams(
				{ subject: `={{ "${subject} " + $json.n }}` },
				{ mailbox: '={{ $json.mailbox }}' },
			),
			{
				items: [
					{ json: { n: 1, mailbox: '' } },
					{ json: { n: 2, mailbox: shared.userPrincipalName } },
					{ json: { n: 3, mailbox: shared.id } },
				],
			},
		);
		expect(items.map((item) => item.json.mailbox)).toEqual([
			'me',
			shared.userPrincipalName,
			shared.id,
		]);
		expect(sendMailRequests().map((r) => r.path)).toEqual([
			'/me/sendMail',
			'/users/ops%2Bshared%40contoso.onmicrosoft.com/sendMail',
			`/users/${shared.id}/sendMail`,
		]);
		expect(bySubject(env.folder(ADELE.id, 'sentitems'), `${subject} 1`)).toHaveLength(1);
		expect(bySubject(env.folder(shared.id, 'sentitems'), `${subject} 2`)).toHaveLength(1);
		expect(bySubject(env.folder(shared.id, 'sentitems'), `${subject} 3`)).toHaveLength(1);
		expect(bySubject(env.folder(MEGAN.id, 'inbox'), `${subject} 2`)[0]!.from).toBe(
			shared.userPrincipalName,
		);
	});

	it('a mailbox the account may not use: an error naming the item, the field and the missing permission', async () => {
		const result = await runSend(env, sendParams({}, { mailbox: ALEX.userPrincipalName }));
		expect(result.error?.message).toBe(
			`Mailbox: the connected account may not send through mailbox '${ALEX.userPrincipalName}' [item 0]`,
		);
		expect(result.error?.description).toMatch(/Full Access/);
		expect(result.error?.description).toMatch(/Mail\.Send\.Shared/);
	});

	it('a mailbox that does not exist: an error naming the item and the field', async () => {
		const result = await runSend(
			env,
			sendParams({}, { mailbox: 'nobody@contoso.onmicrosoft.com' }),
		);
		expect(result.error?.message).toBe(
			"Mailbox: Graph found no usable mailbox 'nobody@contoso.onmicrosoft.com' [item 0]",
		);
		expect(result.error?.description).toMatch(/^Graph answered ErrorInvalidUser: /);
	});

	it('From without Send As permission: ErrorSendAsDenied explained', async () => {
		const subject = uniqueSubject('Send as denied');
		const result = await runSend(env, sendParams({ subject }, { from: ALEX.userPrincipalName }));
		expect(sendMailRequests()[0]!.json).toMatchObject({
			message: { from: { emailAddress: { address: ALEX.userPrincipalName } } },
		});
		expect(sendMailRequests()[0]!.status).toBe(403);
		expect(result.error?.message).toBe(
			`From: the connected account has no Send As or Send on Behalf permission on '${ALEX.userPrincipalName}' [item 0]`,
		);
		expect(result.error?.description).toMatch(/Send As or Send on Behalf/);
		expect(result.error?.description).toMatch(/Mail\.Send\.Shared/);
		expect((result.error as { httpCode?: string }).httpCode).toBe('403');
		expect(result.error?.context?.graphCode).toBe('ErrorSendAsDenied');
		expect(bySubject(env.folder(MEGAN.id, 'inbox'), subject)).toHaveLength(0);
	});

	it('From with Send on Behalf permission: sent as the other address', async () => {
		env.emulator.control.grant({ mailboxId: ALEX.id, delegateId: ADELE.id, sendOnBehalf: true });
		const subject = uniqueSubject('On behalf');
		await runSendOk(env, sendParams({ subject }, { from: `Alex <${ALEX.userPrincipalName}>` }));
		const [received] = bySubject(env.folder(MEGAN.id, 'inbox'), subject);
		expect(received!.from).toBe(ALEX.userPrincipalName);
	});

	it('Dry Run: validates, reports payload, size and method, sends nothing', async () => {
		const binary = await storeBinary(Buffer.from('Hello World!'), {
			fileName: 'a.txt',
			mimeType: 'text/plain',
		});
		const items = await runSendOk(
			env,
			sendParams(
				{ subject: 'Dry' },
				{ dryRun: true, ...attachmentsOption({ binaryPropertyName: 'data' }) },
			),
			{
				items: [{ json: {}, binary: { data: binary } }],
			},
		);
		expect(env.recorded).toHaveLength(0);
		expect(items[0]!.json).toMatchObject({
			status: 'dryRun',
			method: 'sendMail',
			attachments: [{ name: 'a.txt', size: 12, uploadedVia: 'inline' }],
			payload: {
				message: { subject: 'Dry', attachments: [{ name: 'a.txt', contentBytes: '<12 bytes>' }] },
			},
		});
		expect(items[0]!.json.requestBytes).toBeGreaterThan(200);
		expect(items[0]!.pairedItem).toEqual({ item: 0 });
	});

	it('Return Sent Message Details: draft, then send; ids of the sent message', async () => {
		const subject = uniqueSubject('Details');
		const items = await runSendOk(env, sendParams({ subject }, { returnDetails: true }));
		// Exactly Once (on by default) looks for the item's key first.
		expect(env.recorded[0]!.method).toBe('GET');
		expect(decodeURIComponent(env.recorded[0]!.path)).toMatch(
			/^\/me\/messages\?\$filter=internetMessageId eq '<[0-9a-f]{32}\./,
		);
		expect(
			env.recorded
				.slice(1)
				.map((r) => `${r.method} ${r.path.replace(/messages\/[^/]+/, 'messages/{id}')}`),
		).toEqual(['POST /me/messages', 'POST /me/messages/{id}/send']);
		expect(env.recorded.every((r) => r.headers.prefer === 'IdType="ImmutableId"')).toBe(true);
		const [sent] = bySubject(env.folder(ADELE.id, 'sentitems'), subject);
		expect(items[0]!.json).toMatchObject({
			status: 'sent',
			method: 'draft',
			internetMessageId: sent!.internetMessageId,
			conversationId: expect.any(String),
			messageId: expect.any(String),
			webLink: expect.stringMatching(/^https:\/\//),
		});
		expect(bySubject(env.folder(ADELE.id, 'drafts'), subject)).toHaveLength(0);
		// The id is immutable: it names the copy in Sent Items.
		const fetched = await env.graphGet(
			ADELE.id,
			`/me/messages/${encodeURIComponent(String(items[0]!.json.messageId))}?$select=subject,isDraft`,
			{
				Prefer: 'IdType="ImmutableId"',
			},
		);
		expect(fetched).toMatchObject({ status: 200, subject, isDraft: false });
	});

	it('saveToSentItems false on the draft path: delivered, no copy in Sent Items, no id returned', async () => {
		const subject = uniqueSubject('Draft not saved');
		const big = await storeBinary(Buffer.alloc(3_100_000, 7), { fileName: 'big.bin' });
		const items = await runSendOk(
			env,
			sendParams(
				{ subject },
				{ saveToSentItems: false, ...attachmentsOption({ binaryPropertyName: 'data' }) },
			),
			{
				items: [{ json: {}, binary: { data: big } }],
			},
		);
		expect(items[0]!.json).toMatchObject({
			method: 'draft',
			internetMessageId: expect.any(String),
		});
		expect(items[0]!.json).not.toHaveProperty('messageId');
		expect(items[0]!.json).not.toHaveProperty('webLink');
		const draft = env.graphRequests('POST', /^\/me\/messages$/)[0];
		expect(draft!.json!.singleValueExtendedProperties).toEqual([
			{ id: 'Boolean 0x0E01', value: 'true' },
		]);
		expect(bySubject(env.folder(MEGAN.id, 'inbox'), subject)).toHaveLength(1);
		expect(bySubject(env.folder(ADELE.id, 'sentitems'), subject)).toHaveLength(0);
		expect(bySubject(env.folder(ADELE.id, 'drafts'), subject)).toHaveLength(0);
	});
});

/**
 * Microsoft's documented examples for the message actions and master categories
 * (test/vectors/message_actions_examples.json), replayed against the emulator over loopback HTTP:
 * the documented request bodies byte for byte (ids and placeholders adapted), the documented answers checked.
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
	body_raw?: string;
	expected_response?: { status: number; body: unknown };
	response?: { status: number; body: Record<string, unknown> };
}

const vectors = loadVectors<Vector>('message_actions_examples.json');
const vector = (prefix: string) => {
	const found = vectors.find((v) => v.title.startsWith(prefix));
	if (!found) throw new Error(`no vector ${prefix}`);
	return found;
};
const SCOPES = ['openid', 'User.Read', 'Mail.ReadWrite', 'Mail.Send', 'MailboxSettings.ReadWrite'];
const { adele: ADELE, megan: MEGAN } = DEMO_USERS;

describe('mail service: documented message-action vectors over HTTP', () => {
	let emulator: Emulator;
	let http: HttpClient;
	let graph: ReturnType<typeof api>;
	let messageId: string;

	beforeAll(async () => {
		emulator = await startEmulator({ seed: 'demo' });
	});
	beforeEach(async () => {
		emulator.reset();
		http = new HttpClient(
			{ graphBaseUrl: emulator.graphBaseUrl, uploadBaseUrl: emulator.uploadBaseUrl },
			emulator.control.issueTokens({ upn: ADELE.userPrincipalName, scopes: SCOPES }).access_token,
		);
		graph = api(http);
		const inbox = await graph.get('/me/mailFolders/inbox/messages?$top=1&$select=subject');
		messageId = inbox.body.value[0].id;
	});
	afterAll(() => emulator.stop());

	/** The documented URL on the emulator, with `{id}` or the doc's sample id replaced by a real message id. */
	const urlOf = (v: Vector) =>
		v.url
			.replace('https://graph.microsoft.com/v1.0', '')
			.replace(
				/messages\/(\{id\}|AAMkADA1MTAAAAqldOAAA=)/,
				`messages/${encodeURIComponent(messageId)}`,
			);
	const send = (v: Vector, rawBody?: string) =>
		http.request(v.method, urlOf(v), {
			rawBody: rawBody ?? v.body_raw,
			headers: { 'Content-Type': 'application/json' },
		});

	it('message: reply Example 1 (comment + message.toRecipients) -> 202, no body; the added recipients get the reply', async () => {
		const v = vector('message: reply');
		const answer = await send(v);
		expect(answer.status).toBe(v.expected_response!.status);
		expect(answer.raw.length).toBe(0);
		const sent = await graph.get(
			'/me/mailFolders/sentitems/messages?$top=1&$select=toRecipients,body,subject',
		);
		const addresses = sent.body.value[0].toRecipients.map((r: any) => r.emailAddress.address);
		expect(addresses).toEqual(
			expect.arrayContaining([
				'samanthab@contoso.onmicrosoft.com',
				'randiw@contoso.onmicrosoft.com',
			]),
		);
		expect(sent.body.value[0].body.content).toContain(
			'Samantha, Randi, would you name the group please?',
		);
	});

	it('message: forward Example 1: the placeholder address is refused (ErrorInvalidRecipients); the same shape with a real address is 202', async () => {
		const v = vector('message: forward');
		const placeholder = await send(v);
		expect(placeholder.status).toBe(400);
		expect(placeholder.body.error.code).toBe('ErrorInvalidRecipients');
		const real = await send(v, v.body_raw!.replace('address-value', MEGAN.userPrincipalName));
		expect(real.status).toBe(v.expected_response!.status);
	});

	it('message: createReply Example 1 (no body) -> 201 with the documented properties', async () => {
		const v = vector('message: createReply');
		const answer = await http.request(v.method, urlOf(v));
		expect(answer.status).toBe(201); // the doc's Response section; its example header says 200
		for (const property of Object.keys(v.response!.body))
			expect(answer.body).toHaveProperty(property);
		expect(answer.body.subject).toMatch(/^RE: /);
	});

	it('Create Outlook category -> 201 with the documented body (id and context aside)', async () => {
		const v = vector('Create Outlook category');
		const answer = await send(v);
		expect(answer.status).toBe(v.response!.status);
		const { id, '@odata.context': context, ...rest } = v.response!.body;
		expect(answer.body).toMatchObject(rest);
		expect(answer.body.id).toMatch(/^[0-9a-f-]{36}$/);
		expect(answer.body.id).not.toBe(id);
		expect(answer.body['@odata.context']).toBe(
			(context as string)
				.replace('https://graph.microsoft.com', emulator.graphBaseUrl)
				.replace('8ae6f565-0d7f-4ead-853e-7db94c912a1f', ADELE.id),
		);
	});
});

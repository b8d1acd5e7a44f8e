/** Client-chosen internetMessageId: writable on create (sendMail, draft) and while a draft; filterable. */
import { createMailService, DEMO_USERS } from '../../emulator/mail/index';
import { api, DirectClient } from './support/mail-client';

const { adele: ADELE, megan: MEGAN } = DEMO_USERS;
const SCOPES = ['User.Read', 'Mail.ReadWrite', 'Mail.Send'];

function setup() {
	const service = createMailService({ seed: 'demo' });
	const client = new DirectClient(service, { userId: ADELE.id, clientId: 'test', scopes: SCOPES });
	return {
		service,
		graph: api(client),
		megan: api(client.as({ userId: MEGAN.id, clientId: 'test', scopes: SCOPES })),
	};
}

const mail = (internetMessageId: unknown) => ({
	message: {
		subject: 'keyed',
		body: { contentType: 'Text', content: 'hello' },
		toRecipients: [{ emailAddress: { address: MEGAN.userPrincipalName } }],
		internetMessageId,
	},
});

describe('mail service: client-chosen internetMessageId', () => {
	it('keeps it on the sent copy and the delivered copy, and $filter finds it', async () => {
		const { graph, megan } = setup();
		expect((await graph.post('/me/sendMail', mail('<key-1@n8n.graph-mail>'))).status).toBe(202);

		const sent = await graph.get(
			`/me/mailFolders/sentitems/messages?$filter=${encodeURIComponent("internetMessageId eq '<key-1@n8n.graph-mail>' or internetMessageId eq '<other@x>'")}&$select=internetMessageId`,
		);
		expect(sent.status).toBe(200);
		expect(sent.body.value.map((m: { internetMessageId: string }) => m.internetMessageId)).toEqual([
			'<key-1@n8n.graph-mail>',
		]);
		const inbox = await megan.get('/me/mailFolders/inbox/messages?$select=internetMessageId');
		expect(
			inbox.body.value.map((m: { internetMessageId: string }) => m.internetMessageId),
		).toContain('<key-1@n8n.graph-mail>');
	});

	it.each(['key-1@x', '<no-at-sign>', '<a b@c>', 42])('refuses %j with 400', async (value) => {
		const { graph } = setup();
		const answer = await graph.post('/me/sendMail', mail(value));
		expect(answer.status).toBe(400);
		expect(answer.body.error.code).toBe('RequestBodyRead');
	});

	it('is writable on a draft and refused once sent', async () => {
		const { graph } = setup();
		const draft = await graph.post('/me/messages', mail('<draft-1@x>').message);
		expect(draft.status).toBe(201);
		expect(draft.body.internetMessageId).toBe('<draft-1@x>');
		expect(
			(await graph.patch(`/me/messages/${draft.body.id}`, { internetMessageId: '<draft-2@x>' }))
				.status,
		).toBe(200);
		const sentAnswer = await graph.post(`/me/messages/${draft.body.id}/send`, {});
		expect(sentAnswer.status).toBe(202);
		const sent = await graph.get(
			`/me/mailFolders/sentitems/messages?$filter=${encodeURIComponent("internetMessageId eq '<draft-2@x>'")}`,
		);
		expect(sent.body.value).toHaveLength(1);
		const patchSent = await graph.patch(`/me/messages/${sent.body.value[0].id}`, {
			internetMessageId: '<draft-3@x>',
		});
		expect(patchSent.status).toBe(400);
	});
});

import {
	connectedCredential,
	e2e,
	executeFromEditor,
	graphMailNode,
	linearWorkflow,
	newUser,
	uniqueName,
	type E2e,
} from './helpers';

/**
 * Issue 15's triage workflow in a real n8n 2.40.7: read the unread mail, reply to each in its
 * thread, mark it read, file it. Run twice, it sends one reply per mail: the second run finds
 * nothing unread in the Inbox.
 */
describe('a triage workflow: read unread mail, reply in thread, mark read, file', () => {
	let env: E2e;

	beforeAll(async () => {
		env = await e2e();
	});

	it('replies once per mail over two runs and files every mail read', async () => {
		const owner = await newUser(env, 'triage');
		const customers = [await newUser(env, 'customer-a'), await newUser(env, 'customer-b')];
		const credential = await connectedCredential(env, owner.userPrincipalName);
		const prefix = uniqueName('Ticket');
		const subjects = [`${prefix} 1`, `${prefix} 2`, `${prefix} 3`];
		for (const [index, subject] of subjects.entries()) {
			const customer = customers[index % 2]!;
			await env.emulator.deliver(owner.id, {
				subject,
				from: { name: customer.displayName, address: customer.mail },
				toRecipients: [{ address: owner.mail }],
				body: { contentType: 'text', content: `Question ${index}` },
				isRead: false,
			});
		}
		// Read already: the workflow must leave it alone.
		await env.emulator.deliver(owner.id, {
			subject: `${prefix} handled`,
			from: { address: customers[0]!.mail },
			toRecipients: [{ address: owner.mail }],
			isRead: true,
		});

		const messageById = { __rl: true, mode: 'id', value: "={{ $('Unread').item.json.id }}" };
		const workflow = await env.client.createWorkflow(
			linearWorkflow(uniqueName('Triage'), [
				graphMailNode('Unread', credential, {
					resource: 'message',
					operation: 'getAll',
					folder: 'inbox',
					returnAll: true,
					filters: { readStatus: 'unread', subjectContains: prefix },
					output: 'simple',
				}),
				graphMailNode('Answer', credential, {
					resource: 'message',
					operation: 'reply',
					messageId: messageById,
					bodyMode: 'comment',
					comment: 'Thank you, we are on it.',
				}),
				graphMailNode('Mark read', credential, {
					resource: 'message',
					operation: 'update',
					messageId: messageById,
					updateFields: { readStatus: 'read' },
				}),
				graphMailNode('File', credential, {
					resource: 'message',
					operation: 'move',
					messageId: messageById,
					destinationFolder: { __rl: true, mode: 'id', value: 'archive' },
				}),
			]),
		);

		const first = await executeFromEditor(env, workflow.id);
		expect(first.status).toBe('success');
		const runData = first.data.resultData.runData;
		expect(runData.Answer![0]!.data!.main![0]!.map((item) => item.json.status)).toEqual([
			'sent',
			'sent',
			'sent',
		]);
		expect(runData.File![0]!.data!.main![0]).toHaveLength(3);

		const second = await executeFromEditor(env, workflow.id);
		expect(second.status).toBe('success');
		// Nothing unread is left, so nothing after Get Many runs.
		expect(second.data.resultData.runData.Unread![0]!.data!.main![0] ?? []).toEqual([]);
		expect(second.data.resultData.runData.Answer).toBeUndefined();

		const mailbox = await env.emulator.mailbox(owner.id);
		const folder = (name: string) => mailbox.folders.find((f) => f.wellKnownName === name)!;
		const archived = folder('archive').messages.filter((m) => m.subject.startsWith(prefix));
		expect(archived.map((m) => [m.subject, m.isRead]).sort()).toEqual(
			subjects.map((subject) => [subject, true]),
		);
		expect(folder('inbox').messages.map((m) => m.subject)).toEqual([`${prefix} handled`]);

		// One reply per mail, each in its original's thread, at the customer who wrote it.
		for (const [index, customer] of customers.entries()) {
			const inbox = (await env.emulator.mailbox(customer.id)).folders.find(
				(f) => f.wellKnownName === 'inbox',
			)!;
			const expected = subjects.filter((_, n) => n % 2 === index).map((s) => `RE: ${s}`);
			const replies = inbox.messages.filter((m) => m.subject.startsWith('RE: '));
			expect(replies.map((m) => m.subject).sort()).toEqual(expected.sort());
			for (const reply of replies) {
				const original = archived.find((m) => `RE: ${m.subject}` === reply.subject)!;
				expect(reply.internetMessageHeaders).toEqual(
					expect.arrayContaining([{ name: 'In-Reply-To', value: original.internetMessageId }]),
				);
			}
		}
	}, 180_000);
});

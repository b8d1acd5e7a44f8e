import { loadExamples, prepareExample } from '../../scripts/lib/examples';
import { waitFor } from '../../scripts/lib/net';
import { connectedCredential, e2e, newUser, uniqueName, type E2e } from './helpers';

/**
 * (4) The Graph Mail Trigger, activated in the real n8n (the "answer new mail" example): a mail
 * that was there at activation (Include Mails From Last N Minutes) is answered by the poll n8n runs
 * on activation, and a mail that arrives later by n8n's next scheduled poll (every minute), each
 * exactly once.
 */
describe('the Graph Mail Trigger in a real n8n', () => {
	let env: E2e;

	beforeAll(async () => {
		env = await e2e();
	});

	it('answers every new mail exactly once while the workflow is active', async () => {
		const watched = await newUser(env, 'watched');
		const writer = await newUser(env, 'writer');
		const credential = await connectedCredential(env, watched.userPrincipalName);
		const replies = async (subject: string) =>
			(await env.emulator.mailbox(writer.id)).folders
				.find((folder) => folder.wellKnownName === 'inbox')!
				.messages.filter((message) => message.subject === `RE: ${subject}`);
		const write = async (subject: string) =>
			await env.emulator.deliver(watched.id, {
				subject,
				from: { name: writer.displayName, address: writer.mail },
				toRecipients: [{ name: watched.displayName, address: watched.mail }],
				body: { contentType: 'text', content: 'Please confirm.' },
			});

		const before = uniqueName('Order 1001');
		await write(before);

		const example = loadExamples().find((workflow) => workflow.id === 'GraphMailAutoRpl')!;
		const prepared = prepareExample(example, credential, {
			recipient: writer.mail,
			filesFolder: env.state.filesDir,
		}) as {
			nodes: Array<{ type: string; parameters: Record<string, unknown> }>;
		};
		const trigger = prepared.nodes.find(
			(node) => node.type === 'n8n-nodes-graph-mail.graphMailTrigger',
		)!;
		trigger.parameters.options = { includeMinutes: 10 };
		const workflow = await env.client.createWorkflow({
			...prepared,
			id: undefined,
			name: uniqueName('Answer new mail'),
		});
		await env.client.activateWorkflow(workflow.id);
		try {
			// n8n polls once when it activates the workflow.
			await waitFor(
				'the answer to the mail that was there at activation',
				async () => ((await replies(before)).length > 0 ? true : undefined),
				{
					timeoutMs: 60_000,
					intervalMs: 500,
				},
			);

			const after = uniqueName('Order 1002');
			await write(after);
			// Then every minute (n8n's shortest poll interval).
			await waitFor(
				'the answer to the mail that arrived later',
				async () => ((await replies(after)).length > 0 ? true : undefined),
				{
					timeoutMs: 150_000,
					intervalMs: 1000,
				},
			);
			expect(await replies(before)).toHaveLength(1);
			expect(await replies(after)).toHaveLength(1);
			// Each answer is a reply in the mail's thread.
			const watchedInbox = (await env.emulator.mailbox(watched.id)).folders.find(
				(folder) => folder.wellKnownName === 'inbox',
			)!;
			const original = watchedInbox.messages.find((message) => message.subject === before)!;
			expect((await replies(before))[0]!.internetMessageHeaders).toEqual(
				expect.arrayContaining([{ name: 'In-Reply-To', value: original.internetMessageId }]),
			);
			// After Emitting: Mark as Read, done at the poll after the one that emitted the mail.
			expect(original.isRead).toBe(true);
			const executions = await env.client.listExecutions(workflow.id);
			expect(executions.length).toBeGreaterThanOrEqual(2);
			expect(executions.filter((execution) => execution.status !== 'success')).toEqual([]);
		} finally {
			await env.client.deactivateWorkflow(workflow.id);
		}
	}, 240_000);
});

import {
	connectedCredential,
	e2e,
	execution,
	executeFromEditor,
	graphMailNode,
	linearWorkflow,
	newUser,
	uniqueName,
	type E2e,
} from './helpers';

/**
 * Don't Resend on Retry in a real n8n 2.40.7, through its REST API as the editor uses it:
 * Execute Workflow twice sends twice (a new execution is new work); n8n's Retry of a failed
 * execution (a new execution in mode 'retry') sends what failed and nothing twice, and the items
 * it skipped say so, with a notice for the editor.
 */

async function inboxSubjects(
	env: E2e,
	userPrincipalName: string,
	prefix: string,
): Promise<string[]> {
	const mailbox = await env.emulator.mailbox(userPrincipalName);
	const inbox = mailbox.folders.find((folder) => folder.wellKnownName === 'inbox');
	return (inbox?.messages ?? [])
		.map((message) => message.subject)
		.filter((subject) => subject.startsWith(prefix))
		.sort();
}

describe("Don't Resend on Retry in a real n8n", () => {
	let env: E2e;

	beforeAll(async () => {
		env = await e2e();
	});

	afterEach(async () => {
		await env.emulator.clearFaults();
	});

	it('Execute Workflow twice from the editor delivers two mails', async () => {
		const sender = await newUser(env, 'again-sender');
		const recipient = await newUser(env, 'again-recipient');
		const credential = await connectedCredential(env, sender.userPrincipalName);
		const subject = uniqueName('Daily reminder');
		const workflow = await env.client.createWorkflow(
			linearWorkflow(uniqueName('Send again'), [
				graphMailNode('Send', credential, {
					resource: 'message',
					operation: 'send',
					toRecipients: recipient.mail,
					subject,
					bodyContentType: 'text',
					bodyContent: 'The same text every day.',
				}),
			]),
		);

		const first = await executeFromEditor(env, workflow.id);
		const second = await executeFromEditor(env, workflow.id);
		for (const run of [first, second]) {
			expect([run.mode, run.status]).toEqual(['manual', 'success']);
			expect(
				run.data.resultData.runData.Send![0]!.data?.main?.[0]?.map((item) => item.json.status),
			).toEqual(['sent']);
			expect(run.data.resultData.runData.Send![0]!.hints ?? []).toEqual([]);
		}
		expect(await inboxSubjects(env, recipient.userPrincipalName, subject)).toEqual([
			subject,
			subject,
		]);
	});

	it("n8n's Retry of a failed execution sends what failed and nothing twice", async () => {
		const sender = await newUser(env, 'retry-sender');
		const recipient = await newUser(env, 'retry-recipient');
		const credential = await connectedCredential(env, sender.userPrincipalName);
		const subject = uniqueName('Invoice');
		const workflow = await env.client.createWorkflow(
			linearWorkflow(uniqueName('Retry a failed execution'), [
				{
					name: 'Three invoices',
					type: 'n8n-nodes-base.set',
					typeVersion: 3.4,
					parameters: { mode: 'raw', jsonOutput: '{ "n": [0, 1, 2] }', options: {} },
				},
				{
					name: 'One per item',
					type: 'n8n-nodes-base.splitOut',
					typeVersion: 1,
					parameters: { fieldToSplitOut: 'n', options: {} },
				},
				graphMailNode('Send', credential, {
					resource: 'message',
					operation: 'send',
					toRecipients: recipient.mail,
					subject: `={{ "${subject} " + $json.n }}`,
					bodyContentType: 'text',
					bodyContent: 'Your invoice.',
					// Graph's 503 on one send is not retried, so that send fails the node after the others went out.
					delivery: { maxAttempts: 1 },
				}),
			]),
		);

		await env.emulator.injectFault({
			route: 'sendMail',
			kind: '503',
			inBatch: true,
			times: 1,
			mailbox: sender.id,
		});
		const failed = await executeFromEditor(env, workflow.id);
		expect(failed.status).toBe('error');
		expect(failed.data.resultData.runData.Send![0]!.error?.message).toMatch(/\[item \d\]$/);
		expect(failed.data.resultData.metadata).toEqual({
			graphMailSendRun: failed.id,
			graphMailSendRunAt: expect.stringMatching(/^\d{13}$/),
		});
		const sentBefore = await inboxSubjects(env, recipient.userPrincipalName, subject);
		expect(sentBefore).toHaveLength(2);

		// What the editor's "Retry with original workflow" sends.
		await env.client.request('POST', `/rest/executions/${failed.id}/retry`, {
			loadWorkflow: false,
		});
		const retries = (await env.client.listExecutions(workflow.id)).filter(
			(run) => run.mode === 'retry',
		);
		expect(retries).toHaveLength(1);
		const retried = await execution(env, retries[0]!.id);
		expect([retried.status, retried.retryOf]).toEqual(['success', failed.id]);
		const items = retried.data.resultData.runData
			.Send!.at(-1)!
			.data!.main![0]!.map((item) => item.json);
		expect(items.map((item) => item.status).sort()).toEqual(['sent', 'skipped', 'skipped']);
		for (const item of items.filter((entry) => entry.status === 'skipped')) {
			expect(item.skippedBecause).toMatch(
				/^This execution already sent this mail at .+, before a retry; it was not sent again$/,
			);
			expect(typeof item.sentDateTime).toBe('string');
		}
		expect(
			retried.data.resultData.runData.Send!.at(-1)!.hints?.map((hint) => hint.message),
		).toEqual([
			expect.stringMatching(
				/^2 mails were not sent again \(items \d and \d\): this execution had already sent them before the retry\./,
			),
		]);
		expect(await inboxSubjects(env, recipient.userPrincipalName, subject)).toEqual(
			[0, 1, 2].map((n) => `${subject} ${n}`),
		);
	});
});

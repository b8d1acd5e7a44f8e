import { join } from 'node:path';

import { parse } from 'flatted';

import { launchChromium, type Browser, type Page } from './browser';
import {
	connectedCredential,
	e2e,
	graphMailNode,
	linearWorkflow,
	newUser,
	uniqueName,
	type E2e,
} from './helpers';

/**
 * Send and Wait for Response in a real n8n 2.40.7: the workflow runs as the editor runs it, the
 * mail arrives in the emulator, a real Chromium opens it in the emulator's mailbox view and
 * answers; n8n checks the signed link and resumes the execution once. A second click finds the
 * execution finished and shows n8n's page for it. A time limit resumes with the timeout item.
 */
interface Execution {
	id: string;
	status: string;
	finished: boolean;
	data: {
		resultData: {
			runData: Record<
				string,
				Array<{ data?: { main?: Array<Array<{ json: Record<string, unknown> }>> } }>
			>;
		};
	};
}

async function executionOf(env: E2e, id: string): Promise<Execution> {
	const raw = await env.client.request<Omit<Execution, 'data'> & { data: string }>(
		'GET',
		`/rest/executions/${id}`,
	);
	return { ...raw, data: parse(raw.data) as Execution['data'] };
}

/** Polls until the execution has one of `statuses`. */
async function executionIn(
	env: E2e,
	id: string,
	statuses: string[],
	timeoutMs = 60_000,
): Promise<Execution> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const execution = await executionOf(env, id);
		if (statuses.includes(execution.status)) return execution;
		if (Date.now() > deadline)
			throw new Error(`execution ${id} is ${execution.status}, not ${statuses.join('/')}`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

function outputOf(execution: Execution, node: string): Array<Record<string, unknown>> {
	const runs = execution.data.resultData.runData[node] ?? [];
	return (runs.at(-1)?.data?.main?.[0] ?? []).map((item) => item.json);
}

describe('Send and Wait for Response in a real n8n and a real browser', () => {
	let env: E2e;
	let browser: Browser;
	let sender: { id: string; userPrincipalName: string; mail: string };
	let recipient: { id: string; userPrincipalName: string; mail: string };
	let credential: { id: string; name: string };

	beforeAll(async () => {
		env = await e2e();
		browser = await launchChromium(env.state.runtime, env.state.tmpDir);
		sender = await newUser(env, 'approver-asks');
		recipient = await newUser(env, 'approver');
		credential = await connectedCredential(env, sender.userPrincipalName);
	});

	afterAll(async () => {
		await browser?.close();
	});

	const shot = async (page: Page, name: string) =>
		await page.screenshot({
			path: join(env.state.artifactsDir, `send-and-wait-${name}.png`),
			fullPage: true,
		});

	/** Starts the workflow as Execute Workflow in the editor does; returns the waiting execution. */
	async function startWaiting(
		name: string,
		parameters: Record<string, unknown>,
	): Promise<{ executionId: string; subject: string }> {
		const subject = uniqueName(name);
		const workflow = await env.client.createWorkflow(
			linearWorkflow(subject, [
				graphMailNode('Ask', credential, {
					resource: 'message',
					operation: 'sendAndWait',
					toRecipients: recipient.mail,
					subject,
					...parameters,
				}),
			]),
		);
		const started = await env.client.request<{ executionId: string }>(
			'POST',
			`/rest/workflows/${workflow.id}/run`,
			{
				triggerToStartFrom: { name: 'Start' },
			},
		);
		const waiting = await executionIn(env, started.executionId, ['waiting', 'error', 'success']);
		expect(waiting.status).toBe('waiting');
		return { executionId: started.executionId, subject };
	}

	/** Opens the recipient's mailbox view, then the mail by its subject, as a person would. */
	async function openMail(subject: string): Promise<Page> {
		const page = await browser.context.newPage();
		await page.goto(`${env.state.emulator.url}/web/users/${encodeURIComponent(recipient.id)}`);
		await page.getByRole('link', { name: subject }).click();
		await page.waitForSelector('#subject');
		expect(await page.textContent('#subject')).toBe(subject);
		return page;
	}

	/** Clicks a link inside the mail's body; the mailbox view opens it in a new tab. */
	async function clickInMail(mail: Page, label: string): Promise<Page> {
		await mail.bringToFront();
		const [opened] = await Promise.all([
			browser.context.waitForEvent('page'),
			mail.frameLocator('#body').getByRole('link', { name: label, exact: true }).click(),
		]);
		await opened.waitForLoadState();
		return opened;
	}

	it('approve in the browser: the execution finishes with approved true, once; a second click resumes nothing', async () => {
		const { executionId, subject } = await startWaiting('Approve invoice', {
			message: 'Invoice 42 from ACME: 1,200 EUR.\nPlease approve.',
			approvalOptions: {
				values: { approvalType: 'double', approveLabel: 'Approve', disapproveLabel: 'Decline' },
			},
		});
		const mail = await openMail(subject);
		await shot(mail, 'approval-mail');

		const confirm = await clickInMail(mail, 'Approve');
		expect(confirm.url()).toContain(`/webhook-waiting/${executionId}/`);
		expect(await confirm.textContent('h1')).toBe(subject);
		// Opening the link answers nothing (link scanners open links too).
		expect((await executionOf(env, executionId)).status).toBe('waiting');
		await shot(confirm, 'approval-confirm');
		await confirm.click('#confirm');
		await confirm.waitForSelector('text=Thank you, your answer was recorded');
		await shot(confirm, 'approval-recorded');

		const done = await executionIn(env, executionId, ['success', 'error']);
		expect(done.status).toBe('success');
		expect(outputOf(done, 'Ask')).toEqual([
			{
				responseType: 'approval',
				timedOut: false,
				data: { approved: true, button: 'Approve', respondedAt: expect.any(String) },
			},
		]);
		expect(done.data.resultData.runData.Ask).toHaveLength(1);

		// The second click: n8n finds the execution finished and answers with its own page.
		const again = await clickInMail(mail, 'Approve');
		expect(await again.textContent('h1')).toContain('No action required');
		await shot(again, 'approval-second-click');
		const posted = await fetch(again.url(), { method: 'POST' });
		expect(await posted.text()).toContain('No action required');
		const after = await executionOf(env, executionId);
		expect(after.status).toBe('success');
		expect(after.data.resultData.runData.Ask).toHaveLength(1);
		expect(outputOf(after, 'Ask')).toEqual(outputOf(done, 'Ask'));

		// A link changed by hand (the other answer with this link's signature) is refused.
		const forged = new URL(again.url());
		forged.searchParams.set('approved', 'false');
		const refused = await fetch(forged, { method: 'POST' });
		expect(refused.status).toBe(401);
		for (const page of [mail, confirm, again]) await page.close();
	});

	it('free text and custom form: the form opens from the mail and the answer resumes the execution', async () => {
		const text = await startWaiting('Why late', {
			responseType: 'freeText',
			message: 'The order is late. Why?',
		});
		const textMail = await openMail(text.subject);
		const textForm = await clickInMail(textMail, 'Respond');
		await textForm.fill('#f0', 'The truck broke down.');
		await shot(textForm, 'free-text-form');
		await textForm.click('#submit');
		await textForm.waitForSelector('text=Thank you, your answer was recorded');
		const textDone = await executionIn(env, text.executionId, ['success', 'error']);
		expect(outputOf(textDone, 'Ask')).toEqual([
			{
				responseType: 'freeText',
				timedOut: false,
				data: { text: 'The truck broke down.', respondedAt: expect.any(String) },
			},
		]);

		const form = await startWaiting('Expense', {
			responseType: 'customForm',
			message: 'Tell us about the expense.',
			formFields: {
				field: [
					{ fieldLabel: 'Amount', fieldType: 'number', requiredField: true },
					{
						fieldLabel: 'Cost centre',
						fieldType: 'dropdown',
						fieldOptions: 'Sales, IT, Finance',
						requiredField: true,
					},
					{ fieldLabel: 'Notes', fieldType: 'textarea' },
				],
			},
			options: { responseFormTitle: 'Expense details', messageButtonLabel: 'Fill in the form' },
		});
		const formMail = await openMail(form.subject);
		const formPage = await clickInMail(formMail, 'Fill in the form');
		await formPage.fill('#f0', '87.5');
		await formPage.selectOption('#f1', 'IT');
		await formPage.fill('#f2', 'Taxi to the airport');
		await shot(formPage, 'custom-form');
		await formPage.click('#submit');
		await formPage.waitForSelector('text=Thank you, your answer was recorded');
		const formDone = await executionIn(env, form.executionId, ['success', 'error']);
		expect(outputOf(formDone, 'Ask')).toEqual([
			{
				responseType: 'customForm',
				timedOut: false,
				data: {
					Amount: 87.5,
					'Cost centre': 'IT',
					Notes: 'Taxi to the airport',
					respondedAt: expect.any(String),
				},
			},
		]);
		for (const page of [textMail, textForm, formMail, formPage]) await page.close();
	});

	it('a time limit passes without an answer: the execution continues with the timeout item', async () => {
		const { executionId } = await startWaiting('Nobody answers', {
			message: 'Approve?',
			options: {
				limitWaitTime: {
					values: { limitType: 'afterTimeInterval', resumeAmount: 0.1, resumeUnit: 'minutes' },
				},
			},
		});
		// n8n's wait tracker looks for due executions once a minute.
		const done = await executionIn(env, executionId, ['success', 'error'], 150_000);
		expect(done.status).toBe('success');
		expect(outputOf(done, 'Ask')).toEqual([
			{
				responseType: 'approval',
				timedOut: true,
				data: { approved: false, respondedAt: null },
				waitedUntil: expect.any(String),
			},
		]);
	}, 200_000);
});

/**
 * Send and Wait in n8n's real engine against the emulator: the mail each response type sends (with
 * n8n's signed resume links of this execution and node), the wait, the timeout item, exactly one
 * mail when the step runs again, and the node's webhook answering real HTTP requests.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Container } from '@n8n/di';
import { InstanceSettings, WebhookContext } from 'n8n-core';
import type { IDataObject, INodeParameters, IWebhookResponseData } from 'n8n-workflow';

import type { RunNodeResult } from '../harness/engine';
import { MEGAN, startSendEnvironment, uniqueSubject, type SendEnvironment } from '../send/support';

let env: SendEnvironment;

beforeAll(async () => {
	env = await startSendEnvironment();
});

afterAll(async () => {
	await env.stop();
});

afterEach(() => env.clear());

function params(fields: INodeParameters = {}, options: INodeParameters = {}): INodeParameters {
	return {
		resource: 'message',
		operation: 'sendAndWait',
		toRecipients: MEGAN.userPrincipalName,
		subject: uniqueSubject('Approve'),
		message: 'Approve invoice <42> for "ACME"?',
		...fields,
		options,
	};
}

function received(subject: string) {
	return env.folder(MEGAN.id, 'inbox').filter((message) => message.subject === subject);
}

/** The links of a mail's HTML body, unescaped, in order, once each. */
function links(html: string): string[] {
	const found = [...html.matchAll(/<a href="([^"]+)"/g)].map((match) =>
		match[1]!.replace(/&amp;/g, '&'),
	);
	return [...new Set(found)];
}

/** n8n's signature: an HMAC-SHA256 of path and query (without `signature`) with the instance's secret. */
function signatureOf(url: URL): string {
	const unsigned = new URL(url);
	unsigned.searchParams.delete('signature');
	return createHmac('sha256', Container.get(InstanceSettings).hmacSignatureSecret)
		.update(`${unsigned.pathname}${unsigned.search}`)
		.digest('hex');
}

function stackInput(result: RunNodeResult): IDataObject[] {
	const entry = result.run.data.executionData!.nodeExecutionStack[0]!;
	return (entry.data.main?.[0] ?? []).map((item) => item.json);
}

describe('the mail and the wait', () => {
	it('approval: two signed links of this execution and node, the execution waits, HTML escaped', async () => {
		const parameters = params(
			{
				approvalOptions: {
					values: { approvalType: 'double', approveLabel: 'Pay it', disapproveLabel: 'Stop' },
				},
			},
			{
				limitWaitTime: {
					values: { limitType: 'afterTimeInterval', resumeAmount: 2, resumeUnit: 'hours' },
				},
			},
		);
		const before = Date.now();
		const result = await env.engine.runNode({ parameters, executionId: 'wait-approval' });
		expect(result.error).toBeUndefined();
		expect(result.run.status).toBe('waiting');
		const waitTill = result.run.waitTill!.getTime();
		expect(waitTill - before).toBeGreaterThanOrEqual(2 * 3600_000 - 1000);
		expect(waitTill - before).toBeLessThan(2 * 3600_000 + 60_000);
		expect(result.items).toHaveLength(1);
		expect(result.items[0]!.json).toMatchObject({
			status: 'waiting',
			responseType: 'approval',
			alreadySent: false,
			waitingUntil: new Date(waitTill).toISOString(),
		});

		const [mail, ...others] = received(String(parameters.subject));
		expect(others).toHaveLength(0);
		expect(mail!.body.contentType).toBe('html');
		expect(mail!.body.content).toContain('Approve invoice &lt;42&gt; for &quot;ACME&quot;?');
		const urls = links(mail!.body.content).map((link) => new URL(link));
		expect(
			urls.map(
				(url) => `${url.origin}${url.pathname}?approved=${url.searchParams.get('approved')}`,
			),
		).toEqual([
			'http://127.0.0.1:5678/webhook-waiting/wait-approval/node-under-test?approved=false',
			'http://127.0.0.1:5678/webhook-waiting/wait-approval/node-under-test?approved=true',
		]);
		for (const url of urls) expect(url.searchParams.get('signature')).toBe(signatureOf(url));
		// The links cannot be changed into each other: the answer is part of what is signed.
		const forged = new URL(urls[1]!);
		forged.searchParams.set('approved', 'false');
		expect(forged.searchParams.get('signature')).not.toBe(signatureOf(forged));

		// Until an answer comes, the node's input is the timeout item: when the limit passes, n8n passes it on.
		expect(stackInput(result)).toEqual([
			{
				responseType: 'approval',
				timedOut: true,
				data: { approved: false, respondedAt: null },
				waitedUntil: new Date(waitTill).toISOString(),
			},
		]);
		const timedOut = await env.engine.resume(result);
		expect(timedOut.error).toBeUndefined();
		expect(timedOut.run.status).toBe('success');
		expect(timedOut.items.map((item) => item.json)).toEqual([
			{
				responseType: 'approval',
				timedOut: true,
				data: { approved: false, respondedAt: null },
				waitedUntil: new Date(waitTill).toISOString(),
			},
		]);
	});

	it('free text: one Respond link to the form, and a plain-text mail when asked', async () => {
		const parameters = params(
			{ responseType: 'freeText', message: 'Why?\nTell us.' },
			{ plainText: true, messageButtonLabel: 'Answer' },
		);
		const result = await env.engine.runNode({ parameters, executionId: 'wait-text' });
		expect(result.error).toBeUndefined();
		const [mail] = received(String(parameters.subject));
		expect(mail!.body.contentType).toBe('text');
		const match = /^Why\?\nTell us\.\n\nAnswer: (\S+)\n$/.exec(mail!.body.content);
		expect(match).not.toBeNull();
		const url = new URL(match![1]!);
		expect(url.pathname).toBe('/webhook-waiting/wait-text/node-under-test');
		expect(url.searchParams.get('signature')).toBe(signatureOf(url));
	});

	it('refuses a form without fields and a limit in the past before sending anything', async () => {
		const noFields = await env.engine.runNode({
			parameters: params({ responseType: 'customForm' }),
		});
		expect(noFields.error?.message).toBe('Form Fields: no field is defined [item 0]');
		const past = await env.engine.runNode({
			parameters: params(
				{},
				{
					limitWaitTime: {
						values: { limitType: 'atSpecifiedTime', maxDateAndTime: '2020-01-01T00:00:00Z' },
					},
				},
			),
		});
		expect(past.error?.message).toBe(
			'Limit Wait Time: 2020-01-01T00:00:00.000Z has passed already [item 0]',
		);
		expect(env.graphRequests('POST', /sendMail|\/send$|\/messages$/)).toHaveLength(0);
	});

	it('sends exactly once when the step runs again in the same execution (Retry On Fail) and after a lost answer', async () => {
		const parameters = params();
		env.emulator.control.injectFault({ route: 'sendMail', kind: 'lostResponse', inBatch: true });
		const first = await env.engine.runNode({ parameters, executionId: 'wait-once' });
		expect(first.error).toBeUndefined();
		expect(env.emulator.control.counters().faultsServed).toEqual({ lostResponse: 1 });
		// The lost answer was resolved by looking the mail up: this run sent it, once.
		expect(first.items[0]!.json).toMatchObject({ status: 'waiting', alreadySent: false });
		expect(received(String(parameters.subject))).toHaveLength(1);
		const again = await env.engine.runNode({ parameters, executionId: 'wait-once' });
		expect(again.error).toBeUndefined();
		expect(again.items[0]!.json).toMatchObject({ status: 'waiting', alreadySent: true });
		expect(received(String(parameters.subject))).toHaveLength(1);
	});
});

/** The node's webhook behind a real HTTP server, parsing as n8n does (query, url-encoded body). */
async function webhookServer(
	waiting: RunNodeResult,
	answers: IWebhookResponseData[],
): Promise<{ url: string; server: Server }> {
	const { workflow, nodeName } = waiting.execution;
	const node = workflow.getNode(nodeName)!;
	const nodeType = env.engine.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const server = createServer((req: IncomingMessage, res: ServerResponse) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const url = new URL(req.url ?? '/', 'http://localhost');
			const body: IDataObject = {};
			for (const [key, value] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) {
				const earlier = body[key];
				body[key] =
					earlier === undefined
						? value
						: [...(Array.isArray(earlier) ? earlier : [earlier]), value];
			}
			Object.assign(req, { query: Object.fromEntries(url.searchParams), body });
			const additionalData = {
				...env.engine.additionalData({ executionId: waiting.execution.executionId }),
				httpRequest: req,
				httpResponse: res,
			};
			const context = new WebhookContext(
				workflow,
				node,
				additionalData as never,
				'manual',
				{ httpMethod: req.method, path: node.id, webhookDescription: {} } as never,
				[],
				waiting.run.data,
			);
			void nodeType.webhook!.call(context).then((answer) => answers.push(answer));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('the answer through the webhook', () => {
	async function withWebhook(
		parameters: INodeParameters,
		test: (
			mailLinks: string[],
			base: string,
			answers: IWebhookResponseData[],
			waiting: RunNodeResult,
		) => Promise<void>,
	) {
		const waiting = await env.engine.runNode({
			parameters,
			executionId: uniqueSubject('hook').replace(/\W/g, ''),
		});
		expect(waiting.error).toBeUndefined();
		const [mail] = received(String(parameters.subject));
		const answers: IWebhookResponseData[] = [];
		const { url, server } = await webhookServer(waiting, answers);
		try {
			// The mail's links, pointed at the test server (same path and query).
			const mailLinks = links(mail!.body.content).map((link) => {
				const parsed = new URL(link);
				return `${url}${parsed.pathname}${parsed.search}`;
			});
			await test(mailLinks, url, answers, waiting);
		} finally {
			server.close();
		}
	}

	it('approval: opening the link only asks to confirm; the button resumes with approved true', async () => {
		await withWebhook(params(), async ([approve], _base, answers, waiting) => {
			const page = await fetch(approve!);
			expect(page.status).toBe(200);
			expect(page.headers.get('content-security-policy')).toBe(
				"default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
			);
			const html = await page.text();
			expect(html).toContain('<form method="post">');
			expect(html).toContain('>Approve</button>');
			expect(html).toContain('Approve invoice &lt;42&gt; for &quot;ACME&quot;?');
			expect(answers).toEqual([{ noWebhookResponse: true }]);

			const posted = await fetch(approve!, { method: 'POST' });
			expect(posted.status).toBe(200);
			expect(await posted.text()).toContain('Thank you, your answer was recorded');
			const answer = answers[1]!;
			expect(answer.noWebhookResponse).toBe(true);
			const item = answer.workflowData![0]![0]!;
			expect(item.json).toEqual({
				responseType: 'approval',
				timedOut: false,
				data: { approved: true, button: 'Approve', respondedAt: expect.any(String) },
			});
			expect(
				Date.now() - Date.parse(String((item.json.data as IDataObject).respondedAt)),
			).toBeLessThan(10_000);

			const resumed = await env.engine.resume(waiting, answer.workflowData);
			expect(resumed.run.status).toBe('success');
			expect(resumed.items.map((entry) => entry.json)).toEqual([item.json]);
		});
	});

	it('approval with disapprove: the Decline link answers approved false', async () => {
		const parameters = params({ approvalOptions: { values: { approvalType: 'double' } } });
		await withWebhook(parameters, async ([decline], _base, answers) => {
			expect(decline).toContain('approved=false');
			await fetch(decline!, { method: 'POST' });
			expect((answers[0]!.workflowData![0]![0]!.json.data as IDataObject).approved).toBe(false);
			expect((answers[0]!.workflowData![0]![0]!.json.data as IDataObject).button).toBe('Decline');
		});
	});

	it('free text: the form, a refused empty answer, then the text', async () => {
		await withWebhook(params({ responseType: 'freeText' }), async ([respond], _base, answers) => {
			const form = await (await fetch(respond!)).text();
			expect(form).toContain('<textarea id="f0" name="f0" required></textarea>');
			const empty = await fetch(respond!, {
				method: 'POST',
				body: new URLSearchParams({ f0: '  ' }),
			});
			expect(empty.status).toBe(400);
			expect(await empty.text()).toContain('This field is required');
			expect(answers.map((answer) => answer.workflowData)).toEqual([undefined, undefined]);
			await fetch(respond!, {
				method: 'POST',
				body: new URLSearchParams({ f0: 'Not before <Monday>' }),
			});
			expect(answers[2]!.workflowData![0]![0]!.json).toEqual({
				responseType: 'freeText',
				timedOut: false,
				data: { text: 'Not before <Monday>', respondedAt: expect.any(String) },
			});
		});
	});

	it('custom form: the defined fields, typed values keyed by label', async () => {
		const parameters = params({
			responseType: 'customForm',
			formFields: {
				field: [
					{ fieldLabel: 'Amount', fieldType: 'number', requiredField: true },
					{ fieldLabel: 'Cost centre', fieldType: 'dropdown', fieldOptions: 'Sales, IT' },
					{ fieldLabel: 'Notify', fieldType: 'checkboxes', fieldOptions: 'Finance, Legal' },
				],
			},
		});
		await withWebhook(parameters, async ([respond], _base, answers) => {
			const form = await (await fetch(respond!)).text();
			expect(form).toContain(
				'<input type="number" id="f0" name="f0" value="" step="any" required>',
			);
			expect(form).toContain('<option value="IT">IT</option>');
			const body = new URLSearchParams([
				['f0', '1200'],
				['f1', 'IT'],
				['f2', 'Finance'],
				['f2', 'Legal'],
			]);
			const done = await fetch(respond!, { method: 'POST', body });
			expect(done.status).toBe(200);
			expect(answers[1]!.workflowData![0]![0]!.json).toEqual({
				responseType: 'customForm',
				timedOut: false,
				data: {
					Amount: 1200,
					'Cost centre': 'IT',
					Notify: ['Finance', 'Legal'],
					respondedAt: expect.any(String),
				},
			});
		});
	});
});

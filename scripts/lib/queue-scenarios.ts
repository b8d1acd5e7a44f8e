/**
 * What the queue-mode benchmark and end-to-end test do on a running QueueStack: a webhook workflow
 * that turns one call into N mails (the webhook is taken by main, the execution runs on a worker),
 * with per-item mailboxes and optional attachments from the webhook's binary data.
 */
import { parse } from 'flatted';

import { CREDENTIAL_TYPE, connectHeadless, emulatorCredentialData } from './connect';
import type { QueueStack } from './queue-stack';

export const GRAPH_MAIL = 'n8n-nodes-graph-mail.graphMail';

export interface Mailboxes {
	sender: string;
	/** The sender first, then mailboxes the sender has Full Access to. */
	all: string[];
	credential: { id: string; name: string };
}

/** A sender connected in n8n, plus `extra` mailboxes it may send from (Mail.Send.Shared). */
export async function setUpMailboxes(
	stack: QueueStack,
	tag: string,
	extra: number,
): Promise<Mailboxes> {
	const control = stack.emulator.control;
	const sender = await control.addUser({
		userPrincipalName: `sender.${tag}@contoso.test`,
		displayName: `Sender ${tag}`,
	});
	const all = [sender.userPrincipalName];
	for (let i = 0; i < extra; i++) {
		const box = await control.addUser({
			userPrincipalName: `box${i}.${tag}@contoso.test`,
			displayName: `Box ${i} ${tag}`,
		});
		await control.grant({
			mailboxId: box.userPrincipalName,
			delegateId: sender.userPrincipalName,
			fullAccess: true,
			sendAs: true,
		});
		all.push(box.userPrincipalName);
	}
	const name = `Graph Mail ${tag}`;
	const credential = await stack.client.createCredential(name, CREDENTIAL_TYPE, {
		...emulatorCredentialData(stack.emulator),
		additionalScopes: 'Mail.Send.Shared Mail.ReadWrite.Shared',
	});
	await connectHeadless(stack.client, credential.id, sender.userPrincipalName);
	return { sender: sender.userPrincipalName, all, credential: { id: credential.id, name } };
}

/**
 * Webhook (POST /webhook/<path>, answers when the last node is done, or at once with `respondAtOnce`)
 * -> Code (one item per mail from the body: count, tag, mailboxes, recipient) -> Graph Mail Send.
 * With `attachment`, every mail carries the uploaded file (multipart field `file`).
 */
export function bulkWorkflow(options: {
	name: string;
	path: string;
	credential: { id: string; name: string };
	attachment?: boolean;
	respondAtOnce?: boolean;
	/** Delivery Settings → Same Work Key from the webhook body's `tag`: calling again with the same tag is the same work. */
	workKeyFromTag?: boolean;
}): Record<string, unknown> {
	const code = [
		'const body = $input.first().json.body;',
		'const binary = $input.first().binary;',
		'const boxes = String(body.mailboxes).split(",");',
		'const count = Number(body.count);',
		'const out = [];',
		'for (let i = 0; i < count; i++) {',
		'  const to = body.to ? String(body.to) : `r${i}.${body.tag}@example.com`;',
		'  out.push({ json: { to, subject: `${body.tag} #${i}`, mailbox: boxes[i % boxes.length] }, ...(binary ? { binary } : {}) });',
		'}',
		'return out;',
	].join('\n');
	const sendOptions: Record<string, unknown> = { mailbox: '={{ $json.mailbox }}' };
	if (options.attachment)
		sendOptions.attachments = { attachment: [{ binaryPropertyName: 'file' }] };
	return {
		name: options.name,
		nodes: [
			{
				id: 'webhook',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: options.path,
				parameters: {
					httpMethod: 'POST',
					path: options.path,
					responseMode: options.respondAtOnce ? 'onReceived' : 'lastNode',
					responseData: 'noData',
					options: {},
				},
			},
			{
				id: 'code',
				name: 'Mails',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [240, 0],
				parameters: { jsCode: code },
			},
			{
				id: 'send',
				name: 'Send',
				type: GRAPH_MAIL,
				typeVersion: 1,
				position: [480, 0],
				parameters: {
					resource: 'message',
					operation: 'send',
					toRecipients: '={{ $json.to }}',
					subject: '={{ $json.subject }}',
					bodyContentType: 'text',
					bodyContent: 'Sent from a queue-mode worker.',
					options: sendOptions,
					...(options.workKeyFromTag
						? { delivery: { workKey: "={{ $('Webhook').first().json.body.tag }}" } }
						: {}),
				},
				credentials: { [CREDENTIAL_TYPE]: options.credential },
			},
		],
		connections: {
			Webhook: { main: [[{ node: 'Mails', type: 'main', index: 0 }]] },
			Mails: { main: [[{ node: 'Send', type: 'main', index: 0 }]] },
		},
		settings: {
			executionOrder: 'v1',
			saveDataSuccessExecution: 'all',
			saveDataErrorExecution: 'all',
		},
	};
}

/** Creates and activates the workflow; returns its id and webhook URL. */
export async function activeWebhookWorkflow(
	stack: QueueStack,
	workflow: Record<string, unknown>,
	path: string,
): Promise<{ id: string; url: string }> {
	const created = await stack.client.createWorkflow(workflow);
	await stack.client.activateWorkflow(created.id);
	const url = `${stack.main.url}/webhook/${path}`;
	// Registered once a GET is told the webhook takes POST (a GET starts no execution).
	const deadline = Date.now() + 60_000;
	for (;;) {
		const text = await (await fetch(url)).text();
		if (!/is not registered\.?"/.test(text) || /POST/.test(text)) break;
		if (Date.now() > deadline)
			throw new Error(`the webhook ${url} was never registered: ${text.slice(0, 300)}`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	return { id: created.id, url };
}

/** One webhook call: `count` mails; the answer arrives when the execution is done (or at once). */
export async function callBulk(
	url: string,
	body: { count: number; tag: string; mailboxes: string[]; to?: string },
	file?: { name: string; type: string; bytes: Buffer },
): Promise<{ status: number; text: string }> {
	const fields: Record<string, string> = {
		count: String(body.count),
		tag: body.tag,
		mailboxes: body.mailboxes.join(','),
	};
	if (body.to) fields.to = body.to;
	let response: Response;
	if (file) {
		const form = new FormData();
		for (const [name, value] of Object.entries(fields)) form.append(name, value);
		form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
		response = await fetch(url, { method: 'POST', body: form });
	} else {
		response = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(fields),
		});
	}
	return { status: response.status, text: await response.text() };
}

/** Which worker ran an execution, from the workers' logs ("Worker started execution <id>"). */
export function workerOf(stack: QueueStack, executionId: string): string | undefined {
	return stack.workers.find((worker) =>
		new RegExp(`started execution ${executionId}\\b`).test(worker.process.logTail(2_000_000)),
	)?.name;
}

export interface ExecutionRecord {
	id: string;
	status: string;
	mode: string;
	retryOf?: string | null;
	data: {
		resultData: {
			error?: { message?: string; description?: string };
			runData: Record<
				string,
				Array<{
					startTime?: number;
					executionTime?: number;
					error?: { message?: string };
					data?: { main?: Array<Array<{ json: Record<string, unknown> }>> };
				}>
			>;
		};
	};
}

/** An execution with its data (GET /rest/executions/:id, the editor's call). */
export async function executionRecord(stack: QueueStack, id: string): Promise<ExecutionRecord> {
	const raw = await stack.client.request<Omit<ExecutionRecord, 'data'> & { data: string }>(
		'GET',
		`/rest/executions/${id}`,
	);
	return { ...raw, data: parse(raw.data) as ExecutionRecord['data'] };
}

/** The workflow's or a node's error message, if the execution failed. */
export function executionError(record: ExecutionRecord): string | undefined {
	const error = record.data.resultData.error;
	if (error) return [error.message, error.description].filter(Boolean).join(' -- ');
	for (const [node, runs] of Object.entries(record.data.resultData.runData)) {
		const failed = runs.find((run) => run.error);
		if (failed) return `${node}: ${failed.error?.message}`;
	}
	return undefined;
}

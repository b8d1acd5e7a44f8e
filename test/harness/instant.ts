import 'reflect-metadata';

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { HookContext, TriggerContext, WebhookContext } from 'n8n-core';
import {
	Workflow,
	type IDataObject,
	type IHookFunctions,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type ITriggerFunctions,
	type ITriggerResponse,
	type IWebhookData,
	type IWebhookFunctions,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { CREDENTIAL_ID, type TestEnvironment } from './environment';

export const INSTANT_NODE_TYPE = 'n8n-nodes-graph-mail.graphMailInstantTrigger';
const NODE_NAME = 'Instant Under Test';

const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value ?? {})) as T;

/** What one POST to the webhook did. */
export interface WebhookCall {
	status: number;
	mode: WorkflowExecuteMode;
	/** The items the webhook handed to n8n to start an execution with (test listens only). */
	workflowData?: INodeExecutionData[][];
}

/**
 * The Graph Mail Instant Trigger as n8n 2.40 runs it, in n8n-core's real HookContext,
 * TriggerContext and WebhookContext, against the emulator over HTTP:
 *  - a loopback HTTP server stands in for n8n's webhook routes (`/webhook/<id>/webhook` and the
 *    test route `/webhook-test/...`): the emulator's validation requests and notifications reach
 *    the node's `webhook()` there. n8n hands the node an express request and response; the server
 *    gives the few express calls the node makes (`status`, `type`, `send`, `json`, `end`).
 *  - static data as n8n keeps it: `saved` is the database copy. Activation runs checkExists/create
 *    on one Workflow and saves its static data; the trigger runs on ANOTHER Workflow built from the
 *    copy saved before the hooks ran (what n8n 2.40 does), and its emits save that copy; each
 *    webhook request gets a fresh Workflow from the saved copy (a test listen: the hooks' copy).
 */
export class InstantTrigger {
	readonly node: INode;
	readonly emitted: INodeExecutionData[] = [];
	readonly webhookCalls: WebhookCall[] = [];
	readonly errors: Error[] = [];
	/** n8n's database copy of the workflow's static data. */
	saved: IDataObject = {};
	private server!: Server;
	private baseUrl = '';
	private running?: ITriggerResponse;
	/** A test listen's static data (n8n keeps it with the test webhook registration). */
	private testStaticData?: IDataObject;

	constructor(
		readonly env: TestEnvironment,
		parameters: INodeParameters,
		readonly workflowId = `instant-${randomUUID().slice(0, 8)}`,
	) {
		this.node = {
			id: `node-${randomUUID().slice(0, 8)}`,
			name: NODE_NAME,
			type: INSTANT_NODE_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters,
			webhookId: randomUUID(),
			credentials: { graphMailOAuth2Api: { id: CREDENTIAL_ID, name: env.engine.credentials.stored(CREDENTIAL_ID).name } },
		};
	}

	get nodeType(): INodeType {
		return this.env.engine.nodeTypes.getByNameAndVersion(INSTANT_NODE_TYPE, 1);
	}

	get webhookUrl(): string {
		return `${this.baseUrl}/webhook/${this.node.webhookId}/webhook`;
	}

	get testWebhookUrl(): string {
		return `${this.baseUrl}/webhook-test/${this.node.webhookId}/webhook`;
	}

	/** The `push` part of the saved node static data (subscriptions and clientState). */
	get savedPush(): IDataObject | undefined {
		return (this.saved[`node:${NODE_NAME}`] as IDataObject | undefined)?.push as IDataObject | undefined;
	}

	async start(): Promise<void> {
		this.server = createServer((req, res) => void this.serve(req, res));
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
	}

	async stop(): Promise<void> {
		await this.running?.closeFunction?.();
		this.running = undefined;
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	workflow(staticData: IDataObject): Workflow {
		return new Workflow({
			id: this.workflowId,
			name: 'Instant workflow',
			nodes: [this.node],
			connections: {},
			active: true,
			nodeTypes: this.env.engine.nodeTypes,
			staticData: plain(staticData),
			settings: { executionOrder: 'v1' },
		});
	}

	additionalData(extra: Partial<IWorkflowExecuteAdditionalData> = {}): IWorkflowExecuteAdditionalData {
		return {
			...this.env.engine.additionalData(),
			webhookBaseUrl: `${this.baseUrl}/webhook`,
			webhookTestBaseUrl: `${this.baseUrl}/webhook-test`,
			...extra,
		} as IWorkflowExecuteAdditionalData;
	}

	webhookData(additionalData: IWorkflowExecuteAdditionalData, isTest: boolean): IWebhookData {
		return {
			httpMethod: 'POST',
			node: NODE_NAME,
			path: `${this.node.webhookId}/webhook`,
			webhookDescription: { name: 'default', httpMethod: 'POST', path: 'webhook', responseMode: 'onReceived' },
			workflowId: this.workflowId,
			workflowExecuteAdditionalData: additionalData,
			webhookId: this.node.webhookId,
			isTest,
		};
	}

	private hookContext(workflow: Workflow, mode: WorkflowExecuteMode): IHookFunctions {
		const additionalData = this.additionalData();
		const activation = mode === 'manual' ? 'manual' : 'activate';
		return new HookContext(workflow, this.node, additionalData, mode, activation, this.webhookData(additionalData, mode === 'manual')) as unknown as IHookFunctions;
	}

	/** What n8n does on activation (or at start-up): checkExists, create unless it exists, save, start the trigger. */
	async activate(): Promise<void> {
		const beforeHooks = plain(this.saved);
		const hooked = this.workflow(this.saved);
		const methods = this.nodeType.webhookMethods!.default;
		const ctx = this.hookContext(hooked, 'trigger');
		if (!(await methods.checkExists.call(ctx))) await methods.create.call(ctx);
		this.saved = plain(hooked.staticData as IDataObject);
		await this.startTrigger(beforeHooks);
	}

	/** The trigger alone, on a copy of the static data (n8n restarting it, or a stale copy). */
	async startTrigger(staticData: IDataObject = this.saved): Promise<void> {
		const workflow = this.workflow(staticData);
		const emit = (data: INodeExecutionData[][]) => {
			this.emitted.push(...(data[0] ?? []));
			this.saved = plain(workflow.staticData as IDataObject);
		};
		const emitError = (error: Error) => this.errors.push(error);
		const ctx = new TriggerContext(workflow, this.node, this.additionalData(), 'trigger', 'activate', emit as never, emitError);
		this.running = await this.nodeType.trigger!.call(ctx as unknown as ITriggerFunctions);
	}

	/** What n8n does on deactivation: stop the trigger, then the delete hook on the saved copy. */
	async deactivate(): Promise<void> {
		await this.running?.closeFunction?.();
		this.running = undefined;
		const workflow = this.workflow(this.saved);
		await this.nodeType.webhookMethods!.default.delete.call(this.hookContext(workflow, 'trigger'));
		this.saved = plain(workflow.staticData as IDataObject);
	}

	/** "Listen for test event": the hooks in manual mode on the test URL (n8n keeps their static data with the registration). */
	async listenForTestEvent(): Promise<void> {
		const workflow = this.workflow(this.saved);
		const methods = this.nodeType.webhookMethods!.default;
		const ctx = this.hookContext(workflow, 'manual');
		if (!(await methods.checkExists.call(ctx))) await methods.create.call(ctx);
		this.testStaticData = plain(workflow.staticData as IDataObject);
	}

	async stopListening(): Promise<void> {
		const workflow = this.workflow(this.testStaticData ?? this.saved);
		await this.nodeType.webhookMethods!.default.delete.call(this.hookContext(workflow, 'manual'));
		this.testStaticData = undefined;
	}

	private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const url = new URL(req.url ?? '/', this.baseUrl);
		const isTest = url.pathname.startsWith('/webhook-test/');
		if (url.pathname !== new URL(isTest ? this.testWebhookUrl : this.webhookUrl).pathname || req.method !== 'POST') {
			res.writeHead(404).end();
			return;
		}
		const text = Buffer.concat(chunks).toString('utf8');
		let body: unknown = {};
		try {
			body = text ? JSON.parse(text) : {};
		} catch {
			body = {};
		}
		const request = Object.assign(req, { query: Object.fromEntries(url.searchParams), body, params: {} });
		const response = Object.assign(res, {
			status(code: number) {
				res.statusCode = code;
				return response;
			},
			type(contentType: string) {
				res.setHeader('content-type', contentType.includes('/') ? contentType : `text/${contentType}`);
				return response;
			},
			send(payload: string) {
				res.end(payload);
				return response;
			},
			json(payload: unknown) {
				res.setHeader('content-type', 'application/json');
				res.end(JSON.stringify(payload));
				return response;
			},
		});
		const mode: WorkflowExecuteMode = isTest ? 'manual' : 'webhook';
		const additionalData = this.additionalData({ httpRequest: request, httpResponse: response } as never);
		const workflow = this.workflow(isTest ? (this.testStaticData ?? {}) : this.saved);
		const ctx = new WebhookContext(workflow, this.node, additionalData, mode, this.webhookData(additionalData, isTest), [], null);
		try {
			const result = await this.nodeType.webhook!.call(ctx as unknown as IWebhookFunctions);
			if (!res.writableEnded) res.writeHead(200).end();
			this.webhookCalls.push({ status: res.statusCode, mode, ...(result.workflowData ? { workflowData: result.workflowData } : {}) });
		} catch (error) {
			this.errors.push(error as Error);
			if (!res.writableEnded) res.writeHead(500).end();
		}
	}
}

/** Waits until `probe` holds (real time: the trigger, the emulator and the webhook talk over HTTP). */
export async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await probe())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
}

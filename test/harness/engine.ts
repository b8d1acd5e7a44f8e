import 'reflect-metadata';

import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import {
	createRunExecutionData,
	Workflow,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type IRun,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type NodeExecutionHint,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { TestCredentialsHelper, type StoredCredential } from './credentialsHelper';
import { TestNodeTypes } from './nodeTypes';

export interface RunNodeOptions {
	parameters: INodeParameters;
	items?: INodeExecutionData[];
	credentialId?: string;
	nodeType?: string;
	typeVersion?: number;
	credentialType?: string;
	continueOnFail?: boolean;
	retryOnFail?: boolean;
	maxTries?: number;
	waitBetweenTries?: number;
	executionId?: string;
	workflowId?: string;
	/** n8n's execution mode, e.g. 'retry' for a Retry of a failed execution (default 'manual'). */
	mode?: WorkflowExecuteMode;
	/** The execution's custom data at the start (a Retry starts from the failed execution's). */
	customData?: Record<string, string>;
	/** The workflow's static data (kept by the caller across runs, as n8n keeps it with the workflow). */
	staticData?: IDataObject;
}

export interface RunNodeResult {
	items: INodeExecutionData[];
	/** The node's error when the run failed. */
	error?: Error & { description?: string; context?: IDataObject };
	/** The notices the node added for the editor (`addExecutionHints`). */
	hints: NodeExecutionHint[];
	run: IRun;
}

let executionCounter = 0;

/** Runs one node (the workflow's start node) in n8n-core's real WorkflowExecute. */
export class Engine {
	readonly nodeTypes = new TestNodeTypes();
	readonly credentials = new TestCredentialsHelper();

	addCredential(credential: StoredCredential): void {
		this.credentials.add(credential);
	}

	/** What n8n hands a node besides its parameters: the credentials helper and the instance URLs. */
	additionalData(
		extra: { executionId?: string; hooks?: ExecutionLifecycleHooks } = {},
	): IWorkflowExecuteAdditionalData {
		return {
			...extra,
			credentialsHelper: this.credentials,
			variables: {},
			restApiUrl: 'http://127.0.0.1:5678/rest',
			instanceBaseUrl: 'http://127.0.0.1:5678/',
			webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
			webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
			webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
			formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
			userId: 'test-user',
			currentNodeParameters: undefined,
			currentNodeExecutionIndex: 0,
			evalLlmMockHandler: undefined,
		} as unknown as IWorkflowExecuteAdditionalData;
	}

	async runNode(options: RunNodeOptions): Promise<RunNodeResult> {
		const credentialId = options.credentialId ?? 'graph-mail-credential';
		const credentialType = options.credentialType ?? 'graphMailOAuth2Api';
		const node: INode = {
			id: 'node-under-test',
			name: 'Node Under Test',
			type: options.nodeType ?? 'n8n-nodes-graph-mail.graphMail',
			typeVersion: options.typeVersion ?? 1,
			position: [0, 0],
			parameters: options.parameters,
			credentials: {
				[credentialType]: { id: credentialId, name: this.credentials.stored(credentialId).name },
			},
			...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
			...(options.retryOnFail
				? {
						retryOnFail: true,
						maxTries: options.maxTries ?? 3,
						waitBetweenTries: options.waitBetweenTries ?? 0,
					}
				: {}),
		};
		const workflowData: IWorkflowBase = {
			id: options.workflowId ?? 'workflow-under-test',
			name: 'Test workflow',
			active: false,
			isArchived: false,
			nodes: [node],
			connections: {},
			settings: { executionOrder: 'v1' },
			createdAt: new Date(),
			updatedAt: new Date(),
		} as IWorkflowBase;
		const workflow = new Workflow({
			id: workflowData.id,
			nodes: workflowData.nodes,
			connections: workflowData.connections,
			nodeTypes: this.nodeTypes,
			settings: workflowData.settings,
			active: false,
			staticData: options.staticData,
		});
		const executionId = options.executionId ?? `execution-${++executionCounter}`;
		const mode = options.mode ?? 'manual';
		const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
		const finished = new Promise<IRun>((resolve) =>
			hooks.addHandler('workflowExecuteAfter', (run) => resolve(run)),
		);
		const additionalData = this.additionalData({ executionId, hooks });
		const runData = createRunExecutionData({
			executionData: {
				nodeExecutionStack: [
					{
						node: workflow.getStartNode()!,
						data: { main: [options.items ?? [{ json: {} }]] },
						source: null,
					},
				],
			},
			resultData: {
				runData: {},
				...(options.customData ? { metadata: { ...options.customData } } : {}),
			},
		});
		await new WorkflowExecute(additionalData, mode, runData).processRunExecutionData(workflow);
		const run = await finished;
		const taskData = run.data.resultData.runData[node.name]?.at(-1);
		return {
			items: taskData?.data?.main?.[0] ?? [],
			error: (run.data.resultData.error ?? taskData?.error) as RunNodeResult['error'],
			hints: taskData?.hints ?? [],
			run,
		};
	}
}

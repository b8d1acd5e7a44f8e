import 'reflect-metadata';

import { PollContext } from 'n8n-core';
import {
	Workflow,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type IPollFunctions,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import type { Engine } from './engine';

export const TRIGGER_NODE_TYPE = 'n8n-nodes-graph-mail.graphMailTrigger';
export const TRIGGER_NODE_NAME = 'Trigger Under Test';

export interface PollerOptions {
	parameters: INodeParameters;
	nodeType?: string;
	typeVersion?: number;
	credentialType?: string;
	credentialId?: string;
	/** The workflow's static data to start from (deep-copied), e.g. saved from another Poller. */
	staticData?: IDataObject;
	workflowId?: string;
	/** What `getPollBudgetMs()` answers (n8n's default is 5 minutes). */
	pollBudgetMs?: number;
}

export interface PollResult {
	/** The items the poll returned (empty when it returned null or threw). */
	items: INodeExecutionData[];
	/** What poll() returned as-is. */
	returned?: INodeExecutionData[][] | null;
	error?: Error & { description?: string; httpCode?: string; context?: IDataObject };
}

function plain<T>(value: T): T {
	return JSON.parse(JSON.stringify(value ?? {})) as T;
}

/**
 * A polling trigger in n8n-core's real PollContext, as n8n's poll executor runs it: a Workflow
 * whose static data persists from poll to poll (`workflow.staticData['node:<name>']`), the node's
 * `poll()` called with the context as `this`. `restart()` gives a new Poller built from a copy of
 * the saved static data, as after an n8n restart or on another queue-mode worker.
 */
export class Poller {
	readonly workflow: Workflow;
	readonly node: INode;

	constructor(
		readonly engine: Engine,
		readonly options: PollerOptions,
	) {
		const credentialType = options.credentialType ?? 'graphMailOAuth2Api';
		const credentialId = options.credentialId ?? 'graph-mail-credential';
		this.node = {
			id: 'trigger-under-test',
			name: TRIGGER_NODE_NAME,
			type: options.nodeType ?? TRIGGER_NODE_TYPE,
			typeVersion: options.typeVersion ?? 1,
			position: [0, 0],
			parameters: options.parameters,
			credentials: {
				[credentialType]: { id: credentialId, name: engine.credentials.stored(credentialId).name },
			},
		};
		this.workflow = new Workflow({
			id: options.workflowId ?? 'trigger-workflow',
			name: 'Trigger workflow',
			nodes: [this.node],
			connections: {},
			active: true,
			nodeTypes: engine.nodeTypes,
			staticData: plain(options.staticData ?? {}),
			settings: { executionOrder: 'v1' },
		});
	}

	/** The node's static data as saved (a plain deep copy). */
	get savedStaticData(): IDataObject {
		return plain(this.workflow.staticData as IDataObject);
	}

	get nodeStaticData(): IDataObject {
		return plain(
			(this.workflow.staticData as IDataObject)[`node:${this.node.name}`] as IDataObject,
		);
	}

	/** A new Poller from a copy of this one's saved static data (same parameters unless overridden). */
	restart(overrides: Partial<PollerOptions> = {}): Poller {
		return new Poller(this.engine, {
			...this.options,
			staticData: this.savedStaticData,
			...overrides,
		});
	}

	context(mode: WorkflowExecuteMode = 'trigger'): PollContext {
		const additionalData = this.engine.additionalData();
		const budget = this.options.pollBudgetMs;
		return new PollContext(
			this.workflow,
			this.node,
			additionalData,
			mode,
			'init',
			undefined,
			undefined,
			undefined,
			undefined,
			undefined,
			budget === undefined ? undefined : () => budget,
		);
	}

	/** One poll; a thrown error is returned in `error` (the static data then shows what a failed poll leaves). */
	async poll(mode: WorkflowExecuteMode = 'trigger'): Promise<PollResult> {
		const nodeType = this.workflow.nodeTypes.getByNameAndVersion(
			this.node.type,
			this.node.typeVersion,
		);
		if (!nodeType.poll) throw new Error(`${this.node.type} is not a polling node`);
		try {
			const returned = await nodeType.poll.call(this.context(mode) as unknown as IPollFunctions);
			return { items: returned?.[0] ?? [], returned };
		} catch (error) {
			return { items: [], error: error as PollResult['error'] };
		}
	}

	/** One poll that must succeed. */
	async pollOk(mode: WorkflowExecuteMode = 'trigger'): Promise<INodeExecutionData[]> {
		const result = await this.poll(mode);
		if (result.error)
			throw new Error(`poll failed: ${result.error.message} ${result.error.description ?? ''}`);
		return result.items;
	}
}

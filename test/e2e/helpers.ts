import { randomBytes } from 'node:crypto';

import { parse } from 'flatted';

import {
	connectHeadless,
	CREDENTIAL_TYPE,
	emulatorCredentialData,
} from '../../scripts/lib/connect';
import { EmulatorControlClient } from '../../scripts/lib/emulator-process';
import { N8nClient } from '../../scripts/lib/n8n-rest';
import { executeWorkflow, type ExecuteOutcome } from '../../scripts/lib/n8n-process';
import { readE2eState, type E2eState } from './stack-state';

export const GRAPH_MAIL = 'n8n-nodes-graph-mail.graphMail';

export interface E2e {
	state: E2eState;
	client: N8nClient;
	emulator: EmulatorControlClient;
}

/** The shared n8n (logged in as the owner) and the emulator's control API. */
export async function e2e(): Promise<E2e> {
	const state = readE2eState();
	const client = new N8nClient(state.n8nUrl);
	await client.login(state.owner.email, state.owner.password);
	return {
		state,
		client,
		emulator: new EmulatorControlClient(state.emulator.url, state.emulator.controlKey),
	};
}

export function uniqueName(prefix: string): string {
	return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** A fresh emulator user, so that expiring or revoking its tokens touches no other test. */
export async function newUser(
	env: E2e,
	prefix: string,
): Promise<{ id: string; userPrincipalName: string; mail: string; displayName: string }> {
	const name = uniqueName(prefix);
	return await env.emulator.addUser({
		userPrincipalName: `${name}@contoso.onmicrosoft.com`,
		displayName: `E2E ${name}`,
	});
}

/** A Graph Mail credential (Custom cloud -> the emulator), connected through n8n's OAuth2 flow as `user`. */
export async function connectedCredential(
	env: E2e,
	user: string,
	name = uniqueName('Graph Mail'),
): Promise<{ id: string; name: string }> {
	const credential = await env.client.createCredential(
		name,
		CREDENTIAL_TYPE,
		emulatorCredentialData(env.state.emulator),
	);
	await connectHeadless(env.client, credential.id, user);
	return { id: credential.id, name };
}

type NodeSpec = {
	name: string;
	type: string;
	typeVersion: number;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	/** 'continueRegularOutput': a failed item becomes an output item with `error` (continueOnFail). */
	onError?: string;
};

/** A linear workflow: Manual Trigger -> nodes[0] -> nodes[1] ... */
export function linearWorkflow(name: string, nodes: NodeSpec[]): Record<string, unknown> {
	const all: NodeSpec[] = [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
		...nodes,
	];
	const connections: Record<string, unknown> = {};
	for (let i = 0; i < all.length - 1; i++) {
		connections[all[i]!.name] = { main: [[{ node: all[i + 1]!.name, type: 'main', index: 0 }]] };
	}
	return {
		name,
		nodes: all.map((node, index) => ({ id: `node-${index}`, position: [index * 240, 0], ...node })),
		connections,
		settings: { executionOrder: 'v1' },
	};
}

export function graphMailNode(
	name: string,
	credential: { id: string; name: string },
	parameters: Record<string, unknown>,
): NodeSpec {
	return {
		name,
		type: GRAPH_MAIL,
		typeVersion: 1,
		parameters,
		credentials: { graphMailOAuth2Api: credential },
	};
}

/** Imports the workflow through the REST API and runs it with `n8n execute --id` (a separate n8n process). */
export async function importAndExecute(
	env: E2e,
	workflow: Record<string, unknown>,
): Promise<ExecuteOutcome & { workflowId: string }> {
	const created = await env.client.createWorkflow(workflow);
	const outcome = await executeWorkflow(env.state.runtime, homeOf(env.state), created.id);
	return { ...outcome, workflowId: created.id };
}

export function homeOf(state: E2eState) {
	return {
		userFolder: state.userFolder,
		encryptionKey: state.encryptionKey,
		filesDir: state.filesDir,
	};
}

export function describeFailure(outcome: ExecuteOutcome): string {
	return outcome.ok
		? ''
		: `${outcome.errorMessage}\n--- n8n execute output (tail) ---\n${outcome.cli.stdout.slice(-3000)}\n${outcome.cli.stderr.slice(-2000)}`;
}

export interface TaskData {
	data?: { main?: Array<Array<{ json: Record<string, unknown> }>> };
	hints?: Array<{ message: string; type?: string }>;
	error?: { message?: string };
}
export interface Execution {
	id: string;
	mode: string;
	status: string;
	retryOf?: string | null;
	data: { resultData: { runData: Record<string, TaskData[]>; metadata?: Record<string, string> } };
}

export async function execution(env: E2e, id: string): Promise<Execution> {
	const deadline = Date.now() + 90_000;
	for (;;) {
		const raw = await env.client.request<Omit<Execution, 'data'> & { data: string }>(
			'GET',
			`/rest/executions/${id}`,
		);
		if (!['new', 'running', 'waiting'].includes(raw.status))
			return { ...raw, data: parse(raw.data) as Execution['data'] };
		if (Date.now() > deadline) throw new Error(`execution ${id} still ${raw.status}`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

/** Execute Workflow in the editor: a full manual run from the Manual Trigger. */
export async function executeFromEditor(env: E2e, workflowId: string): Promise<Execution> {
	const started = await env.client.request<{ executionId: string }>(
		'POST',
		`/rest/workflows/${workflowId}/run`,
		{
			triggerToStartFrom: { name: 'Start' },
		},
	);
	return await execution(env, started.executionId);
}

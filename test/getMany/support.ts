import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { LoadOptionsContext } from 'n8n-core';
import {
	Workflow,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeListSearchResult,
	type INodeParameters,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import type { SeedMessage } from '../../emulator/contract';
import { GraphMail } from '../../nodes/GraphMail/GraphMail.node';
import type { RunNodeOptions, RunNodeResult } from '../harness/engine';
import { CREDENTIAL_ID, type TestEnvironment } from '../harness/environment';

export const rl = (value: string, mode = 'id') => ({ __rl: true, mode, value });

/** Parameters of Get Many on one folder (by ID), with overrides. */
export function getManyParams(
	folderId: string | undefined,
	extra: INodeParameters = {},
): INodeParameters {
	return {
		resource: 'message',
		operation: 'getAll',
		...(folderId === undefined ? {} : { folder: 'other', folderId: rl(folderId) }),
		...extra,
	};
}

export async function run(
	env: TestEnvironment,
	parameters: INodeParameters,
	options: Partial<RunNodeOptions> = {},
): Promise<RunNodeResult> {
	return await env.engine.runNode({ parameters, ...options });
}

/** Runs and fails the test on a node error. */
export async function runOk(
	env: TestEnvironment,
	parameters: INodeParameters,
	options: Partial<RunNodeOptions> = {},
): Promise<INodeExecutionData[]> {
	const result = await run(env, parameters, options);
	if (result.error)
		throw new Error(`node failed: ${result.error.message} ${result.error.description ?? ''}`);
	return result.items;
}

export const subjects = (items: INodeExecutionData[]) => items.map((item) => item.json.subject);

let folderCounter = 0;
/** A new folder under the mailbox root (or `parentId`), unique name. */
export function newFolder(
	env: TestEnvironment,
	name: string,
	parentId?: string,
	userId = env.userId,
): string {
	return env.emulator.control.createFolder(userId, `${name} ${++folderCounter}`, parentId).id;
}

export function deliver(
	env: TestEnvironment,
	folderId: string,
	message: SeedMessage,
	userId = env.userId,
): string {
	return env.emulator.control.deliver(userId, folderId, message);
}

export function requestsTo(env: TestEnvironment, route: string): number {
	return env.emulator.control.counters().requestsByRoute[route] ?? 0;
}

/** Calls the Folder list search as the editor does (n8n-core's LoadOptionsContext with the node's current parameters). */
export async function searchFolders(
	env: TestEnvironment,
	parameters: INodeParameters,
	filter?: string,
	paginationToken?: string,
	method:
		| 'searchFolders'
		| 'searchMessages'
		| 'searchDrafts'
		| 'searchAttachments' = 'searchFolders',
): Promise<INodeListSearchResult> {
	const node: INode = {
		id: 'list-search-node',
		name: 'Graph Mail',
		type: 'n8n-nodes-graph-mail.graphMail',
		typeVersion: 1,
		position: [0, 0],
		parameters,
		credentials: { graphMailOAuth2Api: { id: CREDENTIAL_ID, name: 'Graph Mail (emulator)' } },
	};
	const workflow = new Workflow({
		id: 'list-search-workflow',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: env.engine.nodeTypes,
		settings: { executionOrder: 'v1' },
	});
	const additionalData = {
		credentialsHelper: env.engine.credentials,
		// The editor sends the node's parameters with their defaults, Authentication among them.
		currentNodeParameters: { authentication: 'delegated', ...parameters },
		variables: {},
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		userId: 'test-user',
	} as unknown as IWorkflowExecuteAdditionalData;
	const context = new LoadOptionsContext(
		workflow,
		node,
		additionalData,
		`parameters.${method === 'searchFolders' ? 'folderId' : 'messageId'}`,
	);
	return await new GraphMail().methods.listSearch[method].call(context, filter, paginationToken);
}

/** Get's Message list in the editor, with the search text the user typed. */
export async function searchMessages(
	env: TestEnvironment,
	parameters: INodeParameters,
	filter?: string,
): Promise<INodeListSearchResult> {
	return await searchFolders(env, parameters, filter, undefined, 'searchMessages');
}

export interface RecordingServer {
	url: string;
	requests: Array<{ method?: string; url?: string; authorization?: string }>;
	close(): Promise<void>;
}

function listenLocal(server: Server): Promise<string> {
	return new Promise((resolve) =>
		server.listen(0, '127.0.0.1', () =>
			resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
		),
	);
}

function closeServer(server: Server): Promise<void> {
	return new Promise((resolve) => {
		server.close(() => resolve());
		server.closeAllConnections();
	});
}

/** A host that is not Graph: records every request it gets and answers an empty page. */
export async function startForeignHost(): Promise<RecordingServer> {
	const requests: RecordingServer['requests'] = [];
	const server = createServer((req, res) => {
		requests.push({ method: req.method, url: req.url, authorization: req.headers.authorization });
		res.writeHead(200, { 'Content-Type': 'application/json' });
		res.end(JSON.stringify({ value: [{ id: 'stolen', subject: 'from a foreign host' }] }));
	});
	const url = await listenLocal(server);
	return { url, requests, close: async () => await closeServer(server) };
}

export interface GraphProxy extends RecordingServer {
	/** Most attachment `$value` downloads that were in flight at once. */
	peakValueDownloads(): number;
}

/**
 * A transparent proxy in front of the emulator's Graph; the credential's Graph base URL points at
 * it. It counts concurrent attachment `$value` downloads and, given `foreignOrigin`, rewrites every
 * `@odata.nextLink` to that origin (same path and query): what a compromised or misconfigured
 * upstream could send.
 */
export async function startGraphProxy(
	targetOrigin: string,
	options: { foreignOrigin?: string } = {},
): Promise<GraphProxy> {
	const requests: RecordingServer['requests'] = [];
	const target = new URL(targetOrigin);
	let valueDownloads = 0;
	let peak = 0;
	const server = createServer((req, res) => {
		requests.push({ method: req.method, url: req.url, authorization: req.headers.authorization });
		const isValue = /\/\$value(\?|$)/.test(req.url ?? '');
		if (isValue) {
			peak = Math.max(peak, ++valueDownloads);
			// Counted until the client's exchange is over, however it ends (answer sent, error, abort).
			res.once('close', () => valueDownloads--);
		}
		const upstream = httpRequest(
			{
				host: target.hostname,
				port: target.port,
				method: req.method,
				path: req.url,
				headers: { ...req.headers, host: target.host },
			},
			(answer: IncomingMessage) => {
				const chunks: Buffer[] = [];
				answer.on('data', (chunk: Buffer) => chunks.push(chunk));
				answer.on('end', () => {
					let body = Buffer.concat(chunks);
					const headers = { ...answer.headers };
					if (
						options.foreignOrigin &&
						String(headers['content-type'] ?? '').includes('json') &&
						body.length
					) {
						const json = JSON.parse(body.toString('utf8')) as IDataObject;
						const link = json['@odata.nextLink'];
						if (typeof link === 'string') {
							const url = new URL(link);
							json['@odata.nextLink'] = `${options.foreignOrigin}${url.pathname}${url.search}`;
						}
						body = Buffer.from(JSON.stringify(json));
						headers['content-length'] = String(body.length);
						delete headers['transfer-encoding'];
					}
					res.writeHead(answer.statusCode ?? 502, headers);
					res.end(body);
				});
			},
		);
		upstream.on('error', () => res.destroy());
		req.pipe(upstream);
	});
	const url = await listenLocal(server);
	return {
		url,
		requests,
		peakValueDownloads: () => peak,
		close: async () => await closeServer(server),
	};
}

import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IBinaryData, IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { MailboxSnapshot } from '../../emulator/contract';
import { DEMO_USERS } from '../../emulator/mail/index';
import { setBinaryMode } from '../harness/binaryData';
import type { RunNodeOptions, RunNodeResult } from '../harness/engine';
import {
	connectCredential,
	startTestEnvironment,
	type TestEnvironment,
} from '../harness/environment';

export const ADELE = DEMO_USERS.adele;
export const MEGAN = DEMO_USERS.megan;
export const ALEX = DEMO_USERS.alex;

export interface RecordedRequest {
	method: string;
	/** Path after /v1.0, with the query. */
	path: string;
	headers: Record<string, string | string[] | undefined>;
	bodyBytes: number;
	/** Parsed JSON body (only for bodies under 5 MB). */
	json?: IDataObject;
	status?: number;
	/** A sub-request of a `$batch` (its `path` is the sub-request's relative URL). */
	viaBatch?: boolean;
}

export interface SendEnvironment extends TestEnvironment {
	/** Every HTTP request the node made to Graph (through the recording proxy), in order. */
	recorded: RecordedRequest[];
	/** Graph requests by meaning: a `$batch` stands for its sub-requests (with their own statuses). */
	graphRequests(method: string, pathPattern: RegExp): RecordedRequest[];
	/** Messages of a user's folder (well-known name), from the emulator's snapshot. */
	folder(userId: string, wellKnownName: string): MailboxSnapshot['folders'][number]['messages'];
	/** A Graph GET as `userId` straight to the emulator (for properties the snapshot lacks). */
	graphGet(
		userId: string,
		path: string,
		headers?: Record<string, string>,
	): Promise<IDataObject & { status?: number }>;
	/** Clears recordings, faults and counters; reconnects nothing (tokens stay valid). */
	clear(): void;
}

function listen(server: Server): Promise<string> {
	return new Promise((resolve) =>
		server.listen(0, '127.0.0.1', () =>
			resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
		),
	);
}

/**
 * The emulator (demo seed, connected as Adele) behind a recording proxy: the credential's Graph
 * base URL is the proxy, which forwards every request and keeps what the node sent. Upload URLs
 * point straight at the emulator's upload listener.
 */
/**
 * The send environment for a test file: binary data in memory, started before the file's tests
 * (`started` receives it), `each` before every test (by default: the recorded requests cleared),
 * stopped after them.
 */
export function useSendEnvironment(
	started: (env: SendEnvironment) => void,
	each: (env: SendEnvironment) => void = (env) => env.clear(),
): void {
	let env: SendEnvironment | undefined;
	beforeAll(async () => {
		await setBinaryMode('default');
		env = await startSendEnvironment();
		started(env);
	});
	afterAll(async () => await env?.stop());
	beforeEach(() => each(env!));
}

export async function startSendEnvironment(): Promise<SendEnvironment> {
	const base = await startTestEnvironment({
		// The suite uploads a few hundred MB; the per-mailbox upload budget is not what it tests.
		budgets: { uploadBytesPerFiveMinutes: 4 * 1024 * 1024 * 1024 },
	});
	const target = new URL(base.emulator.graphBaseUrl);
	const recorded: RecordedRequest[] = [];
	const logical: RecordedRequest[] = [];
	const proxy = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const body = Buffer.concat(chunks);
			const entry: RecordedRequest = {
				method: req.method ?? 'GET',
				path: (req.url ?? '').replace(/^\/v1\.0/, ''),
				headers: { ...req.headers },
				bodyBytes: body.length,
			};
			if (
				body.length &&
				body.length < 5_000_000 &&
				String(req.headers['content-type'] ?? '').includes('json')
			) {
				try {
					entry.json = JSON.parse(body.toString('utf8')) as IDataObject;
				} catch {
					// not JSON after all
				}
			}
			recorded.push(entry);
			const batched = /^\/(\$|%24)batch$/i.test(entry.path) && Array.isArray(entry.json?.requests);
			const subEntries = new Map<string, RecordedRequest>();
			if (batched) {
				for (const sub of entry.json!.requests as IDataObject[]) {
					const subEntry: RecordedRequest = {
						method: String(sub.method),
						path: String(sub.url),
						headers: (sub.headers ?? {}) as Record<string, string>,
						bodyBytes: sub.body === undefined ? 0 : Buffer.byteLength(JSON.stringify(sub.body)),
						json: sub.body as IDataObject | undefined,
						viaBatch: true,
					};
					subEntries.set(String(sub.id), subEntry);
					logical.push(subEntry);
				}
			} else {
				logical.push(entry);
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
					entry.status = answer.statusCode;
					res.writeHead(answer.statusCode ?? 502, answer.headers);
					if (!batched) {
						answer.pipe(res);
						return;
					}
					const parts: Buffer[] = [];
					answer.on('data', (chunk: Buffer) => {
						parts.push(chunk);
						res.write(chunk);
					});
					answer.on('end', () => {
						res.end();
						try {
							const body = JSON.parse(Buffer.concat(parts).toString('utf8')) as {
								responses?: Array<{ id: string; status: number }>;
							};
							for (const response of body.responses ?? []) {
								const subEntry = subEntries.get(String(response.id));
								if (subEntry) subEntry.status = response.status;
							}
						} catch {
							// not a batch answer
						}
					});
					answer.on('error', () => res.destroy());
				},
			);
			upstream.on('error', () => res.destroy());
			upstream.end(body);
		});
	});
	const proxyUrl = await listen(proxy);
	await connectCredential(base.engine, base.emulator, {
		userId: base.userId,
		extra: { customGraphUrl: proxyUrl },
	});

	const env: SendEnvironment = {
		...base,
		recorded,
		graphRequests: (method, pathPattern) =>
			logical.filter((r) => r.method === method && pathPattern.test(r.path)),
		folder: (userId, wellKnownName) =>
			base.emulator.control.mailbox(userId).folders.find((f) => f.wellKnownName === wellKnownName)
				?.messages ?? [],
		graphGet: async (userId, path, headers = {}) => {
			const tokens = base.emulator.control.issueTokens({
				userId,
				scopes: ['Mail.ReadWrite', 'Mail.ReadWrite.Shared', 'User.Read'],
			});
			const response = await fetch(`${base.emulator.graphBaseUrl}/v1.0${path}`, {
				headers: { Authorization: `Bearer ${tokens.access_token}`, ...headers },
			});
			return { status: response.status, ...((await response.json()) as IDataObject) };
		},
		clear: () => {
			recorded.length = 0;
			logical.length = 0;
			base.emulator.control.clearFaults();
			base.emulator.control.resetCounters();
		},
		stop: async () => {
			await new Promise<void>((resolve) => {
				proxy.close(() => resolve());
				proxy.closeAllConnections();
			});
			await base.stop();
		},
	};
	return env;
}

/** Send operation parameters with overrides. */
export function sendParams(
	fields: INodeParameters = {},
	options: INodeParameters = {},
	delivery: INodeParameters = {},
): INodeParameters {
	return {
		resource: 'message',
		operation: 'send',
		toRecipients: MEGAN.userPrincipalName,
		subject: 'Hello',
		bodyContentType: 'text',
		bodyContent: 'Hi there',
		...fields,
		options,
		delivery,
	};
}

export function attachmentsOption(...rows: IDataObject[]): INodeParameters {
	return { attachments: { attachment: rows } } as INodeParameters;
}

export async function runSend(
	env: SendEnvironment,
	parameters: INodeParameters,
	options: Partial<RunNodeOptions> = {},
): Promise<RunNodeResult> {
	return await env.engine.runNode({ parameters, ...options });
}

export async function runSendOk(
	env: SendEnvironment,
	parameters: INodeParameters,
	options: Partial<RunNodeOptions> = {},
): Promise<INodeExecutionData[]> {
	const result = await runSend(env, parameters, options);
	if (result.error)
		throw new Error(`node failed: ${result.error.message}\n${result.error.description ?? ''}`);
	return result.items;
}

export function itemWith(
	binary: Record<string, IBinaryData>,
	json: IDataObject = {},
): INodeExecutionData {
	return { json, binary };
}

let subjectCounter = 0;
/** A subject no other test uses, to find the sent message. */
export function uniqueSubject(label: string): string {
	return `${label} #${++subjectCounter} ${Date.now().toString(36)}`;
}

export function bySubject<T extends { subject: string }>(messages: T[], subject: string): T[] {
	return messages.filter((m) => m.subject === subject);
}

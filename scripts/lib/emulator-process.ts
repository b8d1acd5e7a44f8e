import { join } from 'node:path';

import { CONTROL_KEY_ENV, CONTROL_KEY_HEADER, newControlKey } from '../../emulator/control-guard';
import type {
	EmulatorCounters,
	EmulatorUser,
	FaultSpec,
	MailboxSnapshot,
} from '../../emulator/contract';
import {
	DEFAULT_APP,
	type AppRegistration,
	type RegisteredApp,
} from '../../emulator/identity/apps';
import { waitFor } from './net';
import { REPO_ROOT } from './paths';
import { describeExit, startProcess, type ManagedProcess } from './processes';

/** A JSON attachment for the control API: bytes as base64 or text. */
export interface ControlAttachment {
	name: string;
	contentType?: string;
	contentBytes?: string;
	text?: string;
	isInline?: boolean;
}

export interface ControlMessage {
	subject?: string;
	body?: { contentType: 'text' | 'html'; content: string };
	from?: { name?: string; address: string };
	toRecipients?: Array<{ name?: string; address: string }>;
	isRead?: boolean;
	attachments?: ControlAttachment[];
}

/** The emulator's control API (`/_emulator/...`) over HTTP, for a process we do not share memory with. */
export class EmulatorControlClient {
	/** `key`: the emulator's control key (header X-Emulator-Key). */
	constructor(
		readonly url: string,
		private readonly key: string,
	) {}

	private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
		const headers: Record<string, string> = { [CONTROL_KEY_HEADER]: this.key };
		if (body !== undefined) headers['content-type'] = 'application/json';
		const response = await fetch(`${this.url}/_emulator${path}`, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok)
			throw new Error(
				`emulator ${method} /_emulator${path} answered ${response.status}: ${text.slice(0, 500)}`,
			);
		return (text ? JSON.parse(text) : undefined) as T;
	}

	users = () => this.call<EmulatorUser[]>('GET', '/users');
	addUser = (user: { userPrincipalName: string; displayName: string }) =>
		this.call<EmulatorUser>('POST', '/users', user);
	mailbox = (user: string) =>
		this.call<MailboxSnapshot>('GET', `/mailboxes/${encodeURIComponent(user)}`);
	deliver = (userId: string, message: ControlMessage, folder = 'inbox') =>
		this.call<{ id: string }>('POST', '/messages', { userId, folder, message });
	counters = () => this.call<EmulatorCounters>('GET', '/counters');
	expireAccessTokens = (userId?: string) =>
		this.call<{ expired: number }>('POST', '/tokens/expire', userId ? { userId } : {});
	revokeRefreshTokens = (userId?: string) =>
		this.call<{ revoked: number }>('POST', '/tokens/revoke', userId ? { userId } : {});
	injectFault = (spec: FaultSpec | FaultSpec[]) => this.call<FaultSpec[]>('POST', '/faults', spec);
	clearFaults = () => this.call<{ ok: true }>('DELETE', '/faults');
	resetCounters = () => this.call<unknown>('POST', '/counters/reset');
	/** An access token for `upn` with `scopes`, without the sign-in (to read a mailbox in tests). */
	issueToken = (upn: string, scopes: string) =>
		this.call<{ access_token: string }>('POST', '/tokens', { upn, scopes });
	grant = (grant: {
		mailboxId: string;
		delegateId: string;
		fullAccess?: boolean;
		sendAs?: boolean;
	}) => this.call<unknown>('POST', '/grants', grant);
	setOptions = (options: Record<string, unknown>) =>
		this.call<{ ok: true }>('POST', '/options', options);
	subscriptions = () =>
		this.call<
			Array<{ id: string; resource: string; notificationUrl: string; expirationDateTime: string }>
		>('GET', '/subscriptions');
	subscriptionLifecycle = (
		event: 'subscriptionRemoved' | 'missed' | 'reauthorizationRequired',
		subscriptionId?: string,
	) =>
		this.call<{ affected: number }>(
			'POST',
			'/subscriptions/lifecycle',
			subscriptionId ? { event, subscriptionId } : { event },
		);
	notifications = () =>
		this.call<
			Array<{
				subscriptionId: string;
				url: string;
				kind: string;
				messageId?: string;
				outcome: number | string;
				at: number;
			}>
		>('GET', '/notifications');
	/** An app registration; with `appOnly` it gets client-credentials tokens (roles, access policy, certificates). */
	registerApp = (registration: AppRegistration) =>
		this.call<RegisteredApp>('POST', '/apps', registration);
}

export interface EmulatorProcess {
	url: string;
	loginBaseUrl: string;
	graphBaseUrl: string;
	uploadBaseUrl: string;
	/** The default app registration (accepts any loopback redirect URI). */
	app: { clientId: string; clientSecret: string };
	control: EmulatorControlClient;
	/** The control API's key (header X-Emulator-Key), chosen here for the process. */
	controlKey: string;
	process: ManagedProcess;
	/** The read-only web view of a mailbox. */
	mailboxUrl(user: string): string;
	stop(): Promise<void>;
}

/**
 * Starts the emulator as its own process: what `npm run emulator -- <flags>` runs (ts-node on
 * emulator/cli.ts), without npm in between so that the pid we stop is the emulator itself
 * (it saves its state file on SIGTERM).
 */
export async function startEmulatorProcess(options: {
	port: number;
	uploadPort: number;
	logFile: string;
	/** Keep mail, apps and refresh tokens in this file across restarts. */
	stateFile?: string;
	/** Skip the consent page (headless runs); off shows people the consent page. */
	autoApprove?: boolean;
	seed?: 'demo' | 'none';
	timeoutMs?: number;
}): Promise<EmulatorProcess> {
	const args = [
		join(REPO_ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js'),
		'--transpile-only',
		join(REPO_ROOT, 'emulator', 'cli.ts'),
		'--port',
		String(options.port),
		'--upload-port',
		String(options.uploadPort),
		'--seed',
		options.seed ?? 'demo',
	];
	if (options.stateFile) args.push('--state', options.stateFile);
	if (options.autoApprove) args.push('--auto-approve');
	// We choose the control key and hand it over in the environment (not argv, which `ps` shows).
	const controlKey = newControlKey();
	const child = startProcess({
		name: 'emulator',
		command: process.execPath,
		args,
		cwd: REPO_ROOT,
		env: { ...process.env, [CONTROL_KEY_ENV]: controlKey },
		logFile: options.logFile,
	});
	const url = `http://127.0.0.1:${options.port}`;
	const control = new EmulatorControlClient(url, controlKey);
	try {
		await waitFor(
			'the emulator to answer',
			async () => ((await control.users()) ? true : undefined),
			{
				timeoutMs: options.timeoutMs ?? 60_000,
				intervalMs: 250,
				abort: () => describeExit(child),
			},
		);
	} catch (error) {
		await child.stop();
		throw error;
	}
	return {
		url,
		loginBaseUrl: url,
		graphBaseUrl: url,
		uploadBaseUrl: `http://127.0.0.1:${options.uploadPort}`,
		app: { clientId: DEFAULT_APP.clientId, clientSecret: DEFAULT_APP.clientSecret ?? '' },
		control,
		controlKey,
		process: child,
		mailboxUrl: (user: string) =>
			`${url}/web/users/${encodeURIComponent(user).replace(/%40/g, '@')}`,
		stop: () => child.stop(5000),
	};
}

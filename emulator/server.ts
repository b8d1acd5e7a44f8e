import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { MailService, RouteName, UrlContext } from './contract';
import { createControl, handleControlHttp, type EmulatorControl } from './control';
import { newControlKey } from './control-guard';
import { CounterStore } from './counters';
import { FaultInjector } from './graph/faults';
import { handleGraphHttp } from './graph/listener';
import { Notifier } from './graph/notifier';
import { isLocalHost } from './http/host';
import { sendJson } from './http/respond';
import { DEFAULT_APP } from './identity/apps';
import { Identity } from './identity/identity';
import { handleIdentityRequest, isIdentityPath } from './identity/routes';
import { TENANT_ID } from './identity/tenant';
import { applyOptions, defaultSettings, type RuntimeSettings } from './settings';
import { StateFile } from './state-file';
import { MailboxThrottle } from './graph/throttle';
import { createMailService } from './mail/index';
import { handleUploadHttp } from './graph/upload-listener';
import { sleep } from './util/sleep';
import { handleWebRequest, isWebPath } from './web/routes';

export type { EmulatorControl } from './control';

export interface EmulatorOptions {
	/** Interface to listen on (default 127.0.0.1). */
	host?: string;
	/** Main listener port (identity, Graph, control API, web view); 0 = a free port (default). */
	port?: number;
	/** Upload listener port (stand-in for outlook.office.com); 0 = a free port (default). */
	uploadPort?: number;
	/** 'demo' (default) seeds the demo users and mail; 'none' starts empty. */
	seed?: 'demo' | 'none';
	/** Skip the consent page: true = the first user (or a known login_hint); a string = that user id/UPN. */
	autoApprove?: boolean | string;
	/** Time each request spends in the service while holding its in-flight slot (number, or per route). */
	serverTimeMs?: number | Partial<Record<RouteName, number>>;
	/** Network latency added to every answer, outside the in-flight slot. */
	latencyMs?: number;
	/** Requests in flight per mailbox before 429 (default 4). */
	maxConcurrentPerMailbox?: number;
	/** Default 3599. */
	accessTokenLifetimeSec?: number;
	/** Default 600. */
	authCodeLifetimeSec?: number;
	/** Load from / save to this JSON file (mail state, registered apps, refresh tokens). */
	stateFile?: string;
	/** Largest message the mail service accepts (default 150 MiB). */
	maxMessageBytes?: number;
	/** Per-mailbox budgets (defaults: 10,000 requests / 10 min, 150 MiB upload / 5 min). */
	budgets?: { requestsPerTenMinutes?: number; uploadBytesPerFiveMinutes?: number };
	/** A mail service to use instead of emulator/mail's. */
	mail?: MailService;
	/** Key the control API demands (header X-Emulator-Key); default a fresh random one per start. */
	controlKey?: string;
}

/** Where a listener really listens (`0.0.0.0` stays `0.0.0.0`, unlike the URLs). */
export interface BoundAddress {
	address: string;
	port: number;
}

export interface Emulator {
	/** Origin of the main listener, e.g. http://127.0.0.1:41234 (web view at `/`). */
	url: string;
	/** Same origin: login paths are `${loginBaseUrl}/{tenant}/oauth2/v2.0/...`. */
	loginBaseUrl: string;
	/** Same origin: Graph paths are `${graphBaseUrl}/v1.0/...`. */
	graphBaseUrl: string;
	/** Origin of the upload listener (upload URLs live under `/upload/`). */
	uploadBaseUrl: string;
	tenantId: string;
	/** The addresses the main and upload listeners are bound to. */
	bound: { main: BoundAddress; upload: BoundAddress };
	/** Send as header X-Emulator-Key on every `/_emulator/` call over HTTP. */
	controlKey: string;
	/** The default app registration (accepts any loopback redirect URI). */
	app: { clientId: string; clientSecret: string };
	mail: MailService;
	control: EmulatorControl;
	stop(): Promise<void>;
	/** Same as control.reset(). */
	reset(): void;
}

function originOf(host: string, port: number): string {
	const shown =
		host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
	return `http://${shown}:${port}`;
}

function listen(server: Server, host: string, port: number): Promise<BoundAddress> {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => {
			server.off('error', reject);
			const address = server.address() as AddressInfo;
			resolve({ address: address.address, port: address.port });
		});
	});
}

function close(server: Server): Promise<void> {
	return new Promise((resolve) => {
		server.close(() => resolve());
		server.closeAllConnections();
	});
}

function splitTarget(target: string): { rawPath: string; query: URLSearchParams } {
	const questionMark = target.indexOf('?');
	return {
		rawPath: questionMark < 0 ? target : target.slice(0, questionMark),
		query: new URLSearchParams(questionMark < 0 ? '' : target.slice(questionMark + 1)),
	};
}

function cloneSettings(settings: RuntimeSettings): RuntimeSettings {
	const copy = { ...settings };
	if (typeof copy.serverTimeMs === 'object') copy.serverTimeMs = { ...copy.serverTimeMs };
	return copy;
}

/** Answers 500 (or drops the socket if the answer already started) for an unexpected error. */
function failSafely(res: ServerResponse, error: unknown): void {
	if (res.headersSent) {
		res.destroy();
		return;
	}
	sendJson(res, 500, {
		error: {
			code: 'generalException',
			message: `Emulator error: ${error instanceof Error ? error.message : String(error)}`,
		},
	});
}

/** Starts the emulator: a main listener and an upload listener on loopback. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
	const host = options.host ?? '127.0.0.1';
	const controlKey = options.controlKey || newControlKey();
	const seed = options.seed ?? 'demo';
	const settings = defaultSettings();
	applyOptions(settings, {
		serverTimeMs: options.serverTimeMs,
		latencyMs: options.latencyMs,
		maxConcurrentPerMailbox: options.maxConcurrentPerMailbox,
		accessTokenLifetimeSec: options.accessTokenLifetimeSec,
		authCodeLifetimeSec: options.authCodeLifetimeSec,
		budgets: options.budgets,
	});
	const initialSettings = cloneSettings(settings);
	let mail: MailService;
	const faults = new FaultInjector((idOrUpn) => mail.findUser(idOrUpn)?.id.toLowerCase());
	const notifier = new Notifier(TENANT_ID, faults);
	mail =
		options.mail ??
		createMailService({ maxMessageBytes: options.maxMessageBytes, seed, notifications: notifier });

	let mainOrigin = '';
	let uploadOrigin = '';
	const urls = (): UrlContext => ({ graphBaseUrl: mainOrigin, uploadBaseUrl: uploadOrigin });
	const throttle = new MailboxThrottle(() => settings);
	const counters = new CounterStore(() => mail, throttle);
	const identity = new Identity({
		directory: () => mail,
		settings,
		counters,
		loginBaseUrl: () => mainOrigin,
		autoApproveUser: (loginHint) => {
			const setting = options.autoApprove;
			if (!setting) return undefined;
			if (typeof setting === 'string') return mail.findUser(setting);
			return (loginHint ? mail.findUser(loginHint) : undefined) ?? mail.listUsers()[0];
		},
	});
	const stateFile = options.stateFile
		? new StateFile(options.stateFile, () => ({ mail: mail.toJSON(), identity: identity.toJSON() }))
		: undefined;
	const changed = () => stateFile?.scheduleSave();

	const resetAll = () => {
		mail.reset();
		notifier.stop();
		notifier.log.length = 0;
		identity.reset();
		faults.clear();
		throttle.reset();
		Object.assign(settings, cloneSettings(initialSettings));
		counters.reset();
	};
	const control = createControl({
		mail: () => mail,
		identity,
		faults,
		counters,
		settings,
		resetAll,
		changed,
		notifier,
	});

	const saved = stateFile?.load();
	if (saved) {
		mail.load(saved.mail);
		identity.load(saved.identity);
	}
	counters.reset();

	const pipeline = { mail: () => mail, faults, throttle, counters, settings };
	const graphDeps = { ...pipeline, identity, urls, loginBaseUrl: () => mainOrigin };

	const onMainRequest = async (req: IncomingMessage, res: ServerResponse) => {
		const { rawPath, query } = splitTarget(req.url ?? '/');
		const method = (req.method ?? 'GET').toUpperCase();
		if (!isLocalHost(req.headers.host)) {
			sendJson(res, 403, {
				error: {
					code: 'ForeignHost',
					message: `The emulator answers only requests addressed to an IP address or localhost, not '${req.headers.host}'.`,
				},
			});
			return;
		}
		if (rawPath === '/v1.0' || rawPath.startsWith('/v1.0/')) {
			await handleGraphHttp(graphDeps, req, res, rawPath, query);
		} else if (isIdentityPath(rawPath)) {
			await sleep(settings.latencyMs);
			await handleIdentityRequest(identity, req, res, rawPath, query, faults);
		} else if (rawPath.startsWith('/_emulator/')) {
			await handleControlHttp(control, req, res, rawPath, controlKey);
		} else if (isWebPath(rawPath) && (method === 'GET' || method === 'HEAD')) {
			handleWebRequest(mail, res, rawPath, query, { graph: mainOrigin, upload: uploadOrigin });
		} else {
			sendJson(res, 404, {
				error: { code: 'ResourceNotFound', message: `No emulator route for ${method} ${rawPath}.` },
			});
		}
		if (method !== 'GET' && method !== 'HEAD') changed();
	};
	const onUploadRequest = async (req: IncomingMessage, res: ServerResponse) => {
		await handleUploadHttp({ ...pipeline, urls }, req, res);
		changed();
	};

	const mainServer = createServer(
		(req, res) => void onMainRequest(req, res).catch((error) => failSafely(res, error)),
	);
	const uploadServer = createServer(
		(req, res) => void onUploadRequest(req, res).catch((error) => failSafely(res, error)),
	);
	// Clients see a socket error when a fault destroys a connection; the server should not log it.
	for (const server of [mainServer, uploadServer])
		server.on('clientError', (_error, socket) => socket.destroy());

	let bound: Emulator['bound'];
	try {
		const main = await listen(mainServer, host, options.port ?? 0);
		const upload = await listen(uploadServer, host, options.uploadPort ?? 0);
		bound = { main, upload };
		mainOrigin = originOf(host, main.port);
		uploadOrigin = originOf(host, upload.port);
	} catch (error) {
		await Promise.all([close(mainServer), close(uploadServer)]);
		throw error;
	}

	let stopped = false;
	return {
		url: mainOrigin,
		loginBaseUrl: mainOrigin,
		graphBaseUrl: mainOrigin,
		uploadBaseUrl: uploadOrigin,
		tenantId: TENANT_ID,
		bound,
		controlKey,
		app: { clientId: DEFAULT_APP.clientId, clientSecret: DEFAULT_APP.clientSecret ?? '' },
		mail,
		control,
		reset: () => control.reset(),
		stop: async () => {
			if (stopped) return;
			stopped = true;
			notifier.stop();
			await Promise.all([close(mainServer), close(uploadServer)]);
			await stateFile?.flush();
		},
	};
}

import { startEmulator, type Emulator, type EmulatorOptions } from '../../emulator/server';
import { Engine } from './engine';

export const CREDENTIAL_ID = 'graph-mail-credential';

export interface TestEnvironment {
	emulator: Emulator;
	engine: Engine;
	/** The user the credential is connected as (Adele in the demo seed). */
	userId: string;
	stop(): Promise<void>;
}

/**
 * The test environment for a describe block (or a file): started before its tests (`started`
 * receives it), `each` before every test, stopped after them.
 */
export function useTestEnvironment(
	started: (env: TestEnvironment) => void,
	each?: (env: TestEnvironment) => void,
): void {
	let env: TestEnvironment | undefined;
	beforeAll(async () => {
		env = await startTestEnvironment();
		started(env);
	});
	afterAll(async () => await env?.stop());
	if (each) beforeEach(() => each(env!));
}

/**
 * An emulator on a free loopback port and an engine whose Graph Mail credential is connected
 * to it (Custom cloud) with tokens the emulator issued, as after the Connect flow.
 */
export async function startTestEnvironment(
	options: EmulatorOptions & { scopes?: string[]; credentialId?: string; userId?: string } = {},
): Promise<TestEnvironment> {
	const emulator = await startEmulator({ seed: 'demo', ...options });
	const engine = new Engine();
	const user = options.userId ?? emulator.mail.listUsers()[0]!.id;
	await connectCredential(engine, emulator, {
		userId: user,
		scopes: options.scopes,
		credentialId: options.credentialId,
	});
	return {
		emulator,
		engine,
		userId: user,
		stop: async () => await emulator.stop(),
	};
}

export const DEFAULT_SCOPES = [
	'openid',
	'offline_access',
	'User.Read',
	'Mail.Send',
	'Mail.ReadWrite',
	'MailboxSettings.Read',
	'Mail.Send.Shared',
	'Mail.ReadWrite.Shared',
];

export async function connectCredential(
	engine: Engine,
	emulator: Emulator,
	options: {
		userId: string;
		scopes?: string[];
		credentialId?: string;
		extra?: Record<string, unknown>;
	},
): Promise<void> {
	const oauthTokenData = await emulator.control.issueTokens({
		userId: options.userId,
		scopes: options.scopes ?? DEFAULT_SCOPES,
	});
	engine.addCredential({
		id: options.credentialId ?? CREDENTIAL_ID,
		name: 'Graph Mail (emulator)',
		type: 'graphMailOAuth2Api',
		data: {
			cloud: 'custom',
			customLoginUrl: emulator.loginBaseUrl,
			customGraphUrl: emulator.graphBaseUrl,
			tenantId: 'common',
			clientId: emulator.app.clientId,
			clientSecret: emulator.app.clientSecret,
			oauthTokenData: oauthTokenData as never,
			...options.extra,
		},
	});
}

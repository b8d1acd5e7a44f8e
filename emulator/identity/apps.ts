import { newGuid, randomToken } from '../util/ids';
import type { AppOnlyConfig } from './client-credentials';

export interface RegisteredApp {
	clientId: string;
	/** Absent for a public client (which must not send a secret). */
	clientSecret?: string;
	redirectUris: string[];
	displayName: string;
	/** The default app accepts any http(s) redirect URI on a loopback host. */
	anyLoopbackRedirect: boolean;
	/** Application permissions, access policy and certificates for the client credentials grant. */
	appOnly?: AppOnlyConfig;
}

export interface AppRegistration {
	clientId?: string;
	/** Omit for a new random secret; `null` or '' registers a public client. */
	clientSecret?: string | null;
	redirectUris: string[];
	displayName?: string;
	appOnly?: AppOnlyConfig;
}

/** The app every emulator knows from the start (fixed, so n8n credentials survive restarts). */
export const DEFAULT_APP: RegisteredApp = {
	clientId: '8a5d2c7e-0b4f-4d1a-9e63-7c1f0e2d4b5a',
	clientSecret: 'emu8Q~offline.Secret-For_Graph-Mail',
	redirectUris: [],
	displayName: 'Graph Mail (emulator default app)',
	anyLoopbackRedirect: true,
	// Admin-consented application permissions, every mailbox: app-only access works out of the box.
	appOnly: { roles: ['Mail.Send', 'Mail.ReadWrite'] },
};

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function isLoopbackHttpUrl(value: string): boolean {
	try {
		const url = new URL(value);
		if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
		return (
			LOOPBACK_HOSTS.has(url.hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(url.hostname)
		);
	} catch {
		return false;
	}
}

export class AppRegistry {
	private apps = new Map<string, RegisteredApp>();

	constructor() {
		this.reset();
	}

	reset(): void {
		this.apps = new Map([
			[DEFAULT_APP.clientId, { ...DEFAULT_APP, appOnly: checkedAppOnly(DEFAULT_APP.appOnly!) }],
		]);
	}

	find(clientId: string): RegisteredApp | undefined {
		return this.apps.get(clientId.toLowerCase());
	}

	register(registration: AppRegistration): RegisteredApp {
		if (!registration || !Array.isArray(registration.redirectUris))
			throw new Error('redirectUris must be an array');
		for (const uri of registration.redirectUris) {
			if (typeof uri !== 'string' || !/^https?:\/\//i.test(uri))
				throw new Error(`redirect URI must be an http(s) URL: ${uri}`);
		}
		const clientId = (registration.clientId ?? newGuid()).toLowerCase();
		const clientSecret =
			registration.clientSecret === undefined
				? randomToken(24)
				: registration.clientSecret || undefined;
		const app: RegisteredApp = {
			clientId,
			clientSecret,
			redirectUris: [...registration.redirectUris],
			displayName: registration.displayName ?? `App ${clientId}`,
			anyLoopbackRedirect: false,
			appOnly: registration.appOnly ? checkedAppOnly(registration.appOnly) : undefined,
		};
		this.apps.set(clientId, app);
		return { ...app };
	}

	/** Registered URIs must match exactly; the default app also takes any loopback http(s) URI. */
	acceptsRedirect(app: RegisteredApp, redirectUri: string): boolean {
		if (app.redirectUris.includes(redirectUri)) return true;
		return app.anyLoopbackRedirect && isLoopbackHttpUrl(redirectUri);
	}

	toJSON(): RegisteredApp[] {
		return [...this.apps.values()]
			.filter((app) => app.clientId !== DEFAULT_APP.clientId)
			.map((app) => ({ ...app }));
	}

	load(apps: unknown): void {
		this.reset();
		if (!Array.isArray(apps)) return;
		for (const app of apps as RegisteredApp[]) {
			if (app && typeof app.clientId === 'string' && Array.isArray(app.redirectUris)) {
				this.apps.set(app.clientId.toLowerCase(), { ...app, anyLoopbackRedirect: false });
			}
		}
	}
}

/** The control API's `appOnly` object, checked and copied. */
function checkedAppOnly(config: AppOnlyConfig): AppOnlyConfig {
	const strings = (value: unknown, name: string): string[] => {
		if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string'))
			throw new Error(`appOnly.${name} must be an array of strings`);
		return [...(value as string[])];
	};
	return {
		roles: strings(config.roles ?? [], 'roles'),
		mailboxes: config.mailboxes === undefined ? undefined : strings(config.mailboxes, 'mailboxes'),
		certificates: strings(config.certificates ?? [], 'certificates'),
		secretExpiresAt:
			typeof config.secretExpiresAt === 'number' ? config.secretExpiresAt : undefined,
		servicePrincipal: config.servicePrincipal !== false,
	};
}

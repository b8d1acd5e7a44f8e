import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { INodeParameters } from 'n8n-workflow';

import { appOnlyTokenCache } from '../../credentials/appOnlyToken';
import type { AppOnlyConfig } from '../../emulator/identity/client-credentials';
import { TENANT_DOMAIN } from '../../emulator/identity/tenant';
import type { Emulator } from '../../emulator/server';
import type { Engine } from '../harness/engine';

export const APP_ONLY_CREDENTIAL = 'graphMailAppOnlyApi';

export const pem = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');
export const CERT = { key: pem('registered.key.pem'), cert: pem('registered.cert.pem') };
export const UNKNOWN_CERT = { key: pem('unknown.key.pem'), cert: pem('unknown.cert.pem') };

let credentialCounter = 0;

/** Registers an app in the emulator and stores an app-only credential for it; returns the credential id. */
export function appOnlyCredential(
	engine: Engine,
	emulator: Emulator,
	options: {
		appOnly?: Partial<AppOnlyConfig>;
		certificate?: { key: string; cert: string };
		secret?: string;
	} = {},
): { id: string; clientId: string } {
	const app = emulator.control.registerApp({
		redirectUris: [],
		displayName: 'No-reply automation',
		appOnly: {
			roles: ['Mail.Send', 'Mail.ReadWrite'],
			certificates: [CERT.cert],
			...options.appOnly,
		},
	});
	const id = `app-only-${++credentialCounter}`;
	engine.addCredential({
		id,
		name: 'Graph Mail app-only (emulator)',
		type: APP_ONLY_CREDENTIAL,
		data: {
			cloud: 'custom' as string,
			customLoginUrl: emulator.loginBaseUrl,
			customGraphUrl: emulator.graphBaseUrl,
			tenantId: TENANT_DOMAIN,
			clientId: app.clientId,
			...(options.certificate
				? {
						authMethod: 'certificate',
						privateKey: options.certificate.key,
						certificate: options.certificate.cert,
					}
				: { authMethod: 'secret', clientSecret: options.secret ?? app.clientSecret ?? '' }),
		},
	});
	return { id, clientId: app.clientId };
}

export function appOnlyParams(mailbox: string, parameters: INodeParameters): INodeParameters {
	return { authentication: 'appOnly', appOnlyMailbox: mailbox, ...parameters };
}

export function appOnlyTokens(emulator: Emulator): number {
	return emulator.control.counters().appOnlyTokensIssued;
}

/** Each test starts without tokens cached in this process (the cache lives as long as n8n's process). */
export function clearTokenCache(): void {
	appOnlyTokenCache.clear();
}

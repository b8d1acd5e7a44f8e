import { existsSync } from 'node:fs';
import { join } from 'node:path';

import type { ICredentialType, INodeType, IVersionedNodeType } from 'n8n-workflow';

import type { Emulator } from '../../emulator/server';
import type { Engine } from './engine';
import { provisionedN8nRoot } from './provisioned';

/**
 * n8n's built-in Microsoft Outlook node (the peer this package is measured against), loaded from the
 * provisioned n8n's n8n-nodes-base, with its credential chain
 * microsoftOutlookOAuth2Api -> microsoftOAuth2Api -> oAuth2Api registered in an Engine, and a
 * credential pointed at the emulator. Generic: any test or benchmark can run any Outlook operation.
 */
export const BUILTIN_OUTLOOK_NODE_TYPE = 'n8n-nodes-base.microsoftOutlook';
export const BUILTIN_OUTLOOK_CREDENTIAL_TYPE = 'microsoftOutlookOAuth2Api';
export const BUILTIN_OUTLOOK_CREDENTIAL_ID = 'builtin-outlook-credential';

/**
 * The mail part of the built-in credential's default scopes (its Contacts.* and Calendars.* scopes
 * are unknown to the emulator, which only models mail).
 */
export const BUILTIN_OUTLOOK_SCOPES = [
	'openid',
	'offline_access',
	'Mail.ReadWrite',
	'Mail.ReadWrite.Shared',
	'Mail.Send',
	'Mail.Send.Shared',
	'MailboxSettings.Read',
];

function nodesBaseDist(): string | undefined {
	const root = provisionedN8nRoot();
	const dist = root && join(root, 'node_modules/n8n-nodes-base/dist');
	return dist && existsSync(join(dist, 'nodes/Microsoft/Outlook/MicrosoftOutlook.node.js'))
		? dist
		: undefined;
}

/** Whether the provisioned n8n (scripts/provision.sh) is there to load the built-in node from. */
export function builtinOutlookAvailable(): boolean {
	return nodesBaseDist() !== undefined;
}

function load<T>(file: string, exportName: string): new () => T {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const loaded = require(file) as Record<string, new () => T>;
	const cls = loaded[exportName];
	if (!cls) throw new Error(`${file} does not export ${exportName}`);
	return cls;
}

/** Adds a credential type to the engine's credential helper. */
export function registerCredentialType(engine: Engine, type: ICredentialType): void {
	engine.credentials.addType(type);
}

/** Registers the built-in Outlook node and its credential types in `engine`. Throws when n8n is not provisioned. */
export function registerBuiltinOutlook(engine: Engine): void {
	const dist = nodesBaseDist();
	if (!dist) throw new Error('n8n is not provisioned: run `npm run provision` first');
	const MicrosoftOutlook = load<INodeType | IVersionedNodeType>(
		join(dist, 'nodes/Microsoft/Outlook/MicrosoftOutlook.node.js'),
		'MicrosoftOutlook',
	);
	engine.nodeTypes.add(BUILTIN_OUTLOOK_NODE_TYPE, new MicrosoftOutlook());
	for (const [file, name] of [
		['credentials/MicrosoftOAuth2Api.credentials.js', 'MicrosoftOAuth2Api'],
		['credentials/MicrosoftOutlookOAuth2Api.credentials.js', 'MicrosoftOutlookOAuth2Api'],
	]) {
		const Type = load<ICredentialType>(join(dist, file!), name!);
		registerCredentialType(engine, new Type());
	}
}

/**
 * A connected microsoftOutlookOAuth2Api credential (as after n8n's Connect flow) against the
 * emulator: its authorize/token URLs and Graph base URL point there, tokens issued by the emulator.
 */
export async function connectBuiltinOutlookCredential(
	engine: Engine,
	emulator: Emulator,
	options: {
		userId: string;
		credentialId?: string;
		scopes?: string[];
		extra?: Record<string, unknown>;
	},
): Promise<string> {
	const id = options.credentialId ?? BUILTIN_OUTLOOK_CREDENTIAL_ID;
	const oauthTokenData = await emulator.control.issueTokens({
		userId: options.userId,
		scopes: options.scopes ?? BUILTIN_OUTLOOK_SCOPES,
	});
	engine.addCredential({
		id,
		name: 'Microsoft Outlook (emulator)',
		type: BUILTIN_OUTLOOK_CREDENTIAL_TYPE,
		data: {
			authUrl: `${emulator.loginBaseUrl}/common/oauth2/v2.0/authorize`,
			accessTokenUrl: `${emulator.loginBaseUrl}/common/oauth2/v2.0/token`,
			clientId: emulator.app.clientId,
			clientSecret: emulator.app.clientSecret,
			graphApiBaseUrl: emulator.graphBaseUrl,
			oauthTokenData: oauthTokenData as never,
			...options.extra,
		},
	});
	return id;
}

export const BUILTIN_OUTLOOK_TRIGGER_NODE_TYPE = 'n8n-nodes-base.microsoftOutlookTrigger';

/**
 * Registers n8n's built-in Microsoft Outlook Trigger (the polling "Message Received" trigger) and,
 * through registerBuiltinOutlook, its credential types. Throws when n8n is not provisioned.
 */
export function registerBuiltinOutlookTrigger(engine: Engine): void {
	registerBuiltinOutlook(engine);
	const MicrosoftOutlookTrigger = load<INodeType>(
		join(nodesBaseDist()!, 'nodes/Microsoft/Outlook/MicrosoftOutlookTrigger.node.js'),
		'MicrosoftOutlookTrigger',
	);
	engine.nodeTypes.add(BUILTIN_OUTLOOK_TRIGGER_NODE_TYPE, new MicrosoftOutlookTrigger());
}

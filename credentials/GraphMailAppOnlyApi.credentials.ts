import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { appOnlyToken } from './appOnlyToken';
import { CLOUD_PROPERTIES } from './cloudProperties';

/**
 * App-only access (client credentials grant) for automations that send from a shared or no-reply
 * mailbox with nobody signed in. n8n runs `preAuthentication` when the stored token is empty or
 * Graph answered 401; the token cache in appOnlyToken.ts makes that one request per app at a time.
 * The credential test lives in the nodes (`testedBy`), so that it can report missing permissions.
 */
export class GraphMailAppOnlyApi implements ICredentialType {
	name = 'graphMailAppOnlyApi';

	displayName = 'Microsoft Graph Mail App-Only API';

	icon: Icon = { light: 'file:icons/graphMail.svg', dark: 'file:icons/graphMail.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-graph-mail/n8n-nodes-graph-mail#app-only-access';

	properties: INodeProperties[] = [
		...CLOUD_PROPERTIES,
		{
			displayName: 'Tenant',
			name: 'tenantId',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. contoso.onmicrosoft.com',
			description:
				'Your tenant ID (a GUID) or a verified domain. App-only access cannot use common, organizations or consumers.',
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. 8a5d2c7e-0b4f-4d1a-9e63-7c1f0e2d4b5a',
			description: "The app registration's Application (client) ID",
		},
		{
			displayName: 'Client Credential',
			name: 'authMethod',
			type: 'options',
			options: [
				{ name: 'Certificate (Recommended by Microsoft)', value: 'certificate' },
				{ name: 'Client Secret', value: 'secret' },
			],
			default: 'secret',
			description: 'How the app proves who it is. Microsoft recommends certificates over secrets.',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				"The secret's Value (not its Secret ID) from the app registration's Certificates & secrets",
			displayOptions: { show: { authMethod: ['secret'] } },
		},
		{
			displayName: 'Private Key',
			name: 'privateKey',
			type: 'string',
			typeOptions: { password: true, rows: 4 },
			required: true,
			default: '',
			placeholder: 'e.g. -----BEGIN PRIVATE KEY-----',
			description:
				'The RSA private key of the certificate, unencrypted PEM. It signs a short-lived assertion and never leaves n8n.',
			displayOptions: { show: { authMethod: ['certificate'] } },
		},
		{
			displayName: 'Certificate',
			name: 'certificate',
			type: 'string',
			typeOptions: { password: true, rows: 4 },
			required: true,
			default: '',
			placeholder: 'e.g. -----BEGIN CERTIFICATE-----',
			description:
				"The certificate (PEM) uploaded to the app registration's Certificates & secrets",
			displayOptions: { show: { authMethod: ['certificate'] } },
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{
			displayName: 'Expires At',
			name: 'expiresAt',
			type: 'hidden',
			default: 0,
		},
	];

	async preAuthentication(
		this: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
	): Promise<IDataObject> {
		const rejected =
			typeof credentials.accessToken === 'string' && credentials.accessToken !== ''
				? credentials.accessToken
				: undefined;
		const token = await appOnlyToken(
			credentials,
			async (url, form) => {
				const answer = (await this.helpers.httpRequest({
					method: 'POST',
					url,
					body: form,
					headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
				})) as { statusCode: number; body: unknown };
				return { status: answer.statusCode, body: answer.body };
			},
			{ rejected, nowMs: Date.now() },
		);
		return { accessToken: token.accessToken, expiresAt: token.expiresAt };
	}

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.accessToken}}' } },
	};
}

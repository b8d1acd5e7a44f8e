import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import { CHINA_LOGIN_HOSTS, identityEndpointExpression } from './cloudEndpoints';

/** Least privilege for what the nodes do: send, read and write mail, and see who is connected. */
export const BASE_SCOPES = ['openid', 'offline_access', 'User.Read', 'Mail.Send', 'Mail.ReadWrite'];

export class GraphMailOAuth2Api implements ICredentialType {
	name = 'graphMailOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Microsoft Graph Mail OAuth2 API';

	icon: Icon = { light: 'file:icons/graphMail.svg', dark: 'file:icons/graphMail.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-graph-mail/n8n-nodes-graph-mail#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'options',
			options: [
				{ name: 'Authorization Code', value: 'authorizationCode' },
				{ name: 'Authorization Code with PKCE', value: 'pkce' },
			],
			default: 'authorizationCode',
			description: 'PKCE adds a one-time code verifier to the sign-in; Microsoft supports both',
		},
		{
			displayName: 'Cloud',
			name: 'cloud',
			type: 'options',
			options: [
				{ name: 'China (21Vianet)', value: 'china' },
				{ name: 'Custom (e.g. the Offline Emulator)', value: 'custom' },
				{ name: 'Global', value: 'global' },
				{ name: 'US Government DoD', value: 'usGovDod' },
				{ name: 'US Government GCC High', value: 'usGovHigh' },
			],
			default: 'global',
			description: 'The Microsoft cloud your tenant lives in. GCC (moderate) tenants use Global.',
		},
		{
			displayName: 'China Login Host',
			name: 'chinaLoginHost',
			type: 'options',
			options: CHINA_LOGIN_HOSTS.map((host) => ({ name: host, value: host })),
			default: CHINA_LOGIN_HOSTS[0],
			description: "Microsoft's documentation names two login hosts for 21Vianet; pick the one your tenant uses",
			displayOptions: { show: { cloud: ['china'] } },
		},
		{
			displayName: 'Login Base URL',
			name: 'customLoginUrl',
			type: 'string',
			default: '',
			placeholder: 'e.g. http://127.0.0.1:4010',
			description: 'Base URL of the identity platform (https, or http on a loopback host)',
			displayOptions: { show: { cloud: ['custom'] } },
		},
		{
			displayName: 'Graph Base URL',
			name: 'customGraphUrl',
			type: 'string',
			default: '',
			placeholder: 'e.g. http://127.0.0.1:4010',
			description: 'Base URL of Microsoft Graph, without /v1.0 (https, or http on a loopback host)',
			displayOptions: { show: { cloud: ['custom'] } },
		},
		{
			displayName: 'Tenant',
			name: 'tenantId',
			type: 'string',
			default: 'common',
			placeholder: 'e.g. contoso.onmicrosoft.com',
			description:
				'Common, organizations, consumers, your tenant ID (a GUID) or a verified domain. Single-tenant apps need their tenant ID.',
		},
		{
			displayName: 'Additional Scopes',
			name: 'additionalScopes',
			type: 'string',
			default: '',
			placeholder: 'e.g. Mail.Send.Shared Mail.ReadWrite.Shared',
			description:
				'Space-separated scopes on top of openid offline_access User.Read Mail.Send Mail.ReadWrite. Add the .Shared scopes to use other mailboxes.',
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: identityEndpointExpression('authorize'),
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: identityEndpointExpression('token'),
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			default: `={{ ${JSON.stringify(BASE_SCOPES.join(' '))} + ($self.additionalScopes ? ' ' + String($self.additionalScopes).trim() : '') }}`,
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: 'response_mode=query&prompt=select_account',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'body',
		},
	];
}

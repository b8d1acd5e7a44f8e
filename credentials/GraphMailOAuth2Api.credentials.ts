import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import { identityEndpointExpression } from './cloudEndpoints';
import { CLOUD_PROPERTIES } from './cloudProperties';

/** Least privilege for what the nodes do: send, read and write mail, and see who is connected. */
// MailboxSettings.Read (read-only) lets the editor offer the mailbox's categories.
export const BASE_SCOPES = [
	'openid',
	'offline_access',
	'User.Read',
	'Mail.Send',
	'Mail.ReadWrite',
	'MailboxSettings.Read',
];

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
		...CLOUD_PROPERTIES,
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
				'Space-separated scopes on top of openid offline_access User.Read Mail.Send Mail.ReadWrite MailboxSettings.Read. Add the .Shared scopes to use other mailboxes.',
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

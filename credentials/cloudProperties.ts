import type { INodeProperties } from 'n8n-workflow';

import { CHINA_LOGIN_HOSTS } from './cloudEndpoints';

/** Cloud fields shared by the delegated and the app-only credential (one table, cloudEndpoints.ts). */
export const CLOUD_PROPERTIES: INodeProperties[] = [
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
		description:
			"Microsoft's documentation names two login hosts for 21Vianet; pick the one your tenant uses",
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
];

import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../operation';
import { forOperation } from '../operation';
import * as get from './get.operation';

export const operations: Record<string, Operation> = { get };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['account'] } },
		options: [
			{
				name: 'Get Connected Account',
				value: 'get',
				description: 'Return the Microsoft 365 account the credential is connected to',
				action: 'Get the connected account',
			},
		],
		default: 'get',
	},
	...forOperation('account', 'get', get.properties),
];

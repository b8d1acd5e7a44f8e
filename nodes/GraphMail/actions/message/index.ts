import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../operation';
import { forOperation } from '../operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as send from './send/operation';
import * as sendAndWait from './sendAndWait/operation';

export const operations: Record<string, Operation> = { get, getAll, send, sendAndWait };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: 'Get a message by ID',
				action: 'Get a message',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'Get many messages from a mailbox or folder',
				action: 'Get many messages',
			},
			{
				name: 'Send',
				value: 'send',
				description: 'Send a message, with attachments of any size',
				action: 'Send a message',
			},
			{
				name: 'Send and Wait for Response',
				value: 'sendAndWait',
				description:
					'Send a message and wait for the recipient to approve, answer or fill in a form',
				action: 'Send message and wait for response',
			},
		],
		default: 'send',
	},
	...forOperation('message', 'send', send.properties),
	...forOperation('message', 'sendAndWait', sendAndWait.properties),
	...forOperation('message', 'get', get.properties),
	...forOperation('message', 'getAll', getAll.properties),
];

import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../operation';
import { forOperation } from '../operation';
import * as create from './create.operation';
import * as deleteDraft from './delete.operation';
import * as get from './get.operation';
import * as send from './send.operation';
import * as update from './update.operation';

export const operations: Record<string, Operation> = {
	create,
	delete: deleteDraft,
	get,
	send,
	update,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['draft'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: 'Save a new draft, with attachments of any size',
				action: 'Create a draft',
			},
			{ name: 'Delete', value: 'delete', description: 'Delete a draft', action: 'Delete a draft' },
			{ name: 'Get', value: 'get', description: 'Get a draft', action: 'Get a draft' },
			{
				name: 'Send',
				value: 'send',
				description: 'Send a draft, once even when retried',
				action: 'Send a draft',
			},
			{
				name: 'Update',
				value: 'update',
				description: 'Change fields of a draft and add attachments',
				action: 'Update a draft',
			},
		],
		default: 'create',
	},
	...forOperation('draft', 'create', create.properties),
	...forOperation('draft', 'get', get.properties),
	...forOperation('draft', 'update', update.properties),
	...forOperation('draft', 'send', send.properties),
	...forOperation('draft', 'delete', deleteDraft.properties),
];

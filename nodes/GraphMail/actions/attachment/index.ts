import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../operation';
import { forOperation } from '../operation';
import * as add from './add.operation';
import * as deleteAttachment from './delete.operation';
import {
	downloadAttachments,
	downloadProperties,
	getAttachments,
	getProperties,
} from './get.operation';
import * as getAll from './getAll.operation';

export const operations: Record<string, Operation> = {
	add,
	delete: deleteAttachment,
	download: { properties: downloadProperties, execute: downloadAttachments },
	get: { properties: getProperties, execute: getAttachments },
	getAll,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['attachment'] } },
		options: [
			{
				name: 'Add',
				value: 'add',
				description: 'Add files of any size to a message or draft',
				action: 'Add an attachment',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete an attachment',
				action: 'Delete an attachment',
			},
			{
				name: 'Download',
				value: 'download',
				description: 'Download an attachment as binary data',
				action: 'Download an attachment',
			},
			{
				name: 'Get',
				value: 'get',
				description: "Get an attachment's details",
				action: 'Get an attachment',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List the attachments of a message or draft',
				action: 'Get many attachments',
			},
		],
		default: 'getAll',
	},
	...forOperation('attachment', 'add', add.properties),
	...forOperation('attachment', 'getAll', getAll.properties),
	...forOperation('attachment', 'get', getProperties),
	...forOperation('attachment', 'download', downloadProperties),
	...forOperation('attachment', 'delete', deleteAttachment.properties),
];

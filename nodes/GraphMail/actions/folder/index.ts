import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../operation';
import { forOperation } from '../operation';
import * as create from './create.operation';
import * as deleteFolder from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as move from './move.operation';
import * as rename from './rename.operation';

export const operations: Record<string, Operation> = {
	create,
	delete: deleteFolder,
	get,
	getAll,
	move,
	rename,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['folder'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: 'Create a folder, or a path of folders created as needed',
				action: 'Create a folder',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Move a folder with its content to Deleted Items',
				action: 'Delete a folder',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a folder with its path and counts',
				action: 'Get a folder',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: "Get the folder tree with each folder's path and counts",
				action: 'Get many folders',
			},
			{
				name: 'Move',
				value: 'move',
				description: 'Move a folder into another folder',
				action: 'Move a folder',
			},
			{
				name: 'Rename',
				value: 'rename',
				description: 'Rename a folder',
				action: 'Rename a folder',
			},
		],
		default: 'getAll',
	},
	...forOperation('folder', 'create', create.properties),
	...forOperation('folder', 'get', get.properties),
	...forOperation('folder', 'getAll', getAll.properties),
	...forOperation('folder', 'rename', rename.properties),
	...forOperation('folder', 'move', move.properties),
	...forOperation('folder', 'delete', deleteFolder.properties),
];

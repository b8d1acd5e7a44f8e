import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../operation';
import { forOperation } from '../operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as send from './send/operation';
import * as respond from './respond/operation';
import * as move from './move.operation';
import * as copy from './copy.operation';
import * as update from './update/operation';
import * as deleteMessage from './delete.operation';
import * as getMime from './getMime.operation';

export const operations: Record<string, Operation> = {
	get,
	getAll,
	send,
	move,
	copy,
	update,
	delete: deleteMessage,
	getMime,
	...respond,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'] } },
		options: [
			{
				name: 'Copy',
				value: 'copy',
				description: 'Copy a message to a folder',
				action: 'Copy a message',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete a message, to Deleted Items or permanently',
				action: 'Delete a message',
			},
			{
				name: 'Forward',
				value: 'forward',
				description: 'Forward a message with its attachments, a comment and files of any size',
				action: 'Forward a message',
			},
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
				name: 'Get MIME',
				value: 'getMime',
				description: 'Get a message as an .eml file',
				action: 'Get a message as an eml file',
			},
			{
				name: 'Move',
				value: 'move',
				description: 'Move a message to a folder',
				action: 'Move a message',
			},
			{
				name: 'Reply',
				value: 'reply',
				description: "Reply to a message's sender in its thread",
				action: 'Reply to a message',
			},
			{
				name: 'Reply All',
				value: 'replyAll',
				description: 'Reply to the sender and every recipient of a message, in its thread',
				action: 'Reply to all recipients of a message',
			},
			{
				name: 'Send',
				value: 'send',
				description: 'Send a message, with attachments of any size',
				action: 'Send a message',
			},
			{
				name: 'Update',
				value: 'update',
				description: 'Mark a message read or unread, flag it, set its categories or importance',
				action: 'Update a message',
			},
		],
		default: 'send',
	},
	...forOperation('message', 'send', send.properties),
	...forOperation('message', 'get', get.properties),
	...forOperation('message', 'getAll', getAll.properties),
	...forOperation('message', 'reply', respond.reply.properties),
	...forOperation('message', 'replyAll', respond.replyAll.properties),
	...forOperation('message', 'forward', respond.forward.properties),
	...forOperation('message', 'move', move.properties),
	...forOperation('message', 'copy', copy.properties),
	...forOperation('message', 'update', update.properties),
	...forOperation('message', 'delete', deleteMessage.properties),
	...forOperation('message', 'getMime', getMime.properties),
];

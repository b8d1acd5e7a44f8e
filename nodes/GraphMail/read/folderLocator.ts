import { NodeOperationError, type INode, type INodeProperties } from 'n8n-workflow';

import { itemMessage } from '../helpers/itemText';
import { idSegment } from '../helpers/pathSegment';
import { textOf } from '../helpers/valueText';
import type { GraphClient } from '../transport/graphClient';
import type { MailboxRef } from './mailbox';

/**
 * A folder picker (From List with nested folders, By ID or well-known name). Every operation that
 * targets a folder (Move, Copy, the trigger's after-emit move, the Folder resource) uses this one
 * picker and `folderSegmentOf`, so what a picker accepts is the same everywhere.
 */
export function folderLocator(
	displayName: string,
	name: string,
	description: string,
): INodeProperties {
	return {
		displayName,
		name,
		type: 'resourceLocator',
		required: true,
		default: { mode: 'list', value: '' },
		description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a folder...',
				typeOptions: { searchListMethod: 'searchFolders', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. AAMkAGI2TG93AAA=',
				hint: 'A folder ID, or a well-known name such as inbox or archive',
			},
		],
	};
}

/** The text of a folder locator value (or of a plain string). */
export function folderValueOf(parameter: unknown): string {
	if (parameter && typeof parameter === 'object') {
		return textOf((parameter as { value?: unknown }).value).trim();
	}
	return textOf(parameter).trim();
}

/**
 * The folder as one checked URL segment (an id or a well-known name, which Graph accepts in place
 * of an id). Async and given the client and mailbox so that a folder path can be resolved here.
 */
export function folderSegmentOf(
	node: INode,
	_client: GraphClient,
	_ref: MailboxRef,
	parameter: unknown,
	itemIndex: number,
	field: string,
): Promise<string> {
	// Resolution of folder paths (which needs the client and the mailbox) plugs in here.
	try {
		return Promise.resolve(folderIdSegment(node, folderValueOf(parameter), itemIndex, field));
	} catch (error) {
		return Promise.reject(error as Error);
	}
}

function folderIdSegment(node: INode, value: string, itemIndex: number, field: string): string {
	if (value === '') {
		throw new NodeOperationError(node, itemMessage(`No ${field} is set`, itemIndex), {
			itemIndex,
			description: 'Pick a folder from the list or enter its ID or a well-known name',
		});
	}
	return idSegment(node, value, field, itemIndex);
}

import {
	NodeOperationError,
	type INode,
	type INodeProperties,
	type INodePropertyMode,
} from 'n8n-workflow';

import { parseFolderPath } from '../helpers/folderPath';
import { itemMessage } from '../helpers/itemText';
import { idSegment } from '../helpers/pathSegment';
import { textOf } from '../helpers/valueText';
import type { GraphClient } from '../transport/graphClient';
import { resolveFolderPath } from './folderResolver';
import type { MailboxRef } from './mailbox';

/**
 * A folder picker (From List with nested folders, By Path, By ID or well-known name). Every operation that
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
				displayName: 'By Path',
				name: 'path',
				type: 'string',
				placeholder: 'e.g. Inbox/Projects/2026',
				hint: 'Folder names separated by /, from a top-level folder or a well-known one (inbox, archive, ...); any case; write \\/ for a / inside a name',
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

/** The picker's modes, for pickers built elsewhere (Get Many's Other Folder, the trigger's folders). */
export const FOLDER_LOCATOR_MODES: INodePropertyMode[] =
	folderLocator('Folder', 'folderId', '').modes ?? [];

/** The text of a folder locator value (or of a plain string). */
export function folderValueOf(parameter: unknown): string {
	if (parameter && typeof parameter === 'object') {
		return textOf((parameter as { value?: unknown }).value).trim();
	}
	return textOf(parameter).trim();
}

/** The mode of a folder locator value (`list`, `path`, `id`); undefined for a plain string. */
export function folderModeOf(parameter: unknown): string | undefined {
	if (parameter && typeof parameter === 'object') {
		const mode = (parameter as { mode?: unknown }).mode;
		return typeof mode === 'string' ? mode : undefined;
	}
	return undefined;
}

/**
 * Why a By Path value cannot be a path (`the path has an empty folder name ...`), without any
 * request; undefined for a good path and for the other modes.
 */
export function folderPathProblem(parameter: unknown): string | undefined {
	if (folderModeOf(parameter) !== 'path') return undefined;
	const parsed = parseFolderPath(folderValueOf(parameter));
	return 'problem' in parsed ? `the path ${parsed.problem}` : undefined;
}

/** What to write in a By Path field, for error descriptions. */
export const FOLDER_PATH_HINT =
	'Write folder names separated by /, e.g. Inbox/Projects/2026; write \\/ for a / inside a name.';

/**
 * The folder as one checked URL segment: an id or a well-known name (which Graph accepts in place
 * of an id) as is; a By Path value resolved to its folder's id (cached for the execution, see
 * folderResolver.ts). Pass the locator value itself (not `extractValue`), so that the mode is known:
 * a plain string is always read as an id.
 */
export async function folderSegmentOf(
	node: INode,
	client: GraphClient,
	ref: MailboxRef,
	parameter: unknown,
	itemIndex: number,
	field: string,
): Promise<string> {
	const value = folderValueOf(parameter);
	if (folderModeOf(parameter) !== 'path' || value === '')
		return folderIdSegment(node, value, itemIndex, field);
	const parsed = parseFolderPath(value);
	if ('problem' in parsed) {
		throw new NodeOperationError(
			node,
			itemMessage(`${field}: the path ${parsed.problem}`, itemIndex),
			{ itemIndex, description: `${FOLDER_PATH_HINT} Nothing was sent.` },
		);
	}
	return await resolveFolderPath(node, client, ref, parsed.segments, itemIndex, field);
}

function folderIdSegment(node: INode, value: string, itemIndex: number, field: string): string {
	if (value === '') {
		throw new NodeOperationError(node, itemMessage(`No ${field} is set`, itemIndex), {
			itemIndex,
			description: 'Pick a folder from the list or enter its path, its ID or a well-known name',
		});
	}
	return idSegment(node, value, field, itemIndex);
}

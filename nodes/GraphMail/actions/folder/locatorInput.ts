import type { IExecuteFunctions } from 'n8n-workflow';

import { checkPathSegment } from '../../helpers/pathSegment';
import {
	FOLDER_PATH_HINT,
	folderModeOf,
	folderPathProblem,
	folderSegmentOf,
	folderValueOf,
} from '../../read/folderLocator';
import { mailboxOf } from '../../read/mailbox';
import type { GraphClient } from '../../transport/graphClient';
import type { Prepared } from './itemJobs';
import { fieldError } from './errors';

export interface LocatorInput {
	/** The locator value as n8n gives it (mode and value), for folderSegmentOf. */
	locator: unknown;
	/** The folder as the user gave it, for messages. */
	label: string;
}

/**
 * A folder picker's value, checked without any request: set, a path that parses, or an ID that
 * is one URL segment. The lookup of a path is left to folderSegmentOf (after every item is checked).
 */
export function readFolderLocator(
	ctx: IExecuteFunctions,
	itemIndex: number,
	name: string,
	field: string,
): LocatorInput {
	const locator: unknown = ctx.getNodeParameter(name, itemIndex, '');
	const label = folderValueOf(locator);
	if (label === '')
		throw fieldError(
			ctx.getNode(),
			itemIndex,
			field,
			'is not set',
			'Pick a folder from the list, or enter its path or ID.',
		);
	const pathProblem = folderPathProblem(locator);
	if (pathProblem)
		throw fieldError(ctx.getNode(), itemIndex, `${field}:`, pathProblem, FOLDER_PATH_HINT);
	if (folderModeOf(locator) !== 'path') {
		const checked = checkPathSegment(label);
		if ('problem' in checked)
			throw fieldError(
				ctx.getNode(),
				itemIndex,
				field,
				checked.problem,
				'Give the folder ID exactly as Graph returned it, or a well-known name such as inbox.',
			);
	}
	return { locator, label };
}

/** An item of an operation on one folder (Get, Rename, Move, Delete): its mailbox and its Folder. */
export function folderItem(ctx: IExecuteFunctions, itemIndex: number): Prepared & LocatorInput {
	return {
		itemIndex,
		ref: mailboxOf(ctx, itemIndex),
		...readFolderLocator(ctx, itemIndex, 'folderId', 'Folder'),
	};
}

/** The item's folder (or `input`, another of its pickers) as one URL segment, its path looked up. */
export async function segmentOf(
	ctx: IExecuteFunctions,
	client: GraphClient,
	item: Prepared,
	input: LocatorInput,
	field: string,
): Promise<string> {
	return await folderSegmentOf(
		ctx.getNode(),
		client,
		item.ref,
		input.locator,
		item.itemIndex,
		field,
	);
}

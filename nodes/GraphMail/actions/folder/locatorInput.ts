import type { IExecuteFunctions } from 'n8n-workflow';

import { parseFolderPath } from '../../helpers/folderPath';
import { checkPathSegment } from '../../helpers/pathSegment';
import { folderModeOf, folderValueOf } from '../../read/folderLocator';
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
	if (folderModeOf(locator) === 'path') {
		const parsed = parseFolderPath(label);
		if ('problem' in parsed)
			throw fieldError(
				ctx.getNode(),
				itemIndex,
				field,
				`path "${label}" ${parsed.problem}`,
				'Write folder names separated by /, e.g. Inbox/Projects/2026; write \\/ for a / inside a name.',
			);
	} else {
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

import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { folderNameProblem } from '../../helpers/folderPath';
import { textOf } from '../../helpers/valueText';
import { fieldError } from './errors';
import { folderField, mailboxFields } from './fields';
import { folderOperation } from './itemJobs';
import { folderOutput } from './output';

export const properties: INodeProperties[] = [
	...mailboxFields,
	folderField,
	{
		displayName: 'New Name',
		name: 'newName',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. Invoices 2026',
		description: "The folder's new name (a name, not a path: a / here is part of the name)",
	},
];

/** The New Name, checked as Outlook checks folder names. */
export function readNewName(ctx: IExecuteFunctions, itemIndex: number): string {
	const name = textOf(ctx.getNodeParameter('newName', itemIndex, '')).trim();
	const problem = folderNameProblem(name);
	if (problem)
		throw fieldError(
			ctx.getNode(),
			itemIndex,
			'New Name',
			problem,
			'Enter the name the folder should have.',
		);
	return name;
}

/** Rename: PATCH displayName, the one property of a folder Graph lets change. */
export const execute = folderOperation((ctx) => ({
	action: 'renamed',
	changes: true,
	fields: (itemIndex) => ({ name: readNewName(ctx, itemIndex) }),
	job: (item, segment) => ({
		// Setting the same name again changes nothing: safe to repeat after a lost answer.
		request: {
			method: 'PATCH',
			url: `${item.ref.base}/mailFolders/${segment}`,
			body: { displayName: item.name },
			idempotent: true,
		},
		done: (folder) => folderOutput(folder),
	}),
}));

import type { INodeProperties } from 'n8n-workflow';

import { folderField, mailboxFields } from './fields';
import { folderOperation } from './itemJobs';

export const properties: INodeProperties[] = [
	...mailboxFields,
	{
		...folderField,
		description:
			'The folder to delete. Graph moves it, with its messages and subfolders, to Deleted Items; a folder already in Deleted Items is removed for good.',
	},
];

/** Delete: DELETE .../mailFolders/{id} (204). */
export const execute = folderOperation(() => ({
	action: 'deleted',
	changes: true,
	job: (item, segment) => {
		return {
			// Not repeated after a lost answer: a second DELETE would remove the folder from Deleted Items for good.
			request: {
				method: 'DELETE',
				url: `${item.ref.base}/mailFolders/${segment}`,
				idempotent: false,
			},
			done: () => ({ id: decodeURIComponent(segment), folder: item.label, deleted: true }),
		};
	},
}));

import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { folderSegmentOf } from '../../read/folderLocator';
import { mailboxOf } from '../../read/mailbox';
import type { GraphClient } from '../../transport/graphClient';
import { folderField, mailboxFields } from './fields';
import { executeFolderJobs, type Prepared } from './itemJobs';
import { readFolderLocator, type LocatorInput } from './locatorInput';

export const properties: INodeProperties[] = [
	...mailboxFields,
	{
		...folderField,
		description:
			'The folder to delete. Graph moves it, with its messages and subfolders, to Deleted Items; a folder already in Deleted Items is removed for good.',
	},
];

/** Delete: DELETE .../mailFolders/{id} (204). */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	client: GraphClient,
): Promise<INodeExecutionData[]> {
	return await executeFolderJobs<Prepared & LocatorInput>(this, items, client, {
		action: 'deleted',
		changes: true,
		prepare: (itemIndex) => ({
			itemIndex,
			ref: mailboxOf(this, itemIndex),
			...readFolderLocator(this, itemIndex, 'folderId', 'Folder'),
		}),
		job: async (item) => {
			const segment = await folderSegmentOf(
				this.getNode(),
				client,
				item.ref,
				item.locator,
				item.itemIndex,
				'Folder',
			);
			const id = decodeURIComponent(segment);
			return {
				...item,
				// Not repeated after a lost answer: a second DELETE would remove the folder from Deleted Items for good.
				request: {
					method: 'DELETE',
					url: `${item.ref.base}/mailFolders/${segment}`,
					idempotent: false,
				},
				done: () => ({ id, folder: item.label, deleted: true }),
			};
		},
	});
}

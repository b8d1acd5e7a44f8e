import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { FolderAncestry } from '../../read/folderAncestry';
import { folderSegmentOf } from '../../read/folderLocator';
import { mailboxOf } from '../../read/mailbox';
import type { GraphClient } from '../../transport/graphClient';
import { folderField, mailboxFields } from './fields';
import { executeFolderJobs, type Prepared } from './itemJobs';
import { readFolderLocator, type LocatorInput } from './locatorInput';
import { FOLDER_SELECT, folderOutput } from './output';

export const properties: INodeProperties[] = [...mailboxFields, folderField];

/** Get: one folder with its counts and its path from the top of the mailbox. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	client: GraphClient,
): Promise<INodeExecutionData[]> {
	const ancestry = new FolderAncestry(this.getNode(), client);
	return await executeFolderJobs<Prepared & LocatorInput>(this, items, client, {
		action: 'read',
		changes: false,
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
			return {
				...item,
				request: {
					method: 'GET',
					url: `${item.ref.base}/mailFolders/${segment}?$select=${FOLDER_SELECT}`,
					idempotent: true,
				},
				done: async (folder) =>
					folderOutput(folder, { path: await ancestry.pathOf(item.ref, folder, item.itemIndex) }),
			};
		},
	});
}

import type { INodeProperties } from 'n8n-workflow';

import { FolderAncestry } from '../../read/folderAncestry';
import { folderField, mailboxFields } from './fields';
import { folderOperation } from './itemJobs';
import { FOLDER_SELECT, folderOutput } from './output';

export const properties: INodeProperties[] = [...mailboxFields, folderField];

/** Get: one folder with its counts and its path from the top of the mailbox. */
export const execute = folderOperation((ctx, client) => {
	const ancestry = new FolderAncestry(ctx.getNode(), client);
	return {
		action: 'read',
		changes: false,
		job: (item, segment) => ({
			request: {
				method: 'GET',
				url: `${item.ref.base}/mailFolders/${segment}?$select=${FOLDER_SELECT}`,
				idempotent: true,
			},
			done: async (folder) =>
				folderOutput(folder, { path: await ancestry.pathOf(item.ref, folder, item.itemIndex) }),
		}),
	};
});

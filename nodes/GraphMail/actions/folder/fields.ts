import type { INodeProperties } from 'n8n-workflow';

import { mailboxFields } from '../../read/fields';
import { folderLocator } from '../../read/folderLocator';

/** Fields the Folder operations share: whose mailbox, and the folder they act on. */

export { mailboxFields };

export const folderField: INodeProperties = folderLocator(
	'Folder',
	'folderId',
	'The folder: pick it from the list, or enter its path (e.g. Inbox/Projects/2026) or its ID',
);

/** Where Create and Get Many start: the top of the mailbox or a folder. */
export function parentFields(purpose: string): INodeProperties[] {
	return [
		{
			displayName: 'Parent',
			name: 'parent',
			type: 'options',
			options: [
				{
					name: 'Top of Mailbox',
					value: 'root',
					description: 'Beside Inbox, Sent Items and the other top-level folders',
				},
				{ name: 'Folder', value: 'folder', description: 'Inside a folder you pick' },
			],
			default: 'root',
			description: purpose,
		},
		{
			...folderLocator(
				'Parent Folder',
				'parentFolderId',
				'The folder to start in: from the list, by path (e.g. Inbox/Projects) or by ID',
			),
			displayOptions: { show: { parent: ['folder'] } },
		},
	];
}

import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { folderLocator, folderSegmentOf } from '../../read/folderLocator';
import { mailboxOf } from '../../read/mailbox';
import type { GraphClient } from '../../transport/graphClient';
import { folderField, mailboxFields } from './fields';
import { executeFolderJobs, type Prepared } from './itemJobs';
import { readFolderLocator, type LocatorInput } from './locatorInput';
import { folderOutput } from './output';

export const properties: INodeProperties[] = [
	...mailboxFields,
	folderField,
	folderLocator(
		'Destination',
		'destinationId',
		'The folder to move it into (msgfolderroot By ID: the top of the mailbox)',
	),
];

/** Move: POST .../mailFolders/{id}/move {destinationId}; the folder keeps its id and content. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	client: GraphClient,
): Promise<INodeExecutionData[]> {
	return await executeFolderJobs<Prepared & LocatorInput & { destination: LocatorInput }>(
		this,
		items,
		client,
		{
			action: 'moved',
			changes: true,
			prepare: (itemIndex) => ({
				itemIndex,
				ref: mailboxOf(this, itemIndex),
				...readFolderLocator(this, itemIndex, 'folderId', 'Folder'),
				destination: readFolderLocator(this, itemIndex, 'destinationId', 'Destination'),
			}),
			job: async (item) => {
				const node = this.getNode();
				const segment = await folderSegmentOf(
					node,
					client,
					item.ref,
					item.locator,
					item.itemIndex,
					'Folder',
				);
				const destination = await folderSegmentOf(
					node,
					client,
					item.ref,
					item.destination.locator,
					item.itemIndex,
					'Destination',
				);
				return {
					...item,
					// Not repeated after a lost answer: the item says so instead (see errors.ts).
					request: {
						method: 'POST',
						url: `${item.ref.base}/mailFolders/${segment}/move`,
						body: { destinationId: decodeURIComponent(destination) },
					},
					done: (folder) => folderOutput(folder),
				};
			},
		},
	);
}

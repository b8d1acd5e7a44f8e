import type { INodeProperties } from 'n8n-workflow';

import { folderLocator } from '../../read/folderLocator';
import { folderField, mailboxFields } from './fields';
import { folderOperation } from './itemJobs';
import { readFolderLocator, segmentOf } from './locatorInput';
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
export const execute = folderOperation((ctx, client) => ({
	action: 'moved',
	changes: true,
	fields: (itemIndex) => ({
		destination: readFolderLocator(ctx, itemIndex, 'destinationId', 'Destination'),
	}),
	job: async (item, segment) => {
		const destination = await segmentOf(ctx, client, item, item.destination, 'Destination');
		return {
			// Not repeated after a lost answer: the item says so instead (see errors.ts).
			request: {
				method: 'POST',
				url: `${item.ref.base}/mailFolders/${segment}/move`,
				body: { destinationId: decodeURIComponent(destination) },
			},
			done: (folder) => folderOutput(folder),
		};
	},
}));

/**
 * Draft > Update: only the fields the item sets change (one PATCH), and files are added (any size,
 * upload sessions from 3 MB, inline images with their Content ID). The draft must still be a draft.
 */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { mailboxFields } from '../../read/fields';
import { messageOf } from '../../read/messageLocator';
import { IMMUTABLE_ID_HEADERS, type GraphClient } from '../../transport/graphClient';
import { addFiles, ITEMS_UPLOADING_AT_ONCE, type AddedAttachment } from '../attachment/addFiles';
import { outputsOf, settleEach, stopAtFirstProblem } from '../itemResults';
import { draftLocator, updateFields } from './fields';
import { draftOutput } from './output';
import { prepareUpdate, type PreparedUpdate } from './prepare';
import { requireDrafts, type DraftTarget } from './requireDrafts';

export const properties: INodeProperties[] = [
	...mailboxFields,
	draftLocator(
		'The draft to change: pick a recent one, enter its ID, or paste its Outlook on the web link',
	),
	...updateFields,
];

type Ready = PreparedUpdate & DraftTarget;

async function updateOne(
	ctx: IExecuteFunctions,
	client: GraphClient,
	entry: Ready,
): Promise<IDataObject> {
	const { ref, itemIndex, messagePath } = entry;
	const added: AddedAttachment[] = await addFiles(
		ctx,
		client,
		{ mailbox: ref.mailbox, messagePath, itemIndex },
		entry.attachments,
	);
	// After the files, so that the answer shows hasAttachments as it now is.
	const { body } = await client.request<IDataObject>({
		method: Object.keys(entry.patch).length ? 'PATCH' : 'GET',
		path: messagePath,
		...(Object.keys(entry.patch).length ? { body: entry.patch } : {}),
		headers: IMMUTABLE_ID_HEADERS,
		mailbox: ref.mailbox,
		idempotent: true,
		itemIndex,
	});
	return {
		status: 'updated',
		...draftOutput(body, ref.mailbox),
		updatedFields: Object.keys(entry.patch),
		addedAttachments: added as unknown as IDataObject[],
	};
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	client: GraphClient,
): Promise<INodeExecutionData[]> {
	const results: Array<IDataObject | Error | undefined> = [];
	const ready: Ready[] = [];
	for (const [itemIndex, item] of items.entries()) {
		const prepared = await prepareUpdate(this, item, itemIndex);
		if (prepared instanceof NodeOperationError) {
			results[itemIndex] = prepared;
			continue;
		}
		try {
			const target = messageOf(this, itemIndex, 'draftId', 'draft');
			ready.push({
				...prepared,
				draftId: target.id,
				messagePath: `${prepared.ref.base}/messages/${target.segment}`,
			});
		} catch (error) {
			results[itemIndex] = error as Error;
		}
	}
	stopAtFirstProblem(this, results, 'No draft was changed.');
	const checked = await requireDrafts(this, client, ready, 'changed');
	const toUpdate = ready.filter((entry) => {
		const state = checked.get(entry.itemIndex);
		if (state instanceof Error) results[entry.itemIndex] = state;
		return !(state instanceof Error);
	});
	stopAtFirstProblem(this, results, 'No draft was changed.');
	const updated = await settleEach(
		toUpdate,
		ITEMS_UPLOADING_AT_ONCE,
		async (entry) => await updateOne(this, client, entry),
	);
	toUpdate.forEach((entry, i) => (results[entry.itemIndex] = updated[i]));
	return outputsOf(this, results, items.length);
}

/**
 * Draft > Create: every field of Send, saved as a draft (in Drafts or a chosen folder) instead of
 * sent. Small files go inside the create request, the other small ones with `POST .../attachments`,
 * files of 3 MB or more through upload sessions; inline images keep their Content ID. Every item is
 * prepared first; a draft whose attachments fail is deleted again (nothing half-built is left).
 * Immutable ids, so the id stays valid when the draft is sent and moves to Sent Items. Drafts
 * without files are created together through `$batch` (20 per request, paced per mailbox).
 */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { withSentence } from '../../helpers/nodeError';
import { idSegment } from '../../helpers/pathSegment';
import { mailboxFields } from '../../read/fields';
import { folderSegmentOf, folderValueOf } from '../../read/folderLocator';
import { IMMUTABLE_ID_HEADERS, type GraphClient } from '../../transport/graphClient';
import { addFile, ITEMS_UPLOADING_AT_ONCE, type AddedAttachment } from '../attachment/addFiles';
import { batchPerMailbox, itemFailure, succeeded } from '../batchPerMailbox';
import { checkThenSettle } from '../itemResults';
import type { BatchSubResult } from '../../transport/batch';
import { inlineAttachment } from '../message/send/inlineAttachments';
import { draftBody } from '../message/send/plan';
import { createFields } from './fields';
import { draftOutput } from './output';
import { prepareCreate, type PreparedCreate } from './prepare';

export const properties: INodeProperties[] = [...mailboxFields, ...createFields];

/** Where the draft is created: `{mailbox}/messages`, or under the chosen folder. */
async function draftsPathOf(
	ctx: IExecuteFunctions,
	client: GraphClient,
	prepared: PreparedCreate,
): Promise<string> {
	const { ref, itemIndex } = prepared;
	const folder = folderValueOf(prepared.folder)
		? `/mailFolders/${await folderSegmentOf(ctx.getNode(), client, ref, prepared.folder, itemIndex, 'Folder')}`
		: '';
	return `${ref.base}${folder}/messages`;
}

/** Drafts without files: one POST each, together through `$batch`, by item index. */
async function createWithoutFiles(
	ctx: IExecuteFunctions,
	client: GraphClient,
	entries: PreparedCreate[],
): Promise<Map<number, BatchSubResult>> {
	const simple = entries.filter((entry) => entry.plan.attachments.length === 0);
	if (simple.length < 2) return new Map();
	const requests = [];
	for (const entry of simple) {
		requests.push({
			itemIndex: entry.itemIndex,
			mailbox: entry.ref.mailbox,
			request: {
				method: 'POST' as const,
				url: await draftsPathOf(ctx, client, entry),
				body: draftBody(
					entry.plan.message,
					entry.plan.saveToSentItems,
					[],
				) as unknown as IDataObject,
				headers: { ...IMMUTABLE_ID_HEADERS },
			},
		});
	}
	return await batchPerMailbox(client, requests);
}

async function createOne(
	ctx: IExecuteFunctions,
	client: GraphClient,
	prepared: PreparedCreate,
	batched?: BatchSubResult,
): Promise<IDataObject> {
	const { plan, ref, itemIndex } = prepared;
	if (batched) {
		if (!succeeded(batched)) throw itemFailure(ctx, batched, itemIndex);
		return {
			status: 'created',
			...draftOutput(batched.body as IDataObject, ref.mailbox),
			attachments: [],
		};
	}
	const inline = [];
	for (const [i, planned] of plan.attachments.entries()) {
		if (planned.via === 'inline')
			inline.push(await inlineAttachment(ctx, itemIndex, planned, prepared.attachments[i]!));
	}
	const { body: created } = await client.request<IDataObject>({
		method: 'POST',
		path: await draftsPathOf(ctx, client, prepared),
		body: draftBody(plan.message, plan.saveToSentItems, inline) as unknown as IDataObject,
		headers: IMMUTABLE_ID_HEADERS,
		mailbox: ref.mailbox,
		idempotent: false,
		itemIndex,
	});
	const id = typeof created.id === 'string' ? created.id : '';
	if (!id)
		throw new NodeOperationError(ctx.getNode(), 'Graph created the draft but returned no id', {
			itemIndex,
		});
	const messagePath = `${ref.base}/messages/${idSegment(ctx.getNode(), id, 'Draft ID', itemIndex)}`;
	const added: AddedAttachment[] = plan.attachments
		.filter((planned) => planned.via === 'inline')
		.map(({ binaryProperty: _p, via, ...spec }) => ({ ...spec, uploadedVia: via }));
	try {
		for (const [i, planned] of plan.attachments.entries()) {
			if (planned.via === 'inline') continue;
			added.push(
				await addFile(
					ctx,
					client,
					{ mailbox: ref.mailbox, messagePath, itemIndex },
					prepared.attachments[i]!,
					planned.via,
				),
			);
		}
	} catch (error) {
		await client
			.request({ method: 'DELETE', path: messagePath, mailbox: ref.mailbox, itemIndex })
			.catch(() => undefined);
		throw withSentence(
			error as Error & { description?: string | null },
			'The draft was deleted again: nothing was left behind.',
		);
	}
	return {
		status: 'created',
		...draftOutput(created, ref.mailbox),
		attachments: added as unknown as IDataObject[],
	};
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	client: GraphClient,
): Promise<INodeExecutionData[]> {
	let batched = new Map<number, BatchSubResult>();
	return await checkThenSettle(
		this,
		items,
		'No draft was created.',
		async (item, itemIndex): Promise<PreparedCreate | NodeOperationError> =>
			await prepareCreate(this, item, itemIndex),
		ITEMS_UPLOADING_AT_ONCE,
		async (entry) => await createOne(this, client, entry, batched.get(entry.itemIndex)),
		async (entries) => {
			batched = await createWithoutFiles(this, client, entries);
		},
	);
}

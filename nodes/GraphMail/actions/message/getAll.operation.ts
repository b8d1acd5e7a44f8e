import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { parseDateInput } from '../../helpers/dates';
import type { Importance } from '../../helpers/optionLists';
import { idSegment } from '../../helpers/pathSegment';
import { searchParameter, kqlProblem } from '../../helpers/kql';
import {
	buildListQuery,
	customFilterProblem,
	hasFilters,
	type MessageFilters,
	type ReadStatus,
	type SortOrder,
} from '../../helpers/odata';
import type { GraphClient } from '../../transport/graphClient';
import { pages } from '../../transport/paging';
import { itemMessage } from '../../helpers/itemText';
import { planThenList } from '../itemResults';
import {
	downloadAttachments,
	largeDownloadGate,
	mayHaveAttachments,
	type AttachmentOptions,
} from '../../read/attachments';
import { mailboxOf, WELL_KNOWN_FOLDERS, type MailboxRef } from '../../read/mailbox';
import { mapLimited, type KeyedLimiter } from '../../helpers/concurrency';
import {
	outputPlan,
	preferBodyFormat,
	shapeMessage,
	type OutputMode,
	type OutputPlan,
} from '../../read/output';
import { folderChoice, getAllFields } from '../../read/fields';
import {
	FOLDER_PATH_HINT,
	folderModeOf,
	folderPathProblem,
	folderSegmentOf,
	folderValueOf,
} from '../../read/folderLocator';
import { textOf } from '../../helpers/valueText';

export const properties: INodeProperties[] = getAllFields;

/** The folders Folder lists by name (Graph's well-known names; Other Folder and Whole Mailbox aside). */
const LISTED_FOLDERS = new Set(
	(folderChoice.options ?? [])
		.map((option) => String((option as { value: unknown }).value))
		.filter((value) => WELL_KNOWN_FOLDERS.has(value)),
);

/** Everything one input item asks for, checked before any request is made. */
interface ListPlan {
	itemIndex: number;
	ref: MailboxRef;
	/** The messages' path, or the Other Folder picked By Path (resolved when the item runs). */
	folder: { path: string } | { locator: unknown };
	qs: IDataObject;
	headers: Record<string, string>;
	/** undefined = Return All */
	limit?: number;
	output: OutputPlan;
	attachments?: AttachmentOptions;
}

function refuse(
	ctx: IExecuteFunctions,
	itemIndex: number,
	message: string,
	description: string,
): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), itemMessage(message, itemIndex), {
		itemIndex,
		description,
	});
}

function folderTarget(
	ctx: IExecuteFunctions,
	itemIndex: number,
	ref: MailboxRef,
): ListPlan['folder'] {
	const folder = textOf(ctx.getNodeParameter('folder', itemIndex, 'inbox')).trim();
	if (folder === 'all') return { path: `${ref.base}/messages` };
	if (folder === 'other') {
		const locator: unknown = ctx.getNodeParameter('folderId', itemIndex, '');
		const id = folderValueOf(locator);
		if (id === '') {
			throw refuse(
				ctx,
				itemIndex,
				'No folder is selected',
				'Pick a folder from the list or enter its path or ID',
			);
		}
		if (folderModeOf(locator) === 'path') {
			const problem = folderPathProblem(locator);
			if (problem) throw refuse(ctx, itemIndex, `Other Folder: ${problem}`, FOLDER_PATH_HINT);
			return { locator };
		}
		return {
			path: `${ref.base}/mailFolders/${idSegment(ctx.getNode(), id, 'Folder ID', itemIndex)}/messages`,
		};
	}
	if (!LISTED_FOLDERS.has(folder.toLowerCase())) {
		throw refuse(
			ctx,
			itemIndex,
			`The folder "${folder}" is not one of the listed choices`,
			'Choose a folder from the list, or Other Folder to pick any folder or enter its path or ID',
		);
	}
	return { path: `${ref.base}/mailFolders/${folder.toLowerCase()}/messages` };
}

function dateFilter(
	ctx: IExecuteFunctions,
	itemIndex: number,
	label: string,
	value: unknown,
): Date | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const date = parseDateInput(value, ctx.getTimezone());
	if (!date) {
		throw refuse(
			ctx,
			itemIndex,
			`${label} "${textOf(value)}" is not a date`,
			'Use an ISO 8601 date such as 2024-05-01 or 2024-05-01T09:00:00+02:00',
		);
	}
	return date;
}

function planFor(ctx: IExecuteFunctions, itemIndex: number): ListPlan {
	const ref = mailboxOf(ctx, itemIndex);
	const folder = folderTarget(ctx, itemIndex, ref);

	const returnAll = ctx.getNodeParameter('returnAll', itemIndex, false);
	let limit: number | undefined;
	if (!returnAll) {
		const given: unknown = ctx.getNodeParameter('limit', itemIndex, 50);
		limit = typeof given === 'string' && given.trim() === '' ? NaN : Number(given);
		if (!Number.isInteger(limit) || limit < 1) {
			// The value as the user gave it (an expression's "abc", not the NaN it converts to).
			const shown =
				typeof given === 'string' ? `"${given}"` : (JSON.stringify(given) ?? String(given));
			throw refuse(
				ctx,
				itemIndex,
				`The limit ${shown} is not a whole number of at least 1`,
				'Set Limit to 1 or more, or turn on Return All.',
			);
		}
	}

	const raw = ctx.getNodeParameter('filters', itemIndex, {});
	const filters: MessageFilters = {
		readStatus: raw.readStatus ? (textOf(raw.readStatus) as ReadStatus) : undefined,
		from: typeof raw.from === 'string' ? raw.from : undefined,
		receivedAfter: dateFilter(ctx, itemIndex, 'Received After', raw.receivedAfter),
		receivedBefore: dateFilter(ctx, itemIndex, 'Received Before', raw.receivedBefore),
		hasAttachments: typeof raw.hasAttachments === 'boolean' ? raw.hasAttachments : undefined,
		importance: raw.importance ? (textOf(raw.importance) as Importance) : undefined,
		subjectContains: typeof raw.subjectContains === 'string' ? raw.subjectContains : undefined,
		custom: typeof raw.customFilter === 'string' ? raw.customFilter : undefined,
	};
	if (filters.readStatus && !['read', 'unread'].includes(filters.readStatus)) {
		throw refuse(
			ctx,
			itemIndex,
			`Read Status "${filters.readStatus}" is not known`,
			'Use read or unread',
		);
	}
	if (filters.importance && !['low', 'normal', 'high'].includes(filters.importance)) {
		throw refuse(
			ctx,
			itemIndex,
			`Importance "${filters.importance}" is not known`,
			'Use low, normal or high',
		);
	}
	const customProblem =
		filters.custom !== undefined ? customFilterProblem(filters.custom) : undefined;
	if (customProblem) {
		throw refuse(
			ctx,
			itemIndex,
			`The custom filter is not valid: ${customProblem}`,
			'Correct the OData expression in Custom Filter',
		);
	}

	const options = ctx.getNodeParameter('options', itemIndex, {});
	const sortText = options.sort === undefined ? undefined : textOf(options.sort);
	if (sortText !== undefined && sortText !== 'newest' && sortText !== 'oldest') {
		throw refuse(ctx, itemIndex, `Sort "${sortText}" is not known`, 'Use newest or oldest');
	}
	const sortChoice: SortOrder | undefined = sortText;

	const qs: IDataObject = {};
	const search = typeof raw.search === 'string' ? raw.search.trim() : '';
	if (search !== '') {
		const problem = kqlProblem(search);
		if (problem)
			throw refuse(
				ctx,
				itemIndex,
				`The search is not valid: ${problem}`,
				'Correct the KQL query in Search',
			);
		if (hasFilters(filters)) {
			throw refuse(
				ctx,
				itemIndex,
				'Search cannot be combined with other filters',
				'Microsoft Graph does not accept $search together with $filter. Remove the other filters, or express them in the KQL query (e.g. from:alex@contoso.com hasAttachments:true).',
			);
		}
		if (sortChoice === 'oldest') {
			throw refuse(
				ctx,
				itemIndex,
				'Search results cannot be sorted oldest first',
				'Microsoft Graph does not accept $search together with $orderby: search results come newest first. Remove the Sort option or the search.',
			);
		}
		qs.$search = searchParameter(search);
	} else {
		Object.assign(qs, buildListQuery(filters, sortChoice ?? 'newest'));
	}

	const downloading = options.downloadAttachments === true;
	const attachments: AttachmentOptions | undefined = downloading
		? {
				prefix: textOf(options.attachmentPrefix ?? 'attachment_'),
				skipInline: options.skipInline !== false,
			}
		: undefined;
	const mode = ctx.getNodeParameter('output', itemIndex, 'simple') as OutputMode;
	const fields =
		mode === 'fields' ? (ctx.getNodeParameter('fields', itemIndex, []) as string[]) : [];
	const output = outputPlan(mode, fields, attachments?.skipInline === true);
	if (output.select) qs.$select = output.select.join(',');

	return {
		itemIndex,
		ref,
		folder,
		qs,
		headers: preferBodyFormat(textOf(options.bodyFormat ?? 'html')),
		limit,
		output,
		attachments,
	};
}

async function run(
	ctx: IExecuteFunctions,
	client: GraphClient,
	plan: ListPlan,
	largeGate: KeyedLimiter,
): Promise<INodeExecutionData[]> {
	const results: INodeExecutionData[] = [];
	const path =
		'path' in plan.folder
			? plan.folder.path
			: `${plan.ref.base}/mailFolders/${await folderSegmentOf(ctx.getNode(), client, plan.ref, plan.folder.locator, plan.itemIndex, 'Other Folder')}/messages`;
	const request = {
		path,
		qs: plan.qs,
		headers: plan.headers,
		mailbox: plan.ref.mailbox,
		itemIndex: plan.itemIndex,
	};
	for await (const page of pages<IDataObject>(client, request, { limit: plan.limit })) {
		const attachments = plan.attachments;
		if (!attachments) {
			for (const message of page)
				results.push({
					json: shapeMessage(plan.output, message),
					pairedItem: { item: plan.itemIndex },
				});
			continue;
		}
		// up to 4 messages at a time: the client keeps at most 4 requests in flight per mailbox anyway
		const shaped = await mapLimited(page, 4, async (message): Promise<INodeExecutionData> => {
			const binary =
				typeof message.id === 'string' && mayHaveAttachments(message, attachments)
					? await downloadAttachments(
							ctx,
							client,
							{ ref: plan.ref, messageId: message.id, itemIndex: plan.itemIndex },
							attachments,
							largeGate,
						)
					: undefined;
			return {
				json: shapeMessage(plan.output, message),
				...(binary ? { binary } : {}),
				pairedItem: { item: plan.itemIndex },
			};
		});
		results.push(...shaped);
	}
	return results;
}

/**
 * Get Many: per input item, the messages of a mailbox or folder, filtered or searched, sorted, up
 * to the limit or all of them across pages. Every item's settings are checked before the first
 * request, so a refused combination costs no call.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	client: GraphClient,
): Promise<INodeExecutionData[]> {
	const largeGate = largeDownloadGate();
	return await planThenList(
		this,
		items,
		(itemIndex) => planFor(this, itemIndex),
		async (plan) => await run(this, client, plan, largeGate),
	);
}

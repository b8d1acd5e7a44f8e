import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { joinFolderPath } from '../../helpers/folderPath';
import { FolderAncestry } from '../../read/folderAncestry';
import { limitFields } from '../../read/fields';
import { folderSegmentOf } from '../../read/folderLocator';
import { readFolderTree } from '../../read/folderTree';
import { mailboxOf, type MailboxRef } from '../../read/mailbox';
import type { GraphClient } from '../../transport/graphClient';
import { planThenList } from '../itemResults';
import { fieldError } from './errors';
import { mailboxFields, parentFields } from './fields';
import { readFolderLocator, type LocatorInput } from './locatorInput';
import { FOLDER_OUTPUT_FIELDS, folderOutput } from './output';
import { textOf } from '../../helpers/valueText';

export const properties: INodeProperties[] = [
	...mailboxFields,
	...parentFields('Whose folders to list: the whole tree, or everything inside one folder'),
	...limitFields,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Include Hidden Folders',
				name: 'includeHidden',
				type: 'boolean',
				default: false,
				description: 'Whether to list folders marked hidden (isHidden) too',
			},
		],
	},
];

interface ListPlan {
	itemIndex: number;
	ref: MailboxRef;
	parent?: LocatorInput;
	limit?: number;
	includeHidden: boolean;
}

function planFor(ctx: IExecuteFunctions, itemIndex: number): ListPlan {
	const ref = mailboxOf(ctx, itemIndex);
	const parent =
		ctx.getNodeParameter('parent', itemIndex, 'root') === 'folder'
			? readFolderLocator(ctx, itemIndex, 'parentFolderId', 'Parent Folder')
			: undefined;
	let limit: number | undefined;
	if (!ctx.getNodeParameter('returnAll', itemIndex, false)) {
		limit = Number(ctx.getNodeParameter('limit', itemIndex, 50));
		if (!Number.isInteger(limit) || limit < 1)
			throw fieldError(
				ctx.getNode(),
				itemIndex,
				'Limit',
				'is not a whole number of at least 1',
				'Set Limit to 1 or more, or turn on Return All.',
			);
	}
	const options: IDataObject = ctx.getNodeParameter('options', itemIndex, {});
	return { itemIndex, ref, parent, limit, includeHidden: options.includeHidden === true };
}

async function list(
	ctx: IExecuteFunctions,
	client: GraphClient,
	plan: ListPlan,
	ancestry: FolderAncestry,
): Promise<INodeExecutionData[]> {
	const node = ctx.getNode();
	let parentSegment: string | undefined;
	let prefix: string[] = [];
	if (plan.parent) {
		parentSegment = await folderSegmentOf(
			node,
			client,
			plan.ref,
			plan.parent.locator,
			plan.itemIndex,
			'Parent Folder',
		);
		const { body } = await client.request<IDataObject>({
			method: 'GET',
			path: `${plan.ref.base}/mailFolders/${parentSegment}`,
			qs: { $select: 'id,displayName,parentFolderId' },
			mailbox: plan.ref.mailbox,
			itemIndex: plan.itemIndex,
		});
		const path = await ancestry.pathOf(plan.ref, body, plan.itemIndex);
		if (path === undefined) prefix = [textOf(body.displayName ?? plan.parent.label)];
		else if (path !== '') prefix = [path];
	}
	const tree = await readFolderTree(node, client, plan.ref, {
		parentSegment,
		includeHidden: plan.includeHidden,
		select: [...FOLDER_OUTPUT_FIELDS],
		itemIndex: plan.itemIndex,
	});
	const wanted = plan.limit === undefined ? tree : tree.slice(0, plan.limit);
	return wanted.map(({ folder, names }) => ({
		json: folderOutput(folder, {
			path: [...prefix, joinFolderPath(names)].join('/'),
			depth: names.length,
		}),
		pairedItem: { item: plan.itemIndex },
	}));
}

/**
 * Get Many: the folder tree (all of it, or below one folder), depth-first, each folder with its
 * path and counts; children read through `$batch`, every list paged (read/folderTree.ts).
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	client: GraphClient,
): Promise<INodeExecutionData[]> {
	const ancestry = new FolderAncestry(this.getNode(), client);
	return await planThenList(
		this,
		items,
		(itemIndex) => planFor(this, itemIndex),
		async (plan) => await list(this, client, plan, ancestry),
	);
}

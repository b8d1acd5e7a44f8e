import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { mapLimited } from '../../helpers/concurrency';
import { parseFolderPath } from '../../helpers/folderPath';
import { idSegment } from '../../helpers/pathSegment';
import { textOf } from '../../helpers/valueText';
import { FolderAncestry } from '../../read/folderAncestry';
import { folderSegmentOf } from '../../read/folderLocator';
import { ROOT_FOLDER } from '../../read/folderResolver';
import { mailboxOf, type MailboxRef } from '../../read/mailbox';
import type { GraphClient } from '../../transport/graphClient';
import { errorItemOrThrow } from '../itemErrors';
import { fieldError } from './errors';
import { mailboxFields, parentFields } from './fields';
import { FolderCreator, type FolderResult } from './findOrCreate';
import { readFolderLocator, type LocatorInput } from './locatorInput';
import { folderOutput } from './output';

export const properties: INodeProperties[] = [
	...mailboxFields,
	...parentFields('Where to create the folder'),
	{
		displayName: 'Name or Path',
		name: 'name',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. Invoices or Projects/2026/Invoices',
		description:
			"The new folder's name, or a path of names separated by / whose missing folders are created on the way; write \\/ for a / inside a name",
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Return Existing',
				name: 'returnExisting',
				type: 'boolean',
				default: false,
				description:
					"Whether to return the folder that already has this name instead of failing (ErrorFolderExists); the output's created field tells which",
			},
			{
				displayName: 'Hidden',
				name: 'hidden',
				type: 'boolean',
				default: false,
				description:
					"Whether to create the folder hidden from Outlook's folder list (isHidden, which can only be set on creation); folders created on the way stay visible",
			},
		],
	},
];

interface CreatePlan {
	itemIndex: number;
	ref: MailboxRef;
	parent?: LocatorInput;
	names: string[];
	returnExisting: boolean;
	hidden: boolean;
}

function planFor(ctx: IExecuteFunctions, itemIndex: number): CreatePlan {
	const ref = mailboxOf(ctx, itemIndex);
	const parent =
		ctx.getNodeParameter('parent', itemIndex, 'root') === 'folder'
			? readFolderLocator(ctx, itemIndex, 'parentFolderId', 'Parent Folder')
			: undefined;
	const text = textOf(ctx.getNodeParameter('name', itemIndex, ''));
	const parsed = parseFolderPath(text);
	if ('problem' in parsed)
		throw fieldError(
			ctx.getNode(),
			itemIndex,
			'Name or Path',
			text.trim() === '' ? 'is empty' : `"${text}" ${parsed.problem}`,
			'Enter a folder name, or names separated by / (e.g. Projects/2026/Invoices); write \\/ for a / inside a name.',
		);
	const options: IDataObject = ctx.getNodeParameter('options', itemIndex, {});
	return {
		itemIndex,
		ref,
		parent,
		names: parsed.segments,
		returnExisting: options.returnExisting === true,
		hidden: options.hidden === true,
	};
}

async function createPath(
	ctx: IExecuteFunctions,
	client: GraphClient,
	creator: FolderCreator,
	plan: CreatePlan,
): Promise<FolderResult> {
	const node = ctx.getNode();
	let parentSegment = plan.parent
		? await folderSegmentOf(
				node,
				client,
				plan.ref,
				plan.parent.locator,
				plan.itemIndex,
				'Parent Folder',
			)
		: ROOT_FOLDER;
	const last = plan.names.length - 1;
	for (const [level, name] of plan.names.entries()) {
		if (level === last) {
			return plan.returnExisting
				? await creator.findOrCreate(plan.ref, parentSegment, name, plan.hidden, plan.itemIndex)
				: await creator.create(plan.ref, parentSegment, name, plan.hidden, plan.itemIndex, false);
		}
		// Folders on the way: the existing ones are used, missing ones created (visible).
		const { folder } = await creator.findOrCreate(
			plan.ref,
			parentSegment,
			name,
			false,
			plan.itemIndex,
		);
		parentSegment = idSegment(node, textOf(folder.id), 'Folder ID', plan.itemIndex);
	}
	throw new Error('A folder path has at least one name');
}

/**
 * Create: a folder, or a path of folders created as needed, under the top of the mailbox or a
 * folder. Every item is checked first; items run four at a time, and items asking for the same
 * folders share one lookup or creation (findOrCreate.ts).
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	client: GraphClient,
): Promise<INodeExecutionData[]> {
	const plans: Array<CreatePlan | INodeExecutionData> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			plans.push(planFor(this, itemIndex));
		} catch (error) {
			plans.push(errorItemOrThrow(this, error, itemIndex));
		}
	}
	const creator = new FolderCreator(this.getNode(), client);
	const ancestry = new FolderAncestry(this.getNode(), client);
	return await mapLimited(plans, 4, async (plan): Promise<INodeExecutionData> => {
		if ('json' in plan) return plan;
		try {
			const { folder, created } = await createPath(this, client, creator, plan);
			const path = await ancestry.pathOf(plan.ref, folder, plan.itemIndex);
			return {
				json: folderOutput(folder, { path, created }),
				pairedItem: { item: plan.itemIndex },
			};
		} catch (error) {
			return errorItemOrThrow(this, error, plan.itemIndex);
		}
	});
}

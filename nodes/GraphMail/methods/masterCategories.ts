import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { mailboxInEditor } from '../read/mailbox';
import { GraphClient } from '../transport/graphClient';
import { collect } from '../transport/paging';

interface OutlookCategory {
	displayName?: string;
	color?: string;
}

/** Update's Categories: the mailbox's master categories (outlookuser-list-mastercategories.md), by name. */
export async function getMasterCategories(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	const ref = mailboxInEditor(this);
	const client = await GraphClient.create(this);
	const categories = await collect<OutlookCategory>(
		client,
		{ path: `${ref.base}/outlook/masterCategories`, mailbox: ref.mailbox },
		{ sendTop: false },
	);
	return categories
		.filter((category) => typeof category.displayName === 'string' && category.displayName !== '')
		.map((category) => ({
			name: category.displayName!,
			value: category.displayName!,
			description: category.color && category.color !== 'none' ? `Color: ${category.color}` : undefined,
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
}

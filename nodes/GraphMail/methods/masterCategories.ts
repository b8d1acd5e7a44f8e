import {
	NodeOperationError,
	type ILoadOptionsFunctions,
	type INodePropertyOptions,
} from 'n8n-workflow';

import { asNodeError } from '../helpers/nodeError';
import { mailboxInEditor } from '../read/mailbox';
import { GraphClient } from '../transport/graphClient';
import { graphDetailsOf } from '../transport/graphError';
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
	let categories: OutlookCategory[];
	try {
		categories = await collect<OutlookCategory>(
			client,
			{ path: `${ref.base}/outlook/masterCategories`, mailbox: ref.mailbox },
			{ sendTop: false },
		);
	} catch (error) {
		// Reading the list needs MailboxSettings.Read; credentials connected before it was a default lack it.
		if (graphDetailsOf(error)?.status === 403)
			throw new NodeOperationError(
				this.getNode(),
				"Graph refused to list the mailbox's categories",
				{
					description:
						'Listing categories needs the MailboxSettings.Read permission: reconnect the credential (it asks for it now). Category names can also be typed in an expression.',
				},
			);
		throw asNodeError(this.getNode(), error);
	}
	return categories
		.filter((category) => typeof category.displayName === 'string' && category.displayName !== '')
		.map((category) => ({
			name: category.displayName!,
			value: category.displayName!,
			description:
				category.color && category.color !== 'none' ? `Color: ${category.color}` : undefined,
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
}

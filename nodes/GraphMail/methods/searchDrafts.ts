import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { IMMUTABLE_ID_HEADERS } from '../transport/graphClient';
import { searchMessageList, subjectOf } from './searchMessages';

function nameOf(draft: IDataObject): string {
	const subject = subjectOf(draft);
	const to = (draft.toRecipients as Array<{ emailAddress?: { address?: string } }> | undefined)
		?.map((recipient) => recipient.emailAddress?.address)
		.filter(Boolean);
	const changed =
		typeof draft.lastModifiedDateTime === 'string'
			? draft.lastModifiedDateTime.slice(0, 16).replace('T', ' ')
			: '';
	const about = [to?.length ? `to ${to.join(', ')}` : '', changed].filter(Boolean).join(', ');
	return about ? `${subject} (${about})` : subject;
}

/**
 * List search of the Draft picker: the Drafts folder's most recently changed drafts, or those the
 * search text finds. Immutable ids, so a picked draft keeps its id once it is sent.
 */
export async function searchDrafts(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	return await searchMessageList(this, filter, {
		path: '/mailFolders/drafts/messages',
		select: 'id,subject,toRecipients,lastModifiedDateTime',
		newestBy: 'lastModifiedDateTime',
		headers: IMMUTABLE_ID_HEADERS,
		nameOf,
	});
}

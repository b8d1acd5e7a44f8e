import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { mailboxInEditor } from '../read/mailbox';
import { kqlPhrase, kqlProblem, searchParameter } from '../helpers/kql';
import { GraphClient, IMMUTABLE_ID_HEADERS } from '../transport/graphClient';
import { MESSAGE_LIST_SIZE } from './searchMessages';

function nameOf(draft: IDataObject): string {
	const subject =
		typeof draft.subject === 'string' && draft.subject.trim()
			? draft.subject.trim()
			: '(no subject)';
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
	const ref = mailboxInEditor(this);
	const client = await GraphClient.create(this);
	const text = (filter ?? '').trim();
	const qs: IDataObject = {
		$select: 'id,subject,toRecipients,lastModifiedDateTime',
		$top: MESSAGE_LIST_SIZE,
	};
	if (text) qs.$search = kqlProblem(text) ? kqlPhrase(kqlPhrase(text)) : searchParameter(text);
	else qs.$orderby = 'lastModifiedDateTime desc';
	const { body } = await client.request<{ value?: IDataObject[] }>({
		method: 'GET',
		path: `${ref.base}/mailFolders/drafts/messages`,
		qs,
		headers: IMMUTABLE_ID_HEADERS,
		mailbox: ref.mailbox,
	});
	const results = (body.value ?? [])
		.filter((draft) => typeof draft.id === 'string')
		.map((draft) => ({ name: nameOf(draft), value: draft.id as string }));
	return { results };
}

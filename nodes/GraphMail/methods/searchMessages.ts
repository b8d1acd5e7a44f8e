import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { mailboxInEditor } from '../read/mailbox';
import { kqlPhrase, kqlProblem, searchParameter } from '../helpers/kql';
import { GraphClient } from '../transport/graphClient';

/** Messages the list shows: the newest, or the best matches of the search. */
export const MESSAGE_LIST_SIZE = 50;

function nameOf(message: IDataObject): string {
	const subject = typeof message.subject === 'string' && message.subject.trim() ? message.subject.trim() : '(no subject)';
	const from = (message.from as { emailAddress?: { name?: string; address?: string } } | undefined)?.emailAddress;
	const sender = from?.name || from?.address;
	const received = typeof message.receivedDateTime === 'string' ? message.receivedDateTime.slice(0, 16).replace('T', ' ') : '';
	const about = [sender, received].filter(Boolean).join(', ');
	return about ? `${subject} (${about})` : subject;
}

/**
 * List search of Get's Message resource locator: the mailbox's newest messages, or those the
 * search text finds (Graph's `$search`, which sorts by relevance and takes no `$orderby`).
 */
export async function searchMessages(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const ref = mailboxInEditor(this);
	const client = await GraphClient.create(this);
	const text = (filter ?? '').trim();
	const qs: IDataObject = { $select: 'id,subject,from,receivedDateTime', $top: MESSAGE_LIST_SIZE };
	if (text) qs.$search = kqlProblem(text) ? kqlPhrase(kqlPhrase(text)) : searchParameter(text);
	else qs.$orderby = 'receivedDateTime desc';
	const { body } = await client.request<{ value?: IDataObject[] }>({ method: 'GET', path: `${ref.base}/messages`, qs, mailbox: ref.mailbox });
	const results = (body.value ?? [])
		.filter((message) => typeof message.id === 'string')
		.map((message) => ({ name: nameOf(message), value: message.id as string }));
	return { results };
}

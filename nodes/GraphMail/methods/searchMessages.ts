import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { mailboxInEditor } from '../read/mailbox';
import { kqlPhrase, kqlProblem, searchParameter } from '../helpers/kql';
import { GraphClient } from '../transport/graphClient';

/** Messages the list shows: the newest, or the best matches of the search. */
export const MESSAGE_LIST_SIZE = 50;

/** A message's subject for a list entry. */
export function subjectOf(message: IDataObject): string {
	return typeof message.subject === 'string' && message.subject.trim()
		? message.subject.trim()
		: '(no subject)';
}

/** Which messages a picker lists and how it names them. */
export interface MessageList {
	/** Below the mailbox's base: `/messages`, `/mailFolders/drafts/messages`. */
	path: string;
	select: string;
	/** The date the list is newest first by when there is no search text. */
	newestBy: string;
	headers?: Record<string, string>;
	nameOf(message: IDataObject): string;
}

/** A picker's list: the newest messages, or those the search text finds (`$search`, no `$orderby`). */
export async function searchMessageList(
	ctx: ILoadOptionsFunctions,
	filter: string | undefined,
	list: MessageList,
): Promise<INodeListSearchResult> {
	const ref = mailboxInEditor(ctx);
	const client = await GraphClient.create(ctx);
	const text = (filter ?? '').trim();
	const qs: IDataObject = { $select: list.select, $top: MESSAGE_LIST_SIZE };
	if (text) qs.$search = kqlProblem(text) ? kqlPhrase(kqlPhrase(text)) : searchParameter(text);
	else qs.$orderby = `${list.newestBy} desc`;
	const { body } = await client.request<{ value?: IDataObject[] }>({
		method: 'GET',
		path: `${ref.base}${list.path}`,
		qs,
		...(list.headers ? { headers: list.headers } : {}),
		mailbox: ref.mailbox,
	});
	const results = (body.value ?? [])
		.filter((message) => typeof message.id === 'string')
		.map((message) => ({ name: list.nameOf(message), value: message.id as string }));
	return { results };
}

function nameOf(message: IDataObject): string {
	const subject = subjectOf(message);
	const from = (message.from as { emailAddress?: { name?: string; address?: string } } | undefined)
		?.emailAddress;
	const sender = from?.name || from?.address;
	const received =
		typeof message.receivedDateTime === 'string'
			? message.receivedDateTime.slice(0, 16).replace('T', ' ')
			: '';
	const about = [sender, received].filter(Boolean).join(', ');
	return about ? `${subject} (${about})` : subject;
}

/**
 * List search of Get's Message resource locator: the mailbox's newest messages, or those the
 * search text finds (Graph's `$search`, which sorts by relevance and takes no `$orderby`).
 */
export async function searchMessages(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	return await searchMessageList(this, filter, {
		path: '/messages',
		select: 'id,subject,from,receivedDateTime',
		newestBy: 'receivedDateTime',
		nameOf,
	});
}

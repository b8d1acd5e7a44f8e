import type { GraphClient } from './graphClient';
import {
	executeBatch,
	type BatchOptions,
	type BatchSubRequest,
	type BatchSubResult,
} from './batch';

/** One sub-request and the mailbox it goes to (`me`, a user id or UPN). */
export interface MailboxRequest {
	mailbox: string;
	request: BatchSubRequest;
}

/**
 * Requests to several mailboxes through `$batch`: grouped by mailbox (case-insensitive), each
 * mailbox's share as serial chains within its adaptive limit, the mailboxes at once. The results
 * come back in input order; `onResult` is told the input index.
 */
export async function executeBatchPerMailbox(
	client: GraphClient,
	entries: readonly MailboxRequest[],
	options: Omit<BatchOptions, 'serial'> = {},
): Promise<BatchSubResult[]> {
	const byMailbox = new Map<string, number[]>();
	entries.forEach((entry, index) => {
		const key = entry.mailbox.toLowerCase();
		const indexes = byMailbox.get(key);
		if (indexes) indexes.push(index);
		else byMailbox.set(key, [index]);
	});
	const results = new Array<BatchSubResult>(entries.length);
	await Promise.all(
		[...byMailbox.values()].map(async (indexes) => {
			const { onResult } = options;
			const answers = await executeBatch(
				client,
				entries[indexes[0]!]!.mailbox,
				indexes.map((index) => entries[index]!.request),
				{
					...options,
					serial: true,
					onResult: onResult && ((i, result) => onResult(indexes[i]!, result)),
				},
			);
			indexes.forEach((index, i) => {
				results[index] = answers[i] ?? {
					kind: 'uncertain',
					reason: 'the $batch run gave no result for this request',
				};
			});
		}),
	);
	return results;
}

/**
 * Small requests of many items (reads, deletes, a PATCH, a draft's send) through `$batch`: grouped
 * by mailbox, each mailbox's requests as serial chains within its adaptive limit, mailboxes in
 * parallel. The result of each item's request, by item index.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { itemMessage } from '../helpers/itemText';
import type { BatchSubRequest, BatchSubResult } from '../transport/batch';
import { executeBatchPerMailbox } from '../transport/batchPerMailbox';
import type { GraphClient } from '../transport/graphClient';
import { graphApiError, graphErrorDetails, type GraphErrorDetails } from '../transport/graphError';

export interface ItemRequest {
	itemIndex: number;
	/** `me` or a user id / UPN. */
	mailbox: string;
	request: BatchSubRequest;
}

export async function batchPerMailbox(
	client: GraphClient,
	requests: ItemRequest[],
): Promise<Map<number, BatchSubResult>> {
	const answers = await executeBatchPerMailbox(client, requests);
	return new Map(requests.map((entry, i) => [entry.itemIndex, answers[i]!]));
}

/** Whether a sub-request was answered with success. */
export function succeeded(
	result: BatchSubResult | undefined,
): result is Extract<BatchSubResult, { kind: 'response' }> {
	return result?.kind === 'response' && result.status >= 200 && result.status < 300;
}

/** Graph's details of a failed sub-request (status and code, or why there was no answer). */
export function failureDetails(result: BatchSubResult | undefined): GraphErrorDetails {
	if (result?.kind === 'response')
		return graphErrorDetails({ status: result.status, headers: result.headers, body: result.body });
	if (result?.kind === 'failed') return result.details;
	return {
		code: 'NoAnswer',
		message: result?.kind === 'uncertain' ? result.reason : 'the request was not sent',
		uncertain: result?.kind === 'uncertain',
	};
}

/** A failed sub-request as the item's error (`message` replaces Graph's words when given). */
export function itemFailure(
	ctx: IExecuteFunctions,
	result: BatchSubResult | undefined,
	itemIndex: number,
	message?: string,
	description?: string,
) {
	const details = failureDetails(result);
	return graphApiError(ctx.getNode(), details, {
		itemIndex,
		message: itemMessage(message ?? `${details.code}: ${details.message}`, itemIndex),
		description,
	});
}

/** The HTTP status Graph answered a sub-request with, if it answered. */
export function statusOf(result: BatchSubResult | undefined): number | undefined {
	return result?.kind === 'response' ? result.status : undefined;
}

/** The item's error for a failed sub-request; a 404 in the operation's words (`notFound`). */
export function failureOf(
	ctx: IExecuteFunctions,
	result: BatchSubResult | undefined,
	itemIndex: number,
	notFound: string,
	notFoundDescription?: string,
) {
	return statusOf(result) === 404
		? itemFailure(ctx, result, itemIndex, notFound, notFoundDescription)
		: itemFailure(ctx, result, itemIndex);
}

import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { forgetFolderLookups } from '../../read/folderResolver';
import type { MailboxRef } from '../../read/mailbox';
import type { BatchSubRequest, BatchSubResult } from '../../transport/batch';
import { executeBatchPerMailbox } from '../../transport/batchPerMailbox';
import type { GraphClient } from '../../transport/graphClient';
import { graphErrorDetails } from '../../transport/graphError';
import { itemErrorOrThrow, runItems, type ItemResult } from '../itemResults';
import type { Operation } from '../operation';
import { folderError, uncertainError } from './errors';
import { folderItem, segmentOf, type LocatorInput } from './locatorInput';

/**
 * The shape of Get, Rename, Move and Delete: every item's fields are checked first (a bad item
 * costs no request), then each item's folders are resolved (paths looked up once per execution),
 * then the items' requests go per mailbox as serial `$batch` chains within the mailbox's adaptive
 * limit (transport/batch.ts, as the message actions), and the results come back in input order.
 */

export interface Prepared {
	itemIndex: number;
	ref: MailboxRef;
}

/** An item's request and what its output is from Graph's 2xx answer. */
export interface FolderRequest {
	request: BatchSubRequest;
	done(body: IDataObject): IDataObject | Promise<IDataObject>;
}

/** An item of an operation on one folder: its mailbox and its Folder as given (`label` for messages). */
export type FolderItem = Prepared & LocatorInput;

type FolderJob = FolderItem & FolderRequest;

export interface FolderSteps<X extends object> {
	/** What happened to the folder, for messages: `renamed`, `moved`, `deleted`, `read`. */
	action: string;
	/** Whether the operation changes folders (then this execution's path lookups are forgotten). */
	changes: boolean;
	/**
	 * The operation's own fields of one item, read and checked after its mailbox and Folder; throws
	 * a NodeOperationError naming item and field.
	 */
	fields?(itemIndex: number): X;
	/** The item's request, its Folder resolved to `segment` (its other folders resolved here). */
	job(item: FolderItem & X, segment: string): FolderRequest | Promise<FolderRequest>;
}

/** An operation's `execute` from its steps (made per execution, with its context and client). */
export function folderOperation<X extends object = object>(
	stepsFor: (ctx: IExecuteFunctions, client: GraphClient) => FolderSteps<X>,
): Operation['execute'] {
	return async function (
		this: IExecuteFunctions,
		items: INodeExecutionData[],
		client: GraphClient,
	) {
		return await executeFolderJobs(this, items, client, stepsFor(this, client));
	};
}

export async function executeFolderJobs<X extends object = object>(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	client: GraphClient,
	steps: FolderSteps<X>,
): Promise<INodeExecutionData[]> {
	const prepare = (itemIndex: number): FolderItem & X => ({
		...folderItem(ctx, itemIndex),
		...(steps.fields?.(itemIndex) as X),
	});
	return await runItems(ctx, items, prepare, async (prepared) => {
		const results = new Array<ItemResult>(prepared.length);
		const jobs: Array<{ at: number; job: FolderJob }> = [];
		for (const [at, item] of prepared.entries()) {
			try {
				const segment = await segmentOf(ctx, client, item, item, 'Folder');
				jobs.push({ at, job: { ...item, ...(await steps.job(item, segment)) } });
			} catch (error) {
				results[at] = itemErrorOrThrow(ctx, error, item.itemIndex);
			}
		}
		const answers = await executeBatchPerMailbox(
			client,
			jobs.map(({ job }) => ({ mailbox: job.ref.mailbox, request: job.request })),
		);
		if (steps.changes)
			for (const ref of uniqueMailboxes(jobs.map(({ job }) => job.ref)))
				forgetFolderLookups(client, ref);
		for (const [i, { at, job }] of jobs.entries())
			results[at] = await outcomeOf(ctx, steps.action, job, answers[i]!);
		return results;
	});
}

function uniqueMailboxes(refs: MailboxRef[]): MailboxRef[] {
	const byKey = new Map(refs.map((ref) => [ref.mailbox.toLowerCase(), ref]));
	return [...byKey.values()];
}

/** The item's output from Graph's answer, or its error in the folder operations' words. */
async function outcomeOf(
	ctx: IExecuteFunctions,
	action: string,
	job: FolderJob,
	result: BatchSubResult,
): Promise<ItemResult> {
	const node = ctx.getNode();
	if (result.kind === 'response' && result.status < 300) {
		try {
			return await job.done((result.body ?? {}) as IDataObject);
		} catch (failure) {
			return failure as Error;
		}
	}
	if (result.kind === 'response') {
		const details = graphErrorDetails({
			status: result.status,
			headers: result.headers,
			body: result.body,
		});
		return folderError(node, details, job.itemIndex, job.label, action);
	}
	if (result.kind === 'uncertain')
		return uncertainError(node, job.itemIndex, job.label, action, result.reason);
	if (result.kind === 'failed')
		return folderError(node, result.details, job.itemIndex, job.label, action);
	return uncertainError(node, job.itemIndex, job.label, action, 'it was not sent');
}

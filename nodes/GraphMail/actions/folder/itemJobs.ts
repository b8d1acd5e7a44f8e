import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { forgetFolderLookups } from '../../read/folderResolver';
import type { MailboxRef } from '../../read/mailbox';
import { executeBatch, type BatchSubRequest } from '../../transport/batch';
import type { GraphClient } from '../../transport/graphClient';
import { graphErrorDetails } from '../../transport/graphError';
import { errorItemOrThrow } from '../itemErrors';
import { folderError, uncertainError } from './errors';

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

export interface FolderJob {
	itemIndex: number;
	ref: MailboxRef;
	/** The folder as the user gave it, for messages. */
	label: string;
	request: BatchSubRequest;
	/** The item's output from Graph's 2xx answer. */
	done(body: IDataObject): IDataObject | Promise<IDataObject>;
}

export interface FolderSteps<P extends Prepared> {
	/** What happened to the folder, for messages: `renamed`, `moved`, `deleted`, `read`. */
	action: string;
	/** Whether the operation changes folders (then this execution's path lookups are forgotten). */
	changes: boolean;
	/** Reads and checks one item's fields; throws a NodeOperationError naming item and field. */
	prepare(itemIndex: number): P;
	/** The item's request, its folders resolved. */
	job(prepared: P): Promise<FolderJob>;
}

export async function executeFolderJobs<P extends Prepared>(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	client: GraphClient,
	steps: FolderSteps<P>,
): Promise<INodeExecutionData[]> {
	const output = new Array<INodeExecutionData[]>(items.length);
	const prepared: P[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			prepared.push(steps.prepare(itemIndex));
		} catch (error) {
			output[itemIndex] = [errorItemOrThrow(ctx, error, itemIndex)];
		}
	}
	const jobs: FolderJob[] = [];
	for (const item of prepared) {
		try {
			jobs.push(await steps.job(item));
		} catch (error) {
			output[item.itemIndex] = [errorItemOrThrow(ctx, error, item.itemIndex)];
		}
	}
	const byMailbox = new Map<string, FolderJob[]>();
	for (const job of jobs) {
		const key = job.ref.mailbox.toLowerCase();
		byMailbox.set(key, [...(byMailbox.get(key) ?? []), job]);
	}
	const node = ctx.getNode();
	await Promise.all(
		[...byMailbox.values()].map(async (group) => {
			const results = await executeBatch(
				client,
				group[0]!.ref.mailbox,
				group.map((job) => job.request),
				{ serial: true },
			);
			if (steps.changes) forgetFolderLookups(client, group[0]!.ref);
			for (const [i, result] of results.entries()) {
				const job = group[i]!;
				let error: Error | undefined;
				if (result.kind === 'response' && result.status < 300) {
					try {
						const body = (result.body ?? {}) as IDataObject;
						output[job.itemIndex] = [
							{ json: await job.done(body), pairedItem: { item: job.itemIndex } },
						];
						continue;
					} catch (failure) {
						error = failure as Error;
					}
				} else if (result.kind === 'response') {
					const details = graphErrorDetails({
						status: result.status,
						headers: result.headers,
						body: result.body,
					});
					error = folderError(node, details, job.itemIndex, job.label, steps.action);
				} else if (result.kind === 'uncertain') {
					error = uncertainError(node, job.itemIndex, job.label, steps.action, result.reason);
				} else if (result.kind === 'failed') {
					error = folderError(node, result.details, job.itemIndex, job.label, steps.action);
				} else {
					error = uncertainError(node, job.itemIndex, job.label, steps.action, 'it was not sent');
				}
				output[job.itemIndex] = [errorItemOrThrow(ctx, error, job.itemIndex)];
			}
		}),
	);
	return output.flat();
}

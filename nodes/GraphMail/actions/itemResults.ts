/**
 * The shape of the operations that check every item before they write: the first problem stops
 * the node before any request (unless Continue On Fail), and the results come back in input
 * order, errors as error items.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { mapLimited } from '../helpers/concurrency';
import { withSentence } from '../helpers/nodeError';
import type { GraphClient } from '../transport/graphClient';
import { errorItemOrThrow } from './itemErrors';
import type { Operation } from './operation';

/** Throws the first problem (with `sentence`, e.g. "Nothing was sent.") unless Continue On Fail. */
export function stopAtFirstProblem(
	ctx: IExecuteFunctions,
	entries: ReadonlyArray<unknown>,
	sentence: string,
): void {
	const first = entries.find((entry): entry is Error => entry instanceof Error);
	if (first && !ctx.continueOnFail())
		throw withSentence(first as Error & { description?: string | null }, sentence);
}

/** The item's output: its JSON, or its error (thrown without Continue On Fail). */
function outputOf(
	ctx: IExecuteFunctions,
	result: IDataObject | Error | undefined,
	itemIndex: number,
	missing: string,
): INodeExecutionData {
	return result instanceof Error || result === undefined
		? errorItemOrThrow(ctx, result ?? new Error(missing), itemIndex)
		: { json: result, pairedItem: { item: itemIndex } };
}

/** One output item per input item: its JSON, or its error (thrown without Continue On Fail). */
export function outputsOf(
	ctx: IExecuteFunctions,
	results: ReadonlyArray<IDataObject | Error | undefined>,
	count: number,
): INodeExecutionData[] {
	return Array.from({ length: count }, (_unused, itemIndex) =>
		outputOf(ctx, results[itemIndex], itemIndex, 'The item was not processed'),
	);
}

/** What acting on the planned items gave, one entry per plan: the output JSON, or the item's error. */
export type ItemResult = IDataObject | Error;

/**
 * The frame of Move, Copy, Update and Delete (and the folder operations): every item is planned
 * first (its fields read and checked), so a bad item is an error before any request; then all
 * planned items are acted on at once (in bulk); results come back in input order. Without
 * Continue On Fail the first error (in item order) stops the node; with it, each failed item is an
 * error item and the rest go on.
 */
export async function runItems<P extends { itemIndex: number }>(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	plan: (itemIndex: number) => P | Promise<P>,
	act: (plans: P[], options: { stopOnFailure: boolean }) => Promise<ItemResult[]>,
): Promise<INodeExecutionData[]> {
	const output = new Array<INodeExecutionData>(items.length);
	const plans: P[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			plans.push(await plan(itemIndex));
		} catch (error) {
			output[itemIndex] = errorItemOrThrow(ctx, error, itemIndex);
		}
	}
	const results = plans.length ? await act(plans, { stopOnFailure: !ctx.continueOnFail() }) : [];
	plans.forEach(({ itemIndex }, i) => {
		output[itemIndex] = outputOf(ctx, results[i], itemIndex, 'No result');
	});
	return output;
}

/** What runItems needs: how to plan one item, and how to act on the planned items. */
export interface ItemSteps<P extends { itemIndex: number }> {
	plan(itemIndex: number): P | Promise<P>;
	act(plans: P[], options: { stopOnFailure: boolean }): Promise<ItemResult[]>;
}

/** An operation's `execute` through runItems, its steps made per execution (context and client). */
export function itemsOperation<P extends { itemIndex: number }>(
	stepsFor: (ctx: IExecuteFunctions, client: GraphClient) => ItemSteps<P>,
): Operation['execute'] {
	return async function (
		this: IExecuteFunctions,
		items: INodeExecutionData[],
		client: GraphClient,
	) {
		const steps = stepsFor(this, client);
		return await runItems(
			this,
			items,
			async (itemIndex) => await steps.plan(itemIndex),
			async (plans, options) => await steps.act(plans, options),
		);
	};
}

/**
 * An item's error inside a frame's work: without Continue On Fail it stops the node at once
 * (naming the item); with it, it is the item's result.
 */
export function itemErrorOrThrow(ctx: IExecuteFunctions, error: unknown, itemIndex: number): Error {
	if (!ctx.continueOnFail()) errorItemOrThrow(ctx, error, itemIndex);
	return error instanceof Error ? error : new Error(String(error));
}

/**
 * `task` over the entries, `limit` at a time, in input order: an entry that is already an Error
 * stays one, and a task that throws gives its error (the other items go on).
 */
export async function settleEach<T, R>(
	entries: readonly T[],
	limit: number,
	task: (entry: Exclude<T, Error>) => Promise<R>,
): Promise<Array<R | Error>> {
	return await mapLimited([...entries], limit, async (entry) => {
		if (entry instanceof Error) return entry;
		try {
			return await task(entry as Exclude<T, Error>);
		} catch (error) {
			return error instanceof Error ? error : new Error(String(error));
		}
	});
}

/**
 * The frame of Draft > Create and Attachment > Add: every item is checked first (`check` gives its
 * entry or its problem) and the first problem stops the node with `sentence` (unless Continue On
 * Fail); then `task` runs for each good entry, `limit` at a time. Results in input order.
 */
export async function checkThenSettle<T>(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	sentence: string,
	check: (item: INodeExecutionData, itemIndex: number) => Promise<T | Error>,
	limit: number,
	task: (entry: Exclude<T, Error>) => Promise<IDataObject>,
	/** Work done for all good entries at once before the tasks (e.g. their small requests in `$batch`). */
	before?: (entries: Array<Exclude<T, Error>>) => Promise<void>,
): Promise<INodeExecutionData[]> {
	const checked: Array<T | Error> = [];
	for (const [itemIndex, item] of items.entries()) checked.push(await check(item, itemIndex));
	stopAtFirstProblem(ctx, checked, sentence);
	await before?.(checked.filter((entry): entry is Exclude<T, Error> => !(entry instanceof Error)));
	const results = await settleEach<T | Error, IDataObject>(checked, limit, task);
	return outputsOf(ctx, results, items.length);
}

/**
 * The frame of the listing operations (Get Many of messages, of folders): every item planned first
 * (a refused combination costs no request), then listed one item after the other, each giving any
 * number of output items; a failed item is an error item (or stops the node).
 */
export async function planThenList<P extends { itemIndex: number }>(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	plan: (itemIndex: number) => P,
	list: (plan: P) => Promise<INodeExecutionData[]>,
): Promise<INodeExecutionData[]> {
	const plans: Array<P | INodeExecutionData> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			plans.push(plan(itemIndex));
		} catch (error) {
			plans.push(errorItemOrThrow(ctx, error, itemIndex));
		}
	}
	const output: INodeExecutionData[] = [];
	for (const entry of plans) {
		if ('json' in entry) {
			output.push(entry);
			continue;
		}
		try {
			output.push(...(await list(entry)));
		} catch (error) {
			output.push(errorItemOrThrow(ctx, error, entry.itemIndex));
		}
	}
	return output;
}

/**
 * The shape of the operations that check every item before they write: the first problem stops
 * the node before any request (unless Continue On Fail), and the results come back in input
 * order, errors as error items.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { mapLimited } from '../helpers/concurrency';
import { withSentence } from '../helpers/nodeError';
import { errorItemOrThrow } from './itemErrors';

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

/** One output item per input item: its JSON, or its error (thrown without Continue On Fail). */
export function outputsOf(
	ctx: IExecuteFunctions,
	results: ReadonlyArray<IDataObject | Error | undefined>,
	count: number,
): INodeExecutionData[] {
	return Array.from({ length: count }, (_unused, itemIndex) => {
		const result = results[itemIndex];
		return result instanceof Error || result === undefined
			? errorItemOrThrow(ctx, result ?? new Error('The item was not processed'), itemIndex)
			: { json: result, pairedItem: { item: itemIndex } };
	});
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

import type {
	IDataObject,
	INodeExecutionData,
	IPollFunctions,
	ITriggerFunctions,
} from 'n8n-workflow';

import { mapLimited } from '../GraphMail/helpers/concurrency';
import { buildListQuery } from '../GraphMail/helpers/odata';
import { GraphClient } from '../GraphMail/transport/graphClient';
import { requestHeaders, resolveFolderPlans, type TriggerPlan } from './config';
import { asListFilters, matchesFilters } from './filters';
import { toItems } from './output';

const receivedAt = (message: IDataObject): number => {
	const value =
		typeof message.receivedDateTime === 'string'
			? Date.parse(message.receivedDateTime)
			: Number.NaN;
	return Number.isFinite(value) ? value : Number.NEGATIVE_INFINITY;
};

/**
 * The manual test run ("Fetch Test Event"): the newest message matching the filters across the
 * folders, listed newest first with the filters in `$filter` (as Get Many builds them), one
 * request per folder. Reads only: the static data and its delta cursors are not touched, so
 * testing never costs the active workflow a message.
 */
export async function newestMatching(
	ctx: IPollFunctions | ITriggerFunctions,
	entered: TriggerPlan,
): Promise<INodeExecutionData[][] | null> {
	const client = await GraphClient.create(ctx);
	const plan = await resolveFolderPlans(ctx.getNode(), client, entered);
	const qs: IDataObject = {
		...buildListQuery(asListFilters(plan.filters), 'newest'),
		$top: 1,
		...(plan.select ? { $select: plan.select.join(',') } : {}),
	};
	const headers = requestHeaders(plan, false);
	const lists = await mapLimited(plan.folders, 4, async (folder) => {
		const response = await client.request<{ value?: IDataObject[] }>({
			method: 'GET',
			path: folder.messagesPath,
			qs,
			headers,
			mailbox: plan.ref.mailbox,
		});
		return Array.isArray(response.body?.value) ? response.body.value : [];
	});
	let newest: IDataObject | undefined;
	for (const message of lists.flat()) {
		if (!matchesFilters(plan.filters, message)) continue;
		if (newest === undefined || receivedAt(message) > receivedAt(newest)) newest = message;
	}
	if (newest === undefined) return null;
	return [await toItems(ctx, client, plan, [newest])];
}

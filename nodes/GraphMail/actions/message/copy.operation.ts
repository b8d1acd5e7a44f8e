import type { IDataObject } from 'n8n-workflow';

import { copyRequest, readRequest } from '../../bulk/changeRequests';
import { runChanges, type ChangeOutcome } from '../../bulk/messageChanges';
import { odataString } from '../../helpers/odata';
import type { GraphClient } from '../../transport/graphClient';
import { IMMUTABLE_ID_HEADERS } from '../../transport/graphClient';
import { outcomeError } from './bulk/errors';
import { ActionLedger } from './bulk/ledger';
import { planRelocation, relocateProperties, type RelocatePlan } from './bulk/relocate';
import { itemsOperation } from '../itemResults';

export const properties = relocateProperties('copy');

const copyOf = (plan: RelocatePlan) => ({
	mailbox: plan.ref.mailbox,
	request: copyRequest(plan.ref.base, plan.segment, plan.destination),
	// Twice is two copies: a lost answer is checked (findCopies), never blindly repeated.
	repeatable: false,
});

/**
 * After a lost answer: the copy, if it was made, is in the destination with the original's
 * internetMessageId (a copy keeps it). Reads the originals' internetMessageIds, then looks in each
 * destination; both in bulk. Returns the copy found per plan (or undefined).
 */
async function findCopies(
	client: GraphClient,
	plans: RelocatePlan[],
): Promise<Array<IDataObject | undefined>> {
	const originals = await runChanges(
		client,
		plans.map((plan) => ({
			mailbox: plan.ref.mailbox,
			request: readRequest(plan.ref.base, plan.segment, 'internetMessageId'),
			repeatable: true,
		})),
	);
	const lookups = plans.map((plan, i) => {
		const original = originals[i]!;
		const internetMessageId =
			original.kind === 'done'
				? (original.body.internetMessageId as string | undefined)
				: undefined;
		if (!internetMessageId) return undefined;
		const filter = `internetMessageId eq ${odataString(internetMessageId)}`;
		return {
			mailbox: plan.ref.mailbox,
			request: {
				method: 'GET' as const,
				url: `${plan.ref.base}/mailFolders/${plan.destinationSegment}/messages?$filter=${encodeURIComponent(filter)}&$select=id,parentFolderId,subject&$top=1`,
				headers: { ...IMMUTABLE_ID_HEADERS },
				idempotent: true,
			},
			repeatable: true,
		};
	});
	const asked = lookups.flatMap((lookup, i) => (lookup ? [{ lookup, i }] : []));
	const answers = await runChanges(
		client,
		asked.map(({ lookup }) => lookup),
	);
	const found = new Array<IDataObject | undefined>(plans.length);
	asked.forEach(({ i }, a) => {
		const answer = answers[a]!;
		const value = answer.kind === 'done' ? answer.body.value : undefined;
		found[i] = Array.isArray(value) ? (value[0] as IDataObject | undefined) : undefined;
	});
	return found;
}

/**
 * Copy: POST messages/{id}/copy for every item, through `$batch`; the output `id` is the copy's
 * (immutable) id. A lost answer is never answered by copying blindly again: the destination is
 * searched for the copy first (findCopies), and only where none is found is the copy made again.
 */
export const execute = itemsOperation((ctx, client) => ({
	plan: async (itemIndex) => await planRelocation(ctx, client, itemIndex),
	act: async (allPlans, options) => {
		// Copied by an earlier attempt at ctx work (Retry On Fail, a retried execution): not again.
		const ledger = ActionLedger.open(ctx);
		const copyKey = (plan: RelocatePlan) => `${plan.messageId}>${plan.destination}`;
		const earlier = allPlans.map((plan) => ledger.find('copy', plan.ref.mailbox, copyKey(plan)));
		const plans = allPlans.filter((_plan, i) => earlier[i] === undefined);
		const outcomes: ChangeOutcome[] = await runChanges(client, plans.map(copyOf), options);
		const lost = outcomes.flatMap((outcome, i) => (outcome.kind === 'uncertain' ? [i] : []));
		const foundAfterLoss = new Map<number, IDataObject>();
		if (lost.length) {
			const found = await findCopies(
				client,
				lost.map((i) => plans[i]!),
			);
			const again: number[] = [];
			lost.forEach((i, l) => {
				const copy = found[l];
				if (copy) foundAfterLoss.set(i, copy);
				else again.push(i);
			});
			const repeats = await runChanges(
				client,
				again.map((i) => copyOf(plans[i]!)),
				options,
			);
			again.forEach((i, r) => {
				outcomes[i] = repeats[r]!;
			});
		}
		const results = plans.map((plan, i) => {
			const outcome = outcomes[i]!;
			const copy = foundAfterLoss.get(i) ?? (outcome.kind === 'done' ? outcome.body : undefined);
			if (copy) {
				ledger.record(
					'copy',
					plan.ref.mailbox,
					copyKey(plan),
					typeof copy.id === 'string' ? copy.id : '',
				);
				return {
					id: copy.id,
					originalId: plan.messageId,
					parentFolderId: copy.parentFolderId,
					subject: copy.subject,
					status: 'copied',
				};
			}
			return outcomeError(ctx.getNode(), 'copy', plan.messageId, outcome, plan.itemIndex)!;
		});
		let next = 0;
		return allPlans.map((plan, i) =>
			earlier[i] === undefined
				? results[next++]!
				: { id: earlier[i], originalId: plan.messageId, status: 'alreadyCopied' },
		);
	},
}));

import type { IDataObject, INodeProperties, IPollFunctions, ITriggerFunctions } from 'n8n-workflow';

import { markReadRequest, moveRequest } from '../GraphMail/bulk/changeRequests';
import { runChanges, type MessageChange } from '../GraphMail/bulk/messageChanges';
import { idSegment } from '../GraphMail/helpers/pathSegment';
import { textOf } from '../GraphMail/helpers/valueText';
import { folderLocator, folderSegmentOf } from '../GraphMail/read/folderLocator';
import type { GraphClient } from '../GraphMail/transport/graphClient';
import type { TriggerPlan } from './config';

/**
 * What happens to a mail once the trigger has emitted it: left as it is, marked read, or moved.
 *
 * Never before it is emitted: a poll hands its items to n8n by returning them, together with the
 * new cursor (n8n saves both and starts the execution), so nothing can run after that inside the
 * same poll. The emitted messages are therefore written to the trigger's state as pending, in the
 * same commit as the cursor, and acted on (in bulk, through `$batch`) at the start of the next poll
 * -- the instant trigger starts that next round right after it emits. What fails stays pending and
 * is tried again at the next poll (up to MAX_TRIES times); a message gone meanwhile (404: moved or
 * deleted by someone) is dropped, as there is nothing left to do.
 */

export type AfterEmitAction = 'leave' | 'markRead' | 'move';

/** Polls a pending action is tried at most before it is given up (a refusal that does not pass). */
export const MAX_TRIES = 10;
/** Pending messages kept at most (a mailbox that refuses every change must not grow the state for ever). */
export const MAX_PENDING = 20_000;

export interface PendingGroup {
	action: 'markRead' | 'move';
	/** The destination folder's id or well-known name (move). */
	destination?: string;
	mailbox: string;
	base: string;
	/** [message id, polls tried]. */
	entries: Array<[string, number]>;
}

export const afterEmitProperties: INodeProperties[] = [
	{
		displayName: 'After Emitting',
		name: 'afterEmit',
		type: 'options',
		options: [
			{ name: 'Leave the Mail', value: 'leave', description: 'Do nothing to it' },
			{
				name: 'Mark as Read',
				value: 'markRead',
				description: 'Mark it read once the workflow has it',
			},
			{
				name: 'Move to Folder',
				value: 'move',
				description: 'Move it to a folder once the workflow has it',
			},
		],
		default: 'leave',
		description:
			'What happens to each mail after the trigger has emitted it. Never before: the mails of one poll are marked or moved in bulk at the start of the next poll (the instant trigger: right after it emits). A failure is tried again at the next poll; the mail is emitted either way. Not in a manual test run.',
	},
	{
		...folderLocator(
			'Move To',
			'afterEmitFolder',
			'The folder emitted mails are moved to (not one of the watched folders)',
		),
		displayOptions: { show: { afterEmit: ['move'] } },
	},
];

/** The trigger's setting, read once per poll. */
export function afterEmitAction(ctx: IPollFunctions | ITriggerFunctions): AfterEmitAction {
	const value = textOf(ctx.getNodeParameter('afterEmit', 'leave'));
	return value === 'markRead' || value === 'move' ? value : 'leave';
}

/** The pending group for this poll's emitted messages (undefined for Leave the Mail or none). */
export async function pendingFor(
	ctx: IPollFunctions | ITriggerFunctions,
	client: GraphClient,
	plan: TriggerPlan,
	messageIds: string[],
): Promise<PendingGroup | undefined> {
	const action = afterEmitAction(ctx);
	if (action === 'leave' || !messageIds.length) return undefined;
	const group: PendingGroup = {
		action,
		mailbox: plan.ref.mailbox,
		base: plan.ref.base,
		entries: messageIds.map((id) => [id, 0]),
	};
	if (action === 'move') {
		const segment = await folderSegmentOf(
			ctx.getNode(),
			client,
			plan.ref,
			ctx.getNodeParameter('afterEmitFolder', ''),
			0,
			'Move To folder',
		);
		group.destination = decodeURIComponent(segment);
	}
	return group;
}

/** Checks the setting before anything is read (a move into a watched folder would emit the mail again). */
export function afterEmitProblem(
	ctx: IPollFunctions | ITriggerFunctions,
	plan: TriggerPlan,
): string | undefined {
	if (afterEmitAction(ctx) !== 'move') return undefined;
	const raw = ctx.getNodeParameter('afterEmitFolder', '') as unknown;
	const value = textOf(raw && typeof raw === 'object' ? (raw as IDataObject).value : raw).trim();
	if (value === '') return 'After Emitting is Move to Folder, but no folder is set under Move To';
	if (plan.folders.some((folder) => folder.label.toLowerCase() === value.toLowerCase()))
		return `Move To is the watched folder "${value}": moved mail would be emitted again`;
	return undefined;
}

/** Reads stored pending groups (anything unreadable is dropped). */
export function readPending(raw: unknown): PendingGroup[] {
	if (!Array.isArray(raw)) return [];
	return raw.flatMap((value): PendingGroup[] => {
		const group = value as Partial<PendingGroup> | undefined;
		if (!group || (group.action !== 'markRead' && group.action !== 'move')) return [];
		if (typeof group.mailbox !== 'string' || typeof group.base !== 'string') return [];
		if (group.action === 'move' && typeof group.destination !== 'string') return [];
		const entries = Array.isArray(group.entries)
			? group.entries.filter(
					(entry): entry is [string, number] =>
						Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'number',
				)
			: [];
		return entries.length ? [{ ...(group as PendingGroup), entries }] : [];
	});
}

/** Keeps the newest MAX_PENDING entries (the oldest are given up first). */
export function capPending(groups: PendingGroup[]): PendingGroup[] {
	let room = MAX_PENDING;
	const kept: PendingGroup[] = [];
	for (const group of [...groups].reverse()) {
		if (room <= 0) break;
		const entries = group.entries.slice(-room);
		room -= entries.length;
		kept.unshift({ ...group, entries });
	}
	return kept;
}

/**
 * Acts on the pending messages in bulk; returns what is still pending (failed this time, tried
 * fewer than MAX_TRIES times). Done, already done and gone (404) are dropped.
 */
export async function runPending(
	ctx: IPollFunctions | ITriggerFunctions,
	client: GraphClient,
	groups: PendingGroup[],
): Promise<PendingGroup[]> {
	const node = ctx.getNode();
	const changes: MessageChange[] = [];
	const owners: Array<{ group: number; entry: number }> = [];
	groups.forEach((group, g) => {
		group.entries.forEach(([id], e) => {
			let segment: string;
			try {
				segment = idSegment(node, id, 'Message ID');
			} catch {
				return; // An id Graph gave us that is no path segment: nothing can be done with it.
			}
			changes.push({
				mailbox: group.mailbox,
				request:
					group.action === 'move'
						? moveRequest(group.base, segment, group.destination!)
						: markReadRequest(group.base, segment),
				repeatable: true,
			});
			owners.push({ group: g, entry: e });
		});
	});
	if (!changes.length) return [];
	const outcomes = await runChanges(client, changes);
	const remaining = groups.map((group) => ({ ...group, entries: [] as Array<[string, number]> }));
	outcomes.forEach((outcome, i) => {
		if (outcome.kind === 'done' || outcome.kind === 'alreadyDone' || outcome.kind === 'notFound')
			return;
		const { group, entry } = owners[i]!;
		const [id, tries] = groups[group]!.entries[entry]!;
		if (tries + 1 < MAX_TRIES) remaining[group]!.entries.push([id, tries + 1]);
		else
			ctx.logger.warn(
				`Graph Mail Trigger: gave up ${groups[group]!.action === 'move' ? 'moving' : 'marking read'} an emitted mail after ${MAX_TRIES} polls`,
				{ node: node.name },
			);
	});
	return remaining.filter((group) => group.entries.length > 0);
}

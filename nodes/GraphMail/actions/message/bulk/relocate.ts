import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { folderLocator, folderSegmentOf } from '../../../read/folderLocator';
import { messageLocator } from '../../../read/messageLocator';
import { mailboxFields } from '../../../read/fields';
import type { GraphClient } from '../../../transport/graphClient';
import { planMessage, type MessagePlan } from './plan';

/** Move and Copy's shared part: their fields and one item's plan (mailbox, message, destination). */

export function relocateProperties(verb: 'move' | 'copy'): INodeProperties[] {
	return [
		...mailboxFields,
		messageLocator(
			`The message to ${verb}: pick a recent one, enter its ID (e.g. {{ $json.id }} after Get Many or the trigger), or paste its Outlook on the web link`,
		),
		folderLocator(
			'Destination Folder',
			'destinationFolder',
			`The folder to ${verb} the message to: pick one, or enter its ID or a well-known name such as archive, inbox or deleteditems`,
		),
	];
}

export interface RelocatePlan extends MessagePlan {
	/** The destination folder's id (or well-known name), as the request body carries it. */
	destination: string;
	/** The same as a checked URL segment. */
	destinationSegment: string;
}

export async function planRelocation(
	ctx: IExecuteFunctions,
	client: GraphClient,
	itemIndex: number,
): Promise<RelocatePlan> {
	const plan = planMessage(ctx, itemIndex);
	const destinationSegment = await folderSegmentOf(
		ctx.getNode(),
		client,
		plan.ref,
		ctx.getNodeParameter('destinationFolder', itemIndex, ''),
		itemIndex,
		'Destination Folder',
	);
	return {
		...plan,
		// The picker gives the folder as a URL segment (resolving a path); the body wants the id itself.
		destination: decodeURIComponent(destinationSegment),
		destinationSegment,
	};
}

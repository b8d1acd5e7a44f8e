import type { IDataObject, INode } from 'n8n-workflow';

import { findChildFolder, forgetFolderLookups } from '../../read/folderResolver';
import type { MailboxRef } from '../../read/mailbox';
import type { GraphClient } from '../../transport/graphClient';
import { graphErrorDetails, type GraphErrorDetails } from '../../transport/graphError';
import { folderError, uncertainError } from './errors';

/** Tries of one create whose answer was lost (each after looking whether the folder is there). */
const CREATE_ATTEMPTS = 3;

export interface FolderResult {
	folder: IDataObject;
	/** Whether this execution created it (false: it was there already). */
	created: boolean;
}

/**
 * Creating folders by name under a parent, safe to race and to lose answers: a name asked for
 * twice in one execution (two items creating the same path) is found or created once; a create
 * refused with ErrorFolderExists, or answered uncertainly (a lost answer, a 5xx), is looked up by
 * name under the parent rather than repeated blindly. One instance per node execution.
 */
export class FolderCreator {
	private readonly pending = new Map<string, Promise<FolderResult>>();

	constructor(
		private readonly node: INode,
		private readonly client: GraphClient,
	) {}

	/** The child `name` of the parent: the existing one, or created (hidden when asked). */
	findOrCreate(
		ref: MailboxRef,
		parentSegment: string,
		name: string,
		isHidden: boolean,
		itemIndex: number,
	): Promise<FolderResult> {
		const key = `${ref.mailbox.toLowerCase()}|${parentSegment}|${name.toLowerCase()}`;
		const shared = this.pending.get(key);
		// Another item of this execution asked first: the folder is not this item's creation; if
		// that item failed, this one tries on its own (its error is then its own).
		if (shared)
			return shared.then(
				({ folder }) => ({ folder, created: false }),
				async () => await this.findOrCreate(ref, parentSegment, name, isHidden, itemIndex),
			);
		const result = (async (): Promise<FolderResult> => {
			const existing = await findChildFolder(this.client, ref, parentSegment, name, itemIndex);
			if (existing) return { folder: existing, created: false };
			return await this.create(ref, parentSegment, name, isHidden, itemIndex, true);
		})();
		this.pending.set(key, result);
		result.catch(() => this.pending.delete(key));
		return result;
	}

	/**
	 * Creates the child `name`. When it exists already: the existing one with `acceptExisting`,
	 * else ErrorFolderExists as the item's error.
	 */
	async create(
		ref: MailboxRef,
		parentSegment: string,
		name: string,
		isHidden: boolean,
		itemIndex: number,
		acceptExisting: boolean,
	): Promise<FolderResult> {
		let lastUncertain: GraphErrorDetails | undefined;
		for (let attempt = 1; attempt <= CREATE_ATTEMPTS; attempt++) {
			const outcome = await this.client.requestOutcome<IDataObject>({
				method: 'POST',
				path: `${ref.base}/mailFolders/${parentSegment}/childFolders`,
				body: isHidden ? { displayName: name, isHidden: true } : { displayName: name },
				mailbox: ref.mailbox,
				itemIndex,
				idempotent: false,
			});
			if ('response' in outcome) {
				// Only a folder made changes what this execution's path look-ups may have cached.
				forgetFolderLookups(this.client, ref);
				return { folder: outcome.response.body, created: true };
			}
			const details = graphErrorDetails(outcome.failure);
			if (details.code === 'ErrorFolderExists') {
				const existing = acceptExisting
					? await findChildFolder(this.client, ref, parentSegment, name, itemIndex)
					: undefined;
				if (existing) return { folder: existing, created: false };
				throw folderError(this.node, details, itemIndex, name, 'created');
			}
			if (!details.uncertain) throw folderError(this.node, details, itemIndex, name, 'created');
			// No definite answer: the folder is there if the create went through (then it is ours).
			lastUncertain = details;
			const made = await findChildFolder(this.client, ref, parentSegment, name, itemIndex);
			if (made) {
				forgetFolderLookups(this.client, ref);
				return { folder: made, created: true };
			}
		}
		throw uncertainError(
			this.node,
			itemIndex,
			name,
			'created',
			`${CREATE_ATTEMPTS} tries had no definite answer (${lastUncertain?.code ?? 'no answer'})`,
		);
	}
}

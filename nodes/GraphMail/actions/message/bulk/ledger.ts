import { createHash } from 'node:crypto';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { ChangeOutcome } from '../../../bulk/messageChanges';

import { runIdentity } from '../send/runIdentity';

/**
 * What Move, Copy and Delete did in this piece of work, so that repeating the work (Retry On Fail,
 * n8n's Retry of a failed execution) reports it as done instead of failing or doing it twice:
 * a message moved or deleted by the earlier attempt may no longer be found by the id the item
 * holds (a REST id changes on a move; a permanent delete leaves nothing), and a copy made by it
 * must not be made again.
 *
 * Kept in the node's static data, scoped to the run identity Send uses (the execution, carried
 * into its Retry through custom data, and the node's run index), so a new execution acts afresh.
 * Entries are hashes of operation, mailbox and id (no message ids or addresses stored); the last
 * few runs are kept, each capped.
 */
const STATIC_KEY = 'graphMailMessageActions';
const MAX_RUNS = 5;
const MAX_ENTRIES_PER_RUN = 20_000;

type Runs = Record<string, { at: number; done: Record<string, string> }>;

export class ActionLedger {
	private constructor(
		private readonly runs: Runs,
		private readonly run: string,
	) {}

	/** Entries of this run (counted once, then kept up to date). */
	private size?: number;

	static open(ctx: IExecuteFunctions): ActionLedger {
		const staticData = ctx.getWorkflowStaticData('node');
		const stored = staticData[STATIC_KEY];
		const runs: Runs =
			stored && typeof stored === 'object' && !Array.isArray(stored) ? (stored as Runs) : {};
		staticData[STATIC_KEY] = runs as unknown as IDataObject;
		return new ActionLedger(runs, runIdentity(ctx).run);
	}

	private static key(kind: string, mailbox: string, id: string): string {
		return createHash('sha256')
			.update(`${kind}|${mailbox.toLowerCase()}|${id}`)
			.digest('base64url')
			.slice(0, 22);
	}

	/** What was recorded for this message in this piece of work ('' for a move or delete, the copy's id), or undefined. */
	find(kind: string, mailbox: string, id: string): string | undefined {
		return this.runs[this.run]?.done[ActionLedger.key(kind, mailbox, id)];
	}

	record(kind: string, mailbox: string, id: string, value = ''): void {
		let entry = this.runs[this.run];
		if (!entry) {
			entry = { at: Date.now(), done: {} };
			this.runs[this.run] = entry;
			const names = Object.keys(this.runs).sort((a, b) => this.runs[a]!.at - this.runs[b]!.at);
			for (const name of names.slice(0, Math.max(0, names.length - MAX_RUNS)))
				delete this.runs[name];
		}
		this.size ??= Object.keys(entry.done).length;
		const key = ActionLedger.key(kind, mailbox, id);
		if (key in entry.done) entry.done[key] = value;
		else if (this.size < MAX_ENTRIES_PER_RUN) {
			entry.done[key] = value;
			this.size++;
		}
	}

	/**
	 * A move's or delete's outcome in the light of this work's earlier attempts: not found, but
	 * handled by an earlier attempt, is already done. Records what is done for the next attempt.
	 */
	settle(
		kind: 'move' | 'delete',
		mailbox: string,
		id: string,
		outcome: ChangeOutcome,
	): ChangeOutcome {
		const settled: ChangeOutcome =
			outcome.kind === 'notFound' && this.find(kind, mailbox, id) !== undefined
				? { kind: 'alreadyDone' }
				: outcome;
		if (settled.kind === 'done' || settled.kind === 'alreadyDone') this.record(kind, mailbox, id);
		return settled;
	}
}

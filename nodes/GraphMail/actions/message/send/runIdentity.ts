/**
 * Which "piece of work" a send belongs to, for Don't Send Twice. Mails are deduplicated only within
 * one piece of work, so that a new execution (Execute again in the editor, a new trigger event, a
 * new schedule tick) always sends, while what repeats the same work sends nothing twice:
 *
 * - Retry On Fail and a lost answer run within the same execution: same execution id.
 * - n8n's Retry of a failed execution is a new execution (mode 'retry', a new id) that starts from
 *   the failed execution's saved data, custom data included. So the first execution's id is
 *   stored in the execution's custom data and a retry reads it back from there.
 *
 * Also part of the identity: the node's run index, so that a node run twice in one execution (a
 * loop) sends both times. A retried execution re-runs the failed node at the same run index.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

/** Custom data key (letters, digits, underscores; n8n keeps at most 10 keys per execution). */
export const RUN_KEY = 'graphMailSendRun';
/** When the run first came to this node (ms since the epoch): no mail of the run is older. */
export const RUN_STARTED_KEY = 'graphMailSendRunAt';

export interface RunIdentity {
	/** Goes into every item's key. */
	run: string;
	/**
	 * 'retry': a Retry of a failed execution without the original execution's id (it was started by
	 * an older version of the node, or the execution's custom data was full): earlier sends cannot
	 * be recognised, so they go out again rather than being dropped (see the README).
	 */
	unknownRetry: boolean;
	/**
	 * When this run's first Send began (before any of its mails went out), when known: a mail that
	 * carries one of its keys was created in the mailbox after it. Unknown for Same Work Key (any
	 * earlier execution may have done the work) and for runs started by older versions of the node.
	 */
	startedAt?: number;
}

function runIndexOf(ctx: IExecuteFunctions): number {
	try {
		const value = Number(ctx.evaluateExpression('{{ $runIndex }}', 0));
		return Number.isInteger(value) && value >= 0 ? value : 0;
	} catch {
		return 0;
	}
}

function stored(ctx: IExecuteFunctions, key: string): string | undefined {
	try {
		const value = ctx.customData.get(key);
		return typeof value === 'string' && value !== '' ? value : undefined;
	} catch {
		return undefined;
	}
}

function remember(ctx: IExecuteFunctions, key: string, value: string): boolean {
	try {
		ctx.customData.set(key, value);
		return true;
	} catch {
		// Custom data refused (never for a plain id); a retry then cannot recognise these sends.
		return false;
	}
}

/** Delivery Settings → Same Work Key, when set: the piece of work, whatever execution runs it. */
function workKey(ctx: IExecuteFunctions): string | undefined {
	try {
		const value = (ctx.getNodeParameter('delivery', 0, {}) as { workKey?: unknown }).workKey;
		const text = typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
		return text === '' ? undefined : text;
	} catch {
		return undefined;
	}
}

export function runIdentity(ctx: IExecuteFunctions): RunIdentity {
	const work = workKey(ctx);
	if (work !== undefined) return { run: `work:${work}#${runIndexOf(ctx)}`, unknownRetry: false };
	let execution = stored(ctx, RUN_KEY);
	const carried = execution !== undefined;
	let startedAt: number | undefined;
	if (carried) {
		const at = Number(stored(ctx, RUN_STARTED_KEY));
		startedAt = Number.isSafeInteger(at) && at > 0 ? at : undefined;
	} else {
		execution = ctx.getExecutionId() ?? '';
		const now = Date.now();
		if (remember(ctx, RUN_KEY, execution) && remember(ctx, RUN_STARTED_KEY, String(now)))
			startedAt = now;
	}
	return {
		run: `${execution}#${runIndexOf(ctx)}`,
		unknownRetry: !carried && ctx.getMode() === 'retry',
		...(startedAt !== undefined ? { startedAt } : {}),
	};
}

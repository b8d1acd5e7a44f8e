import type { IDataObject } from 'n8n-workflow';

import { SIMPLE_FIELDS, simplifyMessage, withoutAnnotations } from '../helpers/simplify';

/** How a read message is shaped for the output (Get, Get Many, the trigger). Pure: no I/O. */

export type OutputMode = 'simple' | 'raw' | 'fields';

export interface OutputPlan {
	mode: OutputMode;
	/** `$select`, or undefined for Raw. */
	select?: string[];
	/** Selected fields the user asked for (Selected Fields only). */
	requested?: string[];
}

/**
 * What to ask Graph for and how to shape each message. `needHasAttachments` adds hasAttachments to
 * `$select` for the attachment download (it is removed again from a Selected Fields output that did not ask for it).
 */
export function outputPlan(mode: OutputMode, fields: string[], needHasAttachments: boolean): OutputPlan {
	if (mode === 'raw') return { mode };
	if (mode === 'fields') {
		const requested = [...new Set(['id', ...fields.map((f) => f.trim()).filter(Boolean)])];
		const select = needHasAttachments && !requested.includes('hasAttachments') ? [...requested, 'hasAttachments'] : requested;
		return { mode, select, requested };
	}
	return { mode: 'simple', select: [...SIMPLE_FIELDS] };
}

export function shapeMessage(plan: OutputPlan, message: IDataObject): IDataObject {
	if (plan.mode === 'simple') return simplifyMessage(message);
	if (plan.mode === 'raw') return message;
	const clean = withoutAnnotations(message);
	const out: IDataObject = {};
	for (const name of plan.requested ?? []) if (name in clean) out[name] = clean[name];
	return out;
}

export function preferBodyFormat(format: string): Record<string, string> {
	return { Prefer: `outlook.body-content-type="${format === 'text' ? 'text' : 'html'}"` };
}

import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { parseDateInput } from '../../../helpers/dates';
import { itemMessage } from '../../../helpers/itemText';
import { textOf } from '../../../helpers/valueText';

/** One item's Update: the PATCH body it can build at once, and a categories change needing the current ones. */
export interface UpdateChanges {
	/** isRead, flag, importance, and categories when they are replaced. */
	patch: IDataObject;
	/** Add or Remove: applied to the message's current categories (read first). */
	categories?: { mode: 'add' | 'remove'; values: string[] };
}

/** A list from a multi-options value or an expression (a list, or comma-separated text). */
export function categoryList(value: unknown): string[] {
	const raw = Array.isArray(value) ? value.map(textOf) : textOf(value).split(',');
	return [...new Set(raw.map((entry) => entry.trim()).filter((entry) => entry !== ''))];
}

/** The current categories after Add or Remove (case-insensitive, as Outlook matches categories). */
export function mergedCategories(
	current: string[],
	change: { mode: 'add' | 'remove'; values: string[] },
): string[] {
	const has = (list: string[], value: string) =>
		list.some((entry) => entry.toLowerCase() === value.toLowerCase());
	if (change.mode === 'remove') return current.filter((entry) => !has(change.values, entry));
	return [...current, ...change.values.filter((value) => !has(current, value))];
}

/** Graph's dateTimeTimeZone for an instant: wall time in UTC, named so. */
function dateTimeTimeZone(instant: Date): IDataObject {
	return { dateTime: instant.toISOString().replace(/\.\d{3}Z$/, ''), timeZone: 'UTC' };
}

/** Reads and checks one item's Update Fields; a bad value is an error naming the item and field. */
export function readUpdateChanges(ctx: IExecuteFunctions, itemIndex: number): UpdateChanges {
	const fields: IDataObject = ctx.getNodeParameter('updateFields', itemIndex, {});
	const fail = (field: string, problem: string, description?: string) =>
		new NodeOperationError(ctx.getNode(), itemMessage(`${field}: ${problem}`, itemIndex), {
			itemIndex,
			description,
		});
	const patch: IDataObject = {};
	if (fields.readStatus !== undefined) patch.isRead = fields.readStatus === 'read';
	if (fields.importance !== undefined) patch.importance = textOf(fields.importance);

	const zone = ctx.getTimezone();
	const dateOf = (field: 'flagStart' | 'flagDue', label: string) => {
		if (fields[field] === undefined || fields[field] === '') return undefined;
		const instant = parseDateInput(fields[field], zone);
		if (!instant)
			throw fail(
				label,
				`"${textOf(fields[field])}" is not a date`,
				'Use an ISO date such as 2026-12-24T09:00:00',
			);
		return instant;
	};
	const start = dateOf('flagStart', 'Flag Start');
	const due = dateOf('flagDue', 'Flag Due');
	if (due && !start)
		throw fail(
			'Flag Due',
			'needs Flag Start too',
			'Graph sets a due date only together with a start date',
		);
	if (due && start && due < start) throw fail('Flag Due', 'is before Flag Start');
	if (fields.flagStatus !== undefined || start || due) {
		const status = fields.flagStatus === undefined ? 'flagged' : textOf(fields.flagStatus);
		const flag: IDataObject = { flagStatus: status };
		if (status !== 'notFlagged') {
			if (start) flag.startDateTime = dateTimeTimeZone(start);
			if (due) flag.dueDateTime = dateTimeTimeZone(due);
		}
		patch.flag = flag;
	}

	let categories: UpdateChanges['categories'];
	if (fields.categories !== undefined) {
		const values = categoryList(fields.categories);
		const mode = textOf(fields.categoriesMode ?? 'add');
		if (mode === 'set') patch.categories = values;
		else if (mode === 'add' || mode === 'remove') {
			if (!values.length) throw fail('Categories', `no category to ${mode}`);
			categories = { mode, values };
		} else throw fail('Categories Mode', `"${mode}" is not add, remove or set`);
	}
	if (!Object.keys(patch).length && !categories)
		throw fail('Update Fields', 'nothing to update', 'Add at least one field under Update Fields');
	return { patch, categories };
}

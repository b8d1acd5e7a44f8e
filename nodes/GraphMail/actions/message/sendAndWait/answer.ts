/**
 * Send and Wait: a posted form -> the answer's data, or what is wrong with it (pure). Values are
 * checked against the node's own field definitions: a request cannot add fields, pick a choice that
 * was not offered, or leave out a required field.
 */
import { fieldName } from './pages';
import type { FormField } from './settings';

export type Given = Record<string, string | string[]>;

export type FormAnswer =
	| { ok: true; values: Record<string, string | number | string[] | null> }
	| { ok: false; problems: Record<string, string>; given: Given };

/** Free Text is a form with one required text area. */
export const FREE_TEXT_FIELD: FormField = {
	label: 'Response',
	type: 'textarea',
	required: true,
	choices: [],
	placeholder: '',
};

const EMAIL = /^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_LENGTH = 100_000;

function strings(value: unknown): string[] {
	if (Array.isArray(value)) return value.flatMap(strings);
	return typeof value === 'string' || typeof value === 'number' ? [String(value)] : [];
}

function isRealDate(text: string): boolean {
	if (!DATE.test(text)) return false;
	const date = new Date(`${text}T00:00:00Z`);
	return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

/** The value of one field, or its problem. */
function fieldValue(
	field: FormField,
	raw: string[],
): { value: string | number | string[] | null } | { problem: string } {
	if (field.type === 'checkboxes') {
		const chosen = [...new Set(raw)];
		if (chosen.some((choice) => !field.choices.includes(choice)))
			return { problem: 'Pick from the choices shown' };
		if (field.required && !chosen.length) return { problem: 'Pick at least one' };
		return { value: chosen };
	}
	const text = (raw[0] ?? '').trim();
	if (text.length > MAX_LENGTH) return { problem: `Use at most ${MAX_LENGTH} characters` };
	if (text === '') return field.required ? { problem: 'This field is required' } : { value: null };
	switch (field.type) {
		case 'number': {
			const number = Number(text);
			return Number.isFinite(number) ? { value: number } : { problem: 'Enter a number' };
		}
		case 'email':
			return EMAIL.test(text) ? { value: text } : { problem: 'Enter an email address' };
		case 'date':
			return isRealDate(text) ? { value: text } : { problem: 'Enter a date (YYYY-MM-DD)' };
		case 'dropdown':
			return field.choices.includes(text)
				? { value: text }
				: { problem: 'Pick one of the choices shown' };
		default:
			return { value: text };
	}
}

/** Reads the posted body against the fields; the values are keyed by the fields' labels. */
export function readFormAnswer(fields: FormField[], body: unknown): FormAnswer {
	const posted = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
	const given: Given = {};
	const problems: Record<string, string> = {};
	const values: Record<string, string | number | string[] | null> = {};
	fields.forEach((field, index) => {
		const name = fieldName(index);
		const raw = strings(posted[name]);
		given[name] = field.type === 'checkboxes' ? raw : (raw[0] ?? '');
		const result = fieldValue(field, raw);
		if ('problem' in result) problems[name] = result.problem;
		else values[field.label] = result.value;
	});
	return Object.keys(problems).length ? { ok: false, problems, given } : { ok: true, values };
}

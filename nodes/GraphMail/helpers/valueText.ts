/**
 * Parameter and field values as text. n8n hands parameters over as NodeParameterValueType, which an
 * expression can turn into an object or an array: those are written as JSON, so that a message can
 * show what was given, never as "[object Object]". Pure: no I/O.
 */
export function textOf(value: unknown): string {
	if (value === undefined || value === null) return '';
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
		return value.toString();
	try {
		return JSON.stringify(value) ?? typeof value;
	} catch {
		// A circular object: its kind is all a message can say.
		return typeof value;
	}
}

/**
 * followupFlag on write (followupflag.md): flagStatus notFlagged | flagged | complete; start, due and
 * completed as dateTimeTimeZone; "To set the due date, you must also specify the startDateTime;
 * otherwise, you will get a 400 Bad Request response."
 */
import { badRequest } from '../errors';
import { isObject } from './json-body';
import { parseIsoDate } from '../time';

const STATUSES = ['notFlagged', 'flagged', 'complete'];
const DATES = ['startDateTime', 'dueDateTime', 'completedDateTime'];

function dateTimeTimeZone(property: string, value: unknown): Record<string, unknown> | null {
	if (value === null) return null;
	if (!isObject(value))
		throw badRequest(
			`Invalid value for property '${property}': expected a dateTimeTimeZone object.`,
			'RequestBodyRead',
		);
	const dateTime = Object.entries(value).find(([k]) => k.toLowerCase() === 'datetime')?.[1];
	const timeZone = Object.entries(value).find(([k]) => k.toLowerCase() === 'timezone')?.[1];
	if (typeof dateTime !== 'string' || parseIsoDate(dateTime) === undefined) {
		throw badRequest(
			`Invalid value for property '${property}.dateTime': expected an ISO 8601 date and time.`,
			'RequestBodyRead',
		);
	}
	if (timeZone !== undefined && typeof timeZone !== 'string') {
		throw badRequest(
			`Invalid value for property '${property}.timeZone': expected a time zone name.`,
			'RequestBodyRead',
		);
	}
	return { dateTime, timeZone: timeZone ?? 'UTC' };
}

export function parseFollowupFlag(value: unknown): Record<string, unknown> {
	if (!isObject(value))
		throw badRequest(
			"Invalid value for property 'flag': expected a followupFlag object.",
			'RequestBodyRead',
		);
	const flag: Record<string, unknown> = {};
	for (const [key, raw] of Object.entries(value)) {
		if (key.startsWith('@odata.')) continue;
		const name = [...DATES, 'flagStatus'].find((p) => p.toLowerCase() === key.toLowerCase());
		if (!name) {
			throw badRequest(
				`The property '${key}' does not exist on type 'microsoft.graph.followupFlag'. Make sure to only use property names that are defined by the type.`,
				'RequestBodyRead',
			);
		}
		if (name === 'flagStatus') {
			const status = STATUSES.find(
				(s) => typeof raw === 'string' && s.toLowerCase() === raw.toLowerCase(),
			);
			if (!status)
				throw badRequest(`Requested value '${String(raw)}' was not found.`, 'RequestBodyRead');
			flag.flagStatus = status;
		} else {
			flag[name] = dateTimeTimeZone(name, raw);
		}
	}
	if (flag.dueDateTime && !flag.startDateTime) {
		throw badRequest(
			'To set the due date, the start date of the follow-up flag must be set as well.',
			'ErrorInvalidArgument',
		);
	}
	return flag;
}

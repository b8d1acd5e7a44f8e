/** Graph writes date-times as ISO 8601 UTC with `Z` and no fractional seconds. */

export function toGraphDate(ms: number): string {
	return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Stored times keep whole seconds, so what a client sees is exactly what filters compare. */
export function wholeSeconds(ms: number): number {
	return Math.floor(ms / 1000) * 1000;
}

/** Parses an ISO date or date-time (no zone = UTC); undefined if malformed. */
export function parseIsoDate(text: string): number | undefined {
	const m =
		/^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/i.exec(
			text,
		);
	if (!m) return undefined;
	const zone = m[8] ? m[8].toUpperCase() : 'Z';
	const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}${m[7] ? m[7].slice(0, 4) : ''}${zone}`;
	const ms = Date.parse(iso);
	return Number.isNaN(ms) ? undefined : ms;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 5322 date for MIME `Date:` headers. */
export function toRfc5322Date(ms: number): string {
	const d = new Date(ms);
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

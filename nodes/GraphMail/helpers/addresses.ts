/**
 * Email address lists as people and expressions write them, turned into Graph's
 * `{address, name?}` pairs. Pure: no I/O, no n8n context.
 *
 * Accepted shapes:
 *  - `a@x.com, b@y.com; c@z.com` (commas, semicolons and line breaks separate entries)
 *  - `Name <a@x.com>`, `"Last, First" <a@x.com>`, `<a@x.com>`, `mailto:a@x.com`
 *  - arrays from expressions, nested or not, of strings or of `{address, name}` /
 *    `{emailAddress: {address, name}}` objects (what Graph itself returns)
 */

export interface EmailAddress {
	address: string;
	name?: string;
}

export interface AddressProblem {
	/** The entry as given (shortened for messages). */
	input: string;
	reason: string;
}

export interface ParsedAddresses {
	addresses: EmailAddress[];
	problems: AddressProblem[];
}

const MAX_ADDRESS_LENGTH = 254;
const MAX_LOCAL_PART_LENGTH = 64;

// RFC 5322 dot-atom local part (plus Unicode letters and digits, RFC 6531), or a quoted string.
const ATOM = "[\\p{L}\\p{N}!#$%&'*+/=?^_`{|}~-]+";
const LOCAL_PART = new RegExp(`^(?:${ATOM}(?:\\.${ATOM})*|"(?:[^"\\\\\\r\\n]|\\\\[^\\r\\n])+")$`, 'u');
// At least two DNS labels (Unicode allowed), each 1-63 characters, no leading/trailing hyphen.
const LABEL = '[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}])?';
const DOMAIN = new RegExp(`^${LABEL}(?:\\.${LABEL})+$`, 'u');
const IP_LITERAL = /^\[(?:\d{1,3}\.){3}\d{1,3}\]$/;

/** Shortens a value for an error message. */
export function quoteForMessage(value: string, max = 80): string {
	// n8n's editor takes text in angle brackets for a tag and drops it (its error toast does):
	// the user's input is echoed with look-alike brackets so that every character shows.
	const oneLine = value.replace(/[\r\n\t]+/g, ' ').replace(/</g, '‹').replace(/>/g, '›');
	return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/** Why `address` is not a usable email address, or undefined when it is one. */
export function addressProblem(address: string): string | undefined {
	if (address.length === 0) return 'is empty';
	if (/[\s<>,;]/.test(address)) return 'is not an email address';
	if (address.length > MAX_ADDRESS_LENGTH) return `is longer than ${MAX_ADDRESS_LENGTH} characters`;
	const at = address.lastIndexOf('@');
	if (at <= 0 || at === address.length - 1) return 'is not an email address';
	const local = address.slice(0, at);
	const domain = address.slice(at + 1);
	if (local.length > MAX_LOCAL_PART_LENGTH) return 'is not an email address (the part before @ is too long)';
	if (!LOCAL_PART.test(local)) return 'is not an email address';
	if (!DOMAIN.test(domain) && !IP_LITERAL.test(domain)) return 'is not an email address';
	return undefined;
}

export function isValidAddress(address: string): boolean {
	return addressProblem(address) === undefined;
}

/**
 * Splits a list on commas, semicolons and line breaks that are outside double quotes and
 * angle brackets, so `"Doe, Jane" <jane@x.com>` stays one entry.
 */
export function splitAddressList(text: string): string[] {
	const parts: string[] = [];
	let current = '';
	let inQuotes = false;
	let inAngle = false;
	for (let i = 0; i < text.length; i++) {
		const ch = text[i];
		if (inQuotes) {
			current += ch;
			if (ch === '\\' && i + 1 < text.length) {
				current += text[++i];
			} else if (ch === '"') {
				inQuotes = false;
			}
			continue;
		}
		if (ch === '"') inQuotes = true;
		else if (ch === '<') inAngle = true;
		else if (ch === '>') inAngle = false;
		if (!inAngle && (ch === ',' || ch === ';' || ch === '\n' || ch === '\r')) {
			parts.push(current);
			current = '';
			continue;
		}
		current += ch;
	}
	parts.push(current);
	return parts.map((part) => part.trim()).filter((part) => part.length > 0);
}

function unquoteName(raw: string): string {
	let name = raw.trim();
	if (name.length >= 2 && name.startsWith('"') && name.endsWith('"')) {
		name = name.slice(1, -1).replace(/\\(.)/g, '$1');
	} else if (name.length >= 2 && name.startsWith("'") && name.endsWith("'")) {
		name = name.slice(1, -1);
	}
	return name.replace(/\s+/g, ' ').trim();
}

function stripMailto(address: string): string {
	return address.replace(/^mailto:/i, '');
}

/** One entry: `a@x.com`, `Name <a@x.com>`, `"Name" <a@x.com>` or `<a@x.com>`. */
export function parseAddress(entry: string): EmailAddress | AddressProblem {
	const text = entry.trim();
	const angled = /^(.*?)<([^<>]*)>\s*$/s.exec(text);
	let address: string;
	let name: string | undefined;
	if (angled) {
		address = stripMailto(angled[2].trim());
		name = unquoteName(angled[1]) || undefined;
	} else {
		address = stripMailto(text);
	}
	const problem = addressProblem(address);
	if (problem) return { input: text, reason: problem };
	if (name !== undefined && /[\r\n]/.test(name)) return { input: text, reason: 'has a line break in its name' };
	return name ? { address, name } : { address };
}

function isProblem(value: EmailAddress | AddressProblem): value is AddressProblem {
	return (value as AddressProblem).reason !== undefined;
}

function describe(value: unknown): string {
	if (value === null) return 'null';
	if (typeof value === 'object') {
		try {
			return JSON.stringify(value);
		} catch {
			return Object.prototype.toString.call(value);
		}
	}
	return String(value);
}

function addAddresses(value: unknown, out: ParsedAddresses, depth: number): void {
	if (value === undefined || value === null || value === '') return;
	if (depth > 4) {
		out.problems.push({ input: describe(value), reason: 'is nested too deeply to be an address list' });
		return;
	}
	if (typeof value === 'string') {
		for (const entry of splitAddressList(value)) {
			const parsed = parseAddress(entry);
			if (isProblem(parsed)) out.problems.push(parsed);
			else out.addresses.push(parsed);
		}
		return;
	}
	if (Array.isArray(value)) {
		for (const element of value) addAddresses(element, out, depth + 1);
		return;
	}
	if (typeof value === 'object') {
		const record = value as Record<string, unknown>;
		const inner =
			record.emailAddress && typeof record.emailAddress === 'object'
				? (record.emailAddress as Record<string, unknown>)
				: record;
		if (typeof inner.address === 'string') {
			const address = stripMailto(inner.address.trim());
			const problem = addressProblem(address);
			if (problem) {
				out.problems.push({ input: inner.address, reason: problem });
				return;
			}
			const name = typeof inner.name === 'string' ? inner.name.replace(/\s+/g, ' ').trim() : '';
			out.addresses.push(name && name !== address ? { address, name } : { address });
			return;
		}
	}
	out.problems.push({ input: describe(value), reason: 'is not an email address' });
}

/** Every address in `value` (string, array or Graph recipient objects) and every entry that is not one. */
export function parseAddresses(value: unknown): ParsedAddresses {
	const out: ParsedAddresses = { addresses: [], problems: [] };
	addAddresses(value, out, 0);
	return out;
}

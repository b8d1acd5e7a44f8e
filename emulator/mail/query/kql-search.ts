/**
 * A KQL subset for `$search` on messages. The whole value must be wrapped in double quotes; inside it,
 * phrases are quoted with `\"`. Bare terms match from, subject and body; property restrictions
 * (from:, to:, cc:, bcc:, participants:, subject:, body:, attachment:, hasAttachments:, isRead:,
 * received/sent with : = >= <= > <) narrow the match; AND / OR / NOT (upper case) and parentheses combine,
 * juxtaposition means AND. Matching is case-insensitive and anchored at word starts, like a prefix search.
 */
import { bodyAsText } from '../content/body-format';
import { badRequest } from '../errors';
import { NestingDepth } from './nesting';
import { hasVisibleAttachments } from '../storage/store';
import { parseIsoDate } from '../time';
import type { Address, StoredMessage } from '../types';

type Predicate = (m: StoredMessage) => boolean;

type Token =
	| { kind: 'term'; text: string; quoted: boolean }
	| { kind: 'AND' | 'OR' | 'NOT' | '(' | ')' | 'end' };
const END: Token = { kind: 'end' };

function syntaxError(detail: string) {
	return badRequest(`Syntax error in $search: ${detail}`);
}

/** Strips the mandatory outer double quotes. */
export function unwrapSearch(raw: string): string {
	const text = raw.trim();
	const inner = text.slice(1, -1);
	// an odd run of backslashes before the last quote means the closing quote itself is escaped
	const closingEscaped = /(?:^|[^\\])(?:\\\\)*\\$/.test(inner);
	if (text.length < 2 || text[0] !== '"' || text[text.length - 1] !== '"' || closingEscaped) {
		throw syntaxError('the value must be enclosed in double quotes, e.g. $search="pizza"');
	}
	return inner;
}

function tokenize(text: string): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	const isQuoteAt = (j: number) => text[j] === '"' || (text[j] === '\\' && text[j + 1] === '"');
	const quoteLength = (j: number) => (text[j] === '\\' ? 2 : 1);
	while (i < text.length) {
		const ch = text.charAt(i);
		if (/\s/.test(ch)) {
			i++;
			continue;
		}
		if (ch === '(' || ch === ')') {
			tokens.push({ kind: ch });
			i++;
			continue;
		}
		// a word, possibly `property:` glued to a following phrase
		let word = '';
		let quoted = false;
		while (i < text.length && !/\s/.test(text.charAt(i)) && text[i] !== '(' && text[i] !== ')') {
			if (isQuoteAt(i)) {
				i += quoteLength(i);
				let phrase = '';
				while (i < text.length && !isQuoteAt(i)) phrase += text[i++];
				if (i >= text.length) throw syntaxError('unterminated phrase');
				i += quoteLength(i);
				word += phrase;
				quoted = true;
				continue;
			}
			word += text[i++];
		}
		if (!quoted && (word === 'AND' || word === 'OR' || word === 'NOT')) tokens.push({ kind: word });
		else tokens.push({ kind: 'term', text: word, quoted });
	}
	tokens.push({ kind: 'end' });
	return tokens;
}

/** Case-insensitive match of a term at the start of a word. */
export function matchesAtWordStart(haystack: string, needle: string): boolean {
	const text = haystack.toLowerCase().replace(/\s+/g, ' ');
	const term = needle.toLowerCase().replace(/\s+/g, ' ').trim();
	if (term === '') return true;
	let from = 0;
	for (;;) {
		const at = text.indexOf(term, from);
		if (at < 0) return false;
		if (at === 0 || !/[\p{L}\p{N}]/u.test(text.charAt(at - 1))) return true;
		from = at + 1;
	}
}

function addressText(addresses: Array<Address | undefined>): string {
	return addresses
		.filter((a): a is Address => a !== undefined)
		.map((a) => `${a.name ?? ''} ${a.address}`)
		.join(' ; ');
}

function parseSearchDate(text: string): number | undefined {
	const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
	if (us) return Date.UTC(Number(us[3]), Number(us[1]) - 1, Number(us[2]));
	return parseIsoDate(text);
}

const DAY = 24 * 60 * 60 * 1000;

function dateTerm(get: (m: StoredMessage) => number, op: string, value: string): Predicate {
	const start = parseSearchDate(value);
	if (start === undefined) throw syntaxError(`invalid date '${value}'`);
	const isDay = !value.includes('T');
	const end = isDay ? start + DAY : start + 1000;
	switch (op) {
		case ':':
		case '=':
			return (m) => get(m) >= start && get(m) < end;
		case '>=':
			return (m) => get(m) >= start;
		case '>':
			return (m) => get(m) >= end;
		case '<=':
			return (m) => get(m) < end;
		default:
			return (m) => get(m) < start;
	}
}

function booleanTerm(get: (m: StoredMessage) => boolean, value: string): Predicate {
	const v = value.toLowerCase();
	if (v !== 'true' && v !== 'false') throw syntaxError(`expected true or false, found '${value}'`);
	return (m) => get(m) === (v === 'true');
}

function textTerm(value: string): Predicate {
	return (m) =>
		matchesAtWordStart(addressText([m.from]), value) ||
		matchesAtWordStart(m.subject, value) ||
		matchesAtWordStart(bodyAsText(m.body), value);
}

function propertyTerm(property: string, op: string, value: string): Predicate | undefined {
	const textual = (get: (m: StoredMessage) => string): Predicate => {
		if (op !== ':' && op !== '=') throw syntaxError(`'${property}' supports ':' only`);
		return (m) => matchesAtWordStart(get(m), value);
	};
	switch (property.toLowerCase()) {
		case 'from':
			return textual((m) => addressText([m.from, m.sender]));
		case 'to':
			return textual((m) => addressText(m.to));
		case 'cc':
			return textual((m) => addressText(m.cc));
		case 'bcc':
			return textual((m) => addressText(m.bcc));
		case 'participants':
			return textual((m) => addressText([m.from, ...m.to, ...m.cc, ...m.bcc]));
		case 'subject':
			return textual((m) => m.subject);
		case 'body':
			return textual((m) => bodyAsText(m.body));
		case 'attachment':
		case 'attachments':
			return textual((m) => m.attachments.map((a) => a.name).join(' ; '));
		case 'hasattachment':
		case 'hasattachments':
			return booleanTerm(hasVisibleAttachments, value);
		case 'isread':
			return booleanTerm((m) => m.isRead, value);
		case 'received':
			return dateTerm((m) => m.receivedAt, op, value);
		case 'sent':
			return dateTerm((m) => m.sentAt, op, value);
		default:
			return undefined; // KQL treats an unknown property restriction as plain text
	}
}

function termPredicate(token: { text: string; quoted: boolean }): Predicate {
	const m = /^([A-Za-z]+)(>=|<=|:|=|>|<)(.*)$/s.exec(token.text);
	if (m) {
		const predicate = propertyTerm(m[1]!, m[2]!, m[3]!);
		if (predicate) return predicate;
	}
	return textTerm(token.text);
}

class SearchParser {
	private pos = 0;
	private readonly nesting = new NestingDepth(syntaxError);
	constructor(private readonly tokens: Token[]) {}

	parse(): Predicate {
		const predicate = this.parseOr();
		const rest = this.peek();
		if (rest.kind !== 'end') throw syntaxError(`unexpected '${rest.kind}'`);
		return predicate;
	}

	/** The token at the cursor; the list ends with `end`, and past it everything reads as `end`. */
	private peek(): Token {
		return this.tokens[this.pos] ?? END;
	}

	private next(): Token {
		const token = this.peek();
		this.pos++;
		return token;
	}

	/** `a OR b OR c` as one list, so a long chain costs no stack when evaluated. */
	private parseOr(): Predicate {
		const first = this.parseAnd();
		const operands = [first];
		while (this.peek().kind === 'OR') {
			this.pos++;
			operands.push(this.parseAnd());
		}
		return operands.length === 1 ? first : (m) => operands.some((operand) => operand(m));
	}

	private parseAnd(): Predicate {
		const first = this.parseNot();
		const operands = [first];
		for (;;) {
			const kind = this.peek().kind;
			if (kind === 'AND') this.pos++;
			else if (kind !== 'term' && kind !== 'NOT' && kind !== '(') break;
			operands.push(this.parseNot());
		}
		return operands.length === 1 ? first : (m) => operands.every((operand) => operand(m));
	}

	private parseNot(): Predicate {
		if (this.peek().kind === 'NOT') {
			this.pos++;
			const inner = this.nesting.enter(() => this.parseNot());
			return (m) => !inner(m);
		}
		return this.parsePrimary();
	}

	private parsePrimary(): Predicate {
		const token = this.next();
		if (token.kind === '(') {
			const inner = this.nesting.enter(() => this.parseOr());
			if (this.next().kind !== ')') throw syntaxError("missing ')'");
			return inner;
		}
		if (token.kind === 'term') return termPredicate(token);
		throw syntaxError(`unexpected '${token.kind}'`);
	}
}

export function compileSearch(raw: string): Predicate {
	const inner = unwrapSearch(raw);
	const tokens = tokenize(inner);
	if (tokens.length === 1) return () => true;
	return new SearchParser(tokens).parse();
}

/**
 * A small real `$filter` parser: tokeniser, precedence climbing (or < and < not), parentheses,
 * comparisons, contains/startswith/endswith and `collection/any(x: x eq '...')`.
 * Syntax errors -> 400 BadRequest "Invalid filter clause: ..."; valid syntax that this service does not
 * support (unknown property, wrong literal type, literal-vs-literal) -> 400 ErrorInvalidUrlQueryFilter.
 */
import { GraphError } from '../errors';
import { parseIsoDate } from '../time';
import { NestingDepth } from './nesting';

/** Collections are only reachable through any()/all(): of strings (categories) or of objects (extended properties). */
export type PropertyType = 'date' | 'bool' | 'string' | 'stringCollection' | 'objectCollection';

export interface PropertyDef<T> {
	name: string;
	type: PropertyType;
	get(item: T): number | boolean | string | string[] | Array<Record<string, string>> | undefined;
}

export type PropertyTable<T> = Record<string, PropertyDef<T>>;

type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

type Token =
	| { kind: 'ident'; text: string }
	| { kind: 'string'; value: string }
	| { kind: 'number'; value: number }
	| { kind: 'date'; value: number; text: string }
	| { kind: 'bool'; value: boolean }
	| { kind: 'null' }
	| { kind: 'op'; op: CompareOp }
	| { kind: 'and' | 'or' | 'not' | '(' | ')' | ',' | ':' | 'end' };
const END: Token = { kind: 'end' };

type Literal = Extract<Token, { kind: 'string' | 'number' | 'date' | 'bool' | 'null' }>;

export interface CompiledFilter<T> {
	test(item: T): boolean;
	/** Properties in order of first appearance (for Graph's $orderby-with-$filter rules). */
	properties: string[];
	/** The top-level comparison, if the whole filter is one (delta accepts only that). */
	single?: { property: string; op: CompareOp; literal: Literal };
}

/** `element` is the current collection element inside any()/all(). */
type Evaluator<T> = (item: T, element?: unknown) => boolean;

function syntaxError(detail: string): GraphError {
	return new GraphError(400, 'BadRequest', `Invalid filter clause: ${detail}`);
}

function unsupported(detail: string): GraphError {
	return new GraphError(
		400,
		'ErrorInvalidUrlQueryFilter',
		`The query filter contains one or more invalid nodes. (${detail})`,
	);
}

const KEYWORDS: Record<string, Token> = {
	and: { kind: 'and' },
	or: { kind: 'or' },
	not: { kind: 'not' },
	true: { kind: 'bool', value: true },
	false: { kind: 'bool', value: false },
	null: { kind: 'null' },
	eq: { kind: 'op', op: 'eq' },
	ne: { kind: 'op', op: 'ne' },
	gt: { kind: 'op', op: 'gt' },
	ge: { kind: 'op', op: 'ge' },
	lt: { kind: 'op', op: 'lt' },
	le: { kind: 'op', op: 'le' },
};

const DATE_LITERAL =
	/^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?/i;

export function tokenize(text: string): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	while (i < text.length) {
		const ch = text.charAt(i);
		if (/\s/.test(ch)) {
			i++;
			continue;
		}
		if (ch === '(' || ch === ')' || ch === ',' || ch === ':') {
			tokens.push({ kind: ch });
			i++;
			continue;
		}
		if (ch === "'") {
			// OData doubles a quote inside a literal: 'It''s'
			let value = '';
			let j = i + 1;
			for (;;) {
				if (j >= text.length) throw syntaxError(`unterminated string literal at position ${i}`);
				if (text[j] === "'") {
					if (text[j + 1] === "'") {
						value += "'";
						j += 2;
						continue;
					}
					break;
				}
				value += text[j];
				j++;
			}
			tokens.push({ kind: 'string', value });
			i = j + 1;
			continue;
		}
		if (/\d/.test(ch)) {
			const date = DATE_LITERAL.exec(text.slice(i));
			if (date) {
				const value = parseIsoDate(date[0]);
				if (value === undefined) throw syntaxError(`invalid date-time literal '${date[0]}'`);
				tokens.push({ kind: 'date', value, text: date[0] });
				i += date[0].length;
				continue;
			}
			const num = /^\d+(?:\.\d+)?/.exec(text.slice(i)) as RegExpExecArray;
			tokens.push({ kind: 'number', value: Number(num[0]) });
			i += num[0].length;
			continue;
		}
		if (/[A-Za-z_]/.test(ch)) {
			const ident = /^[A-Za-z_][\w./]*/.exec(text.slice(i)) as RegExpExecArray;
			const keyword = KEYWORDS[ident[0].toLowerCase()];
			tokens.push(keyword ?? { kind: 'ident', text: ident[0] });
			i += ident[0].length;
			continue;
		}
		throw syntaxError(`unexpected character '${ch}' at position ${i}`);
	}
	tokens.push({ kind: 'end' });
	return tokens;
}

type Operand<T> =
	| { kind: 'property'; def: PropertyDef<T> }
	| { kind: 'lambdaVariable'; path?: string }
	| { kind: 'literal'; literal: Literal }
	| { kind: 'predicate'; evaluate: Evaluator<T> };

const FLIPPED: Record<CompareOp, CompareOp> = {
	eq: 'eq',
	ne: 'ne',
	gt: 'lt',
	ge: 'le',
	lt: 'gt',
	le: 'ge',
};

class FilterParser<T> {
	private pos = 0;
	readonly properties: string[] = [];
	private lambdaVariable?: string;
	singleCandidate?: { property: string; op: CompareOp; literal: Literal };
	private comparisons = 0;
	private readonly nesting = new NestingDepth(syntaxError);

	constructor(
		private readonly tokens: Token[],
		private readonly table: PropertyTable<T>,
	) {}

	parse(): Evaluator<T> {
		const evaluate = this.parseOr();
		if (this.peek().kind !== 'end')
			throw syntaxError(`unexpected token '${describe(this.peek())}'`);
		return evaluate;
	}

	get isSingleComparison(): boolean {
		return this.comparisons === 1 && this.singleCandidate !== undefined;
	}

	private peek(offset = 0): Token {
		return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)] ?? END;
	}

	private next(): Token {
		const token = this.peek();
		this.pos++;
		return token;
	}

	private expect(kind: Token['kind']): void {
		const token = this.next();
		if (token.kind !== kind) throw syntaxError(`expected '${kind}' but found '${describe(token)}'`);
	}

	/** `a or b or c` as one list, so a long chain costs no stack when evaluated. */
	private parseOr(): Evaluator<T> {
		const first = this.parseAnd();
		const operands = [first];
		while (this.peek().kind === 'or') {
			this.next();
			operands.push(this.parseAnd());
			this.singleCandidate = undefined;
		}
		return operands.length === 1
			? first
			: (item, v) => operands.some((operand) => operand(item, v));
	}

	private parseAnd(): Evaluator<T> {
		const first = this.parseUnary();
		const operands = [first];
		while (this.peek().kind === 'and') {
			this.next();
			operands.push(this.parseUnary());
			this.singleCandidate = undefined;
		}
		return operands.length === 1
			? first
			: (item, v) => operands.every((operand) => operand(item, v));
	}

	private parseUnary(): Evaluator<T> {
		if (this.peek().kind === 'not') {
			this.next();
			const operand = this.nesting.enter(() => this.parseUnary());
			this.singleCandidate = undefined;
			return (item, v) => !operand(item, v);
		}
		return this.parsePrimary();
	}

	private parsePrimary(): Evaluator<T> {
		if (this.peek().kind === '(') {
			this.next();
			const inner = this.nesting.enter(() => this.parseOr());
			this.expect(')');
			return inner;
		}
		const left = this.parseOperand();
		const token = this.peek();
		if (token.kind === 'op') {
			this.next();
			const right = this.parseOperand();
			return this.comparison(left, token.op, right);
		}
		if (left.kind === 'predicate') return left.evaluate;
		if (left.kind === 'property' && left.def.type === 'bool') {
			const def = left.def;
			this.noteProperty(def.name);
			return (item) => def.get(item) === true;
		}
		throw syntaxError(`expected a comparison operator after '${describeOperand(left)}'`);
	}

	private parseOperand(): Operand<T> {
		const token = this.next();
		switch (token.kind) {
			case 'string':
			case 'number':
			case 'date':
			case 'bool':
			case 'null':
				return { kind: 'literal', literal: token };
			case 'ident':
				return this.parseIdentifier(token.text);
			default:
				throw syntaxError(`unexpected token '${describe(token)}'`);
		}
	}

	private parseIdentifier(text: string): Operand<T> {
		const lower = text.toLowerCase();
		if (this.peek().kind === '(') {
			if (lower === 'contains' || lower === 'startswith' || lower === 'endswith')
				return this.parseStringFunction(lower);
			const lambda = /^(.*)\/(any|all)$/i.exec(text);
			if (lambda) return this.parseLambda(lambda[1]!, lambda[2]!.toLowerCase() as 'any' | 'all');
			throw unsupported(`unsupported function '${text}'`);
		}
		if (this.lambdaVariable !== undefined) {
			const variable = this.lambdaVariable.toLowerCase();
			if (lower === variable) return { kind: 'lambdaVariable' };
			if (lower.startsWith(`${variable}/`))
				return { kind: 'lambdaVariable', path: lower.slice(variable.length + 1) };
		}
		const def = this.table[lower];
		if (!def || def.type === 'stringCollection' || def.type === 'objectCollection')
			throw unsupported(`unsupported property '${text}'`);
		return { kind: 'property', def };
	}

	private parseStringFunction(name: 'contains' | 'startswith' | 'endswith'): Operand<T> {
		this.expect('(');
		const target = this.parseOperand();
		this.expect(',');
		const needle = this.parseOperand();
		this.expect(')');
		if (needle.kind !== 'literal' || needle.literal.kind !== 'string')
			throw unsupported(`${name} needs a string literal`);
		const value = needle.literal.value.toLowerCase();
		const test = (text: string): boolean =>
			name === 'contains'
				? text.includes(value)
				: name === 'startswith'
					? text.startsWith(value)
					: text.endsWith(value);
		this.comparisons++;
		if (target.kind === 'lambdaVariable') {
			const path = target.path;
			return {
				kind: 'predicate',
				evaluate: (_item, element) => {
					const v = elementValue(element, path);
					return v !== undefined && test(v.toLowerCase());
				},
			};
		}
		if (target.kind !== 'property' || target.def.type !== 'string')
			throw unsupported(`${name} needs a string property`);
		const def = target.def;
		this.noteProperty(def.name);
		return {
			kind: 'predicate',
			evaluate: (item) => {
				const v = def.get(item);
				return typeof v === 'string' && test(v.toLowerCase());
			},
		};
	}

	private parseLambda(collectionName: string, quantifier: 'any' | 'all'): Operand<T> {
		const def = this.table[collectionName.toLowerCase()];
		if (!def || (def.type !== 'stringCollection' && def.type !== 'objectCollection'))
			throw unsupported(`unsupported collection '${collectionName}'`);
		if (this.lambdaVariable !== undefined) throw unsupported('nested lambda expressions');
		this.expect('(');
		const variable = this.next();
		if (variable.kind !== 'ident') throw syntaxError('expected a lambda variable');
		this.expect(':');
		this.lambdaVariable = variable.text;
		const predicate = this.nesting.enter(() => this.parseOr());
		this.lambdaVariable = undefined;
		this.expect(')');
		this.noteProperty(def.name);
		return {
			kind: 'predicate',
			evaluate: (item) => {
				const values = (def.get(item) as unknown[] | undefined) ?? [];
				return quantifier === 'any'
					? values.some((v) => predicate(item, v))
					: values.every((v) => predicate(item, v));
			},
		};
	}

	private comparison(left: Operand<T>, op: CompareOp, right: Operand<T>): Evaluator<T> {
		if (left.kind === 'literal' && right.kind !== 'literal')
			return this.comparison(right, FLIPPED[op], left);
		if (right.kind !== 'literal')
			throw unsupported('a comparison needs a property on one side and a literal on the other');
		const literal = right.literal;
		this.comparisons++;
		if (left.kind === 'lambdaVariable') {
			if (literal.kind !== 'string' || (op !== 'eq' && op !== 'ne'))
				throw unsupported('lambda comparisons support eq/ne with a string');
			const value = literal.value.toLowerCase();
			const path = left.path;
			return (_item, element) => {
				const v = elementValue(element, path);
				return (v !== undefined && v.toLowerCase() === value) === (op === 'eq');
			};
		}
		if (left.kind !== 'property') throw unsupported('a comparison needs a property');
		const def = left.def;
		this.noteProperty(def.name);
		this.singleCandidate = { property: def.name, op, literal };
		if (def.type === 'date') {
			if (literal.kind !== 'date')
				throw unsupported(`'${def.name}' must be compared with an unquoted date-time literal`);
			const value = literal.value;
			return (item) => compareNumbers(def.get(item) as number, op, value);
		}
		if (def.type === 'bool') {
			if (literal.kind !== 'bool' || (op !== 'eq' && op !== 'ne'))
				throw unsupported(`'${def.name}' supports eq/ne with true or false`);
			const value = literal.value;
			return (item) => (def.get(item) === value) === (op === 'eq');
		}
		if (literal.kind === 'null' && (op === 'eq' || op === 'ne')) {
			return (item) => (def.get(item) === undefined) === (op === 'eq');
		}
		if (literal.kind !== 'string' || (op !== 'eq' && op !== 'ne'))
			throw unsupported(`'${def.name}' supports eq/ne with a string literal`);
		const value = literal.value.toLowerCase();
		return (item) => {
			const v = def.get(item);
			return (typeof v === 'string' && v.toLowerCase() === value) === (op === 'eq');
		};
	}

	private noteProperty(name: string): void {
		if (!this.properties.includes(name)) this.properties.push(name);
	}
}

/** A lambda element as text: the element itself, or one of its properties (`ep/value`), case-insensitive. */
function elementValue(element: unknown, path: string | undefined): string | undefined {
	if (path === undefined) return typeof element === 'string' ? element : undefined;
	if (typeof element !== 'object' || element === null) return undefined;
	const entry = Object.entries(element).find(([key]) => key.toLowerCase() === path);
	return typeof entry?.[1] === 'string' ? entry[1] : undefined;
}

function compareNumbers(a: number, op: CompareOp, b: number): boolean {
	switch (op) {
		case 'eq':
			return a === b;
		case 'ne':
			return a !== b;
		case 'gt':
			return a > b;
		case 'ge':
			return a >= b;
		case 'lt':
			return a < b;
		case 'le':
			return a <= b;
	}
}

function describe(token: Token): string {
	switch (token.kind) {
		case 'ident':
			return token.text;
		case 'string':
			return `'${token.value}'`;
		case 'number':
			return String(token.value);
		case 'date':
			return token.text;
		case 'bool':
			return String(token.value);
		case 'op':
			return token.op;
		case 'end':
			return 'end of filter';
		default:
			return token.kind;
	}
}

function describeOperand<T>(operand: Operand<T>): string {
	if (operand.kind === 'property') return operand.def.name;
	if (operand.kind === 'literal') return describe(operand.literal);
	return operand.kind;
}

export function compileFilter<T>(text: string, table: PropertyTable<T>): CompiledFilter<T> {
	if (text.trim() === '') throw syntaxError('the filter is empty');
	const parser = new FilterParser<T>(tokenize(text), table);
	const evaluate = parser.parse();
	return {
		test: (item) => evaluate(item),
		properties: parser.properties,
		single: parser.isSingleComparison ? parser.singleCandidate : undefined,
	};
}

/** Builds a lookup table keyed by lower-case property path. */
export function propertyTable<T>(defs: Array<PropertyDef<T>>): PropertyTable<T> {
	const table: PropertyTable<T> = {};
	for (const def of defs) table[def.name.toLowerCase()] = def;
	return table;
}

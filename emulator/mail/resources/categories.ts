/**
 * The mailbox's master category list (`/outlook/masterCategories`): list, get, create, update (color),
 * delete. Docs: outlookuser-list-mastercategories.md, outlookuser-post-mastercategories.md,
 * outlookcategory-update.md, outlookcategory-delete.md, outlookcategory.md (color preset0..preset24 or none;
 * the displayName "cannot be changed" once created).
 */
import type { HandlerResult } from '../../contract';
import type { RequestContext } from '../routing/context';
import { badRequest, GraphError, itemNotFound, unknownProperty } from '../errors';
import { newGuid } from '../storage/ids';
import { getProperty, readJsonObject } from '../input/json-body';
import type { Mailbox } from '../types';

export interface OutlookCategory {
	id: string;
	displayName: string;
	color: string;
}

const COLORS = new Set(['none', ...Array.from({ length: 25 }, (_, i) => `preset${i}`)]);

/** What a new Exchange Online mailbox starts with. */
const DEFAULTS: Array<[string, string]> = [
	['Red category', 'preset0'],
	['Orange category', 'preset1'],
	['Yellow category', 'preset3'],
	['Green category', 'preset4'],
	['Blue category', 'preset7'],
	['Purple category', 'preset8'],
];

/** Per mailbox, beside the store (a reset builds new mailboxes, so the lists reset with them). */
const lists = new WeakMap<Mailbox, OutlookCategory[]>();

export function masterCategoriesOf(mailbox: Mailbox): OutlookCategory[] {
	let list = lists.get(mailbox);
	if (!list) {
		list = DEFAULTS.map(([displayName, color]) => ({ id: newGuid(), displayName, color }));
		lists.set(mailbox, list);
	}
	return list;
}

const context = (ctx: RequestContext) =>
	`${ctx.urls.graphBaseUrl}/v1.0/$metadata#users('${ctx.owner.id}')/outlook/masterCategories`;

function findOr404(ctx: RequestContext, id: string): OutlookCategory {
	const category = masterCategoriesOf(ctx.mailbox).find((c) => c.id === id);
	if (!category) throw itemNotFound();
	return category;
}

function readColor(value: unknown): string {
	if (typeof value !== 'string' || !COLORS.has(value.toLowerCase())) {
		throw badRequest(`Requested value '${String(value)}' was not found.`, 'RequestBodyRead');
	}
	return value.toLowerCase();
}

function checkProperties(json: Record<string, unknown>, allowed: string[]): void {
	for (const key of Object.keys(json)) {
		if (!key.startsWith('@odata.') && !allowed.includes(key.toLowerCase()))
			throw unknownProperty(key, 'microsoft.graph.outlookCategory');
	}
}

export function listMasterCategories(ctx: RequestContext): HandlerResult {
	return {
		status: 200,
		json: {
			'@odata.context': context(ctx),
			value: masterCategoriesOf(ctx.mailbox).map((c) => ({ ...c })),
		},
	};
}

export function getMasterCategory(ctx: RequestContext, id: string): HandlerResult {
	return {
		status: 200,
		json: { '@odata.context': `${context(ctx)}/$entity`, ...findOr404(ctx, id) },
	};
}

/** POST {displayName, color?} -> 201; a name already in the list is refused (names are unique per mailbox). */
export function createMasterCategory(ctx: RequestContext): HandlerResult {
	const json = readJsonObject(ctx.req);
	checkProperties(json, ['id', 'displayname', 'color']);
	const displayName = getProperty(json, 'displayName');
	if (typeof displayName !== 'string' || displayName.trim() === '') {
		throw badRequest("The value of the property 'displayName' is empty.", 'ErrorInvalidParameter');
	}
	const list = masterCategoriesOf(ctx.mailbox);
	if (list.some((c) => c.displayName.toLowerCase() === displayName.toLowerCase())) {
		throw new GraphError(
			409,
			'ErrorDuplicateInputAlreadyExists',
			'A category with the specified name already exists.',
		);
	}
	const color = getProperty(json, 'color');
	const category = {
		id: newGuid(),
		displayName,
		color: color === undefined ? 'none' : readColor(color),
	};
	list.push(category);
	return { status: 201, json: { '@odata.context': `${context(ctx)}/$entity`, ...category } };
}

/** PATCH {color}: the name of a category cannot be changed once created. */
export function updateMasterCategory(ctx: RequestContext, id: string): HandlerResult {
	const category = findOr404(ctx, id);
	const json = readJsonObject(ctx.req);
	checkProperties(json, ['id', 'displayname', 'color']);
	const displayName = getProperty(json, 'displayName');
	if (displayName !== undefined && displayName !== category.displayName) {
		throw badRequest(
			'The displayName of a category cannot be changed once it is created.',
			'ErrorInvalidRequest',
		);
	}
	const color = getProperty(json, 'color');
	if (color !== undefined) category.color = readColor(color);
	return { status: 200, json: { '@odata.context': `${context(ctx)}/$entity`, ...category } };
}

export function deleteMasterCategory(ctx: RequestContext, id: string): HandlerResult {
	const list = masterCategoriesOf(ctx.mailbox);
	list.splice(list.indexOf(findOr404(ctx, id)), 1);
	return { status: 204 };
}

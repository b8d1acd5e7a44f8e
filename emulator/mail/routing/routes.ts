/**
 * Path -> operation. Understands `/me/...` and `/users/{id|upn}/...`, OData key syntax
 * (`users('x')/messages('y')/attachments('z')`, as in upload Location headers), case-insensitive segment
 * names, `microsoft.graph.`-qualified actions, nested childFolders and a trailing slash.
 */
import type { RouteName } from '../../contract';
import { badRequest, GraphError } from '../errors';
import type { AccessKind } from './access';
import {
	CATEGORY_OPERATIONS,
	FOLDER_ACTION_OPERATIONS,
	MESSAGE_ACTION_OPERATIONS,
	messageActionOf,
} from './action-routes';
import type {
	CategoryOperation,
	FolderActionOperation,
	MessageActionOperation,
} from './action-routes';

export type Operation =
	| 'getUser'
	| 'sendMail'
	| 'listMessages'
	| 'createMessage'
	| 'getMessage'
	| 'updateMessage'
	| 'deleteMessage'
	| 'messageValue'
	| 'moveMessage'
	| 'sendDraft'
	| 'listAttachments'
	| 'addAttachment'
	| 'createUploadSession'
	| 'getAttachment'
	| 'deleteAttachment'
	| 'attachmentValue'
	| 'listFolders'
	| 'createFolder'
	| 'getFolder'
	| 'delta'
	| MessageActionOperation
	| FolderActionOperation
	| CategoryOperation;

export interface MatchedRoute {
	operation: Operation;
	target: { kind: 'me' } | { kind: 'user'; key: string };
	/** Folder ids / well-known names from the path, outermost first (mailFolders/a/childFolders/b). */
	folderChain: string[];
	messageId?: string;
	attachmentId?: string;
	/** outlook/masterCategories/{id} */
	categoryId?: string;
}

const OPERATIONS: Record<Operation, { route: RouteName; access: AccessKind }> = {
	getUser: { route: 'user', access: 'directory' },
	sendMail: { route: 'sendMail', access: 'send' },
	listMessages: { route: 'listMessages', access: 'readBasic' },
	createMessage: { route: 'createMessage', access: 'write' },
	getMessage: { route: 'getMessage', access: 'readBasic' },
	updateMessage: { route: 'updateMessage', access: 'write' },
	deleteMessage: { route: 'deleteMessage', access: 'write' },
	messageValue: { route: 'messageValue', access: 'read' },
	moveMessage: { route: 'moveMessage', access: 'write' },
	sendDraft: { route: 'sendDraft', access: 'send' },
	listAttachments: { route: 'listAttachments', access: 'read' },
	addAttachment: { route: 'addAttachment', access: 'write' },
	createUploadSession: { route: 'createUploadSession', access: 'write' },
	getAttachment: { route: 'getAttachment', access: 'read' },
	deleteAttachment: { route: 'other', access: 'write' },
	attachmentValue: { route: 'attachmentValue', access: 'read' },
	listFolders: { route: 'listFolders', access: 'readBasic' },
	createFolder: { route: 'createFolder', access: 'write' },
	getFolder: { route: 'getFolder', access: 'readBasic' },
	delta: { route: 'delta', access: 'readBasic' },
	...MESSAGE_ACTION_OPERATIONS,
	...FOLDER_ACTION_OPERATIONS,
	...CATEGORY_OPERATIONS,
};

export function routeNameOf(match: MatchedRoute): RouteName {
	if (match.operation === 'getUser') return match.target.kind === 'me' ? 'me' : 'user';
	return OPERATIONS[match.operation].route;
}

export function accessOf(operation: Operation): AccessKind {
	return OPERATIONS[operation].access;
}

/** Splits, percent-decodes and expands `name('key')` into `name`, `key`. */
export function pathSegments(path: string): string[] {
	const segments: string[] = [];
	for (const raw of path.split('/')) {
		if (raw === '') continue;
		let decoded: string;
		try {
			decoded = decodeURIComponent(raw);
		} catch {
			throw badRequest(`The path segment '${raw}' is not correctly percent-encoded.`);
		}
		const keyed = /^([^('"]+)\((.*)\)$/s.exec(decoded);
		if (keyed) {
			const [, segment = '', key = ''] = keyed;
			segments.push(segment);
			segments.push(
				key.startsWith("'") && key.endsWith("'") && key.length >= 2
					? key.slice(1, -1).replace(/''/g, "'")
					: key,
			);
		} else {
			segments.push(decoded);
		}
	}
	return segments;
}

/** `microsoft.graph.sendMail` -> `sendmail` */
function name(segment: string | undefined): string {
	return (segment ?? '').toLowerCase().replace(/^microsoft\.graph\./, '');
}

class NoRoute extends Error {}

function pick(method: string, byMethod: Partial<Record<string, Operation>>): Operation {
	const operation = byMethod[method];
	if (!operation) {
		throw new GraphError(
			405,
			'MethodNotAllowed',
			`The HTTP method '${method}' is not allowed for this resource.`,
		);
	}
	return operation;
}

function matchMessage(
	method: string,
	rest: string[],
	route: Omit<MatchedRoute, 'operation'>,
): MatchedRoute {
	const [id, child, attachmentId, leaf, ...extra] = rest;
	const withId = { ...route, messageId: id };
	if (child === undefined)
		return {
			...withId,
			operation: pick(method, {
				GET: 'getMessage',
				PATCH: 'updateMessage',
				DELETE: 'deleteMessage',
			}),
		};
	const childName = name(child);
	if (attachmentId === undefined) {
		if (childName === '$value')
			return { ...withId, operation: pick(method, { GET: 'messageValue' }) };
		if (childName === 'move')
			return { ...withId, operation: pick(method, { POST: 'moveMessage' }) };
		if (childName === 'send') return { ...withId, operation: pick(method, { POST: 'sendDraft' }) };
		if (childName === 'attachments')
			return {
				...withId,
				operation: pick(method, { GET: 'listAttachments', POST: 'addAttachment' }),
			};
		const action = messageActionOf(childName);
		if (action) return { ...withId, operation: pick(method, { POST: action }) };
		throw new NoRoute(child);
	}
	if (childName !== 'attachments' || extra.length) throw new NoRoute(child);
	if (name(attachmentId) === 'createuploadsession' && leaf === undefined) {
		return { ...withId, operation: pick(method, { POST: 'createUploadSession' }) };
	}
	const withAttachment = { ...withId, attachmentId };
	if (leaf === undefined)
		return {
			...withAttachment,
			operation: pick(method, { GET: 'getAttachment', DELETE: 'deleteAttachment' }),
		};
	if (name(leaf) === '$value')
		return { ...withAttachment, operation: pick(method, { GET: 'attachmentValue' }) };
	throw new NoRoute(leaf);
}

function matchFolder(
	method: string,
	rest: string[],
	route: Omit<MatchedRoute, 'operation'>,
): MatchedRoute {
	const [folderId, child, ...more] = rest;
	if (folderId === undefined) throw new NoRoute('mailFolders');
	const withFolder = { ...route, folderChain: [...route.folderChain, folderId] };
	if (child === undefined)
		return {
			...withFolder,
			operation: pick(method, { GET: 'getFolder', PATCH: 'updateFolder', DELETE: 'deleteFolder' }),
		};
	const childName = name(child);
	if (childName === 'move' && more.length === 0)
		return { ...withFolder, operation: pick(method, { POST: 'moveFolder' }) };
	if (childName === 'childfolders') {
		if (more.length === 0)
			return {
				...withFolder,
				operation: pick(method, { GET: 'listFolders', POST: 'createFolder' }),
			};
		return matchFolder(method, more, withFolder);
	}
	if (childName === 'messages') {
		if (more.length === 0)
			return {
				...withFolder,
				operation: pick(method, { GET: 'listMessages', POST: 'createMessage' }),
			};
		if (more.length === 1 && name(more[0]) === 'delta')
			return { ...withFolder, operation: pick(method, { GET: 'delta' }) };
		return matchMessage(method, more, withFolder);
	}
	throw new NoRoute(child);
}

/** Undefined when the path is not a mail or user route at all (the caller answers 400). */
export function matchRoute(methodIn: string, path: string): MatchedRoute | undefined {
	const method = methodIn.toUpperCase();
	const segments = pathSegments(path);
	let target: MatchedRoute['target'];
	let rest: string[];
	if (name(segments[0]) === 'me') {
		target = { kind: 'me' };
		rest = segments.slice(1);
	} else if (name(segments[0]) === 'users' && segments[1] !== undefined) {
		target = { kind: 'user', key: segments[1] };
		rest = segments.slice(2);
	} else {
		return undefined;
	}
	const base = { target, folderChain: [] as string[] };
	try {
		if (rest.length === 0) return { ...base, operation: pick(method, { GET: 'getUser' }) };
		const head = name(rest[0]);
		if (head === 'sendmail' && rest.length === 1)
			return { ...base, operation: pick(method, { POST: 'sendMail' }) };
		if (head === 'messages') {
			if (rest.length === 1)
				return { ...base, operation: pick(method, { GET: 'listMessages', POST: 'createMessage' }) };
			return matchMessage(method, rest.slice(1), base);
		}
		if (head === 'mailfolders') {
			if (rest.length === 1)
				return { ...base, operation: pick(method, { GET: 'listFolders', POST: 'createFolder' }) };
			return matchFolder(method, rest.slice(1), base);
		}
		if (head === 'outlook' && name(rest[1]) === 'mastercategories' && rest.length <= 3) {
			if (rest.length === 2)
				return {
					...base,
					operation: pick(method, { GET: 'listMasterCategories', POST: 'createMasterCategory' }),
				};
			const byId = {
				GET: 'getMasterCategory',
				PATCH: 'updateMasterCategory',
				DELETE: 'deleteMasterCategory',
			} as const;
			return { ...base, categoryId: rest[2], operation: pick(method, byId) };
		}
		return undefined;
	} catch (err) {
		if (err instanceof NoRoute) return undefined;
		throw err;
	}
}

/** Lower-case target key for classify() without throwing (bad encoding -> undefined). */
export function safeMatch(method: string, path: string): MatchedRoute | undefined {
	try {
		return matchRoute(method, path);
	} catch {
		return undefined;
	}
}

import {
	NodeOperationError,
	type IDataObject,
	type INode,
	type IPollFunctions,
} from 'n8n-workflow';

import { mailboxRef, type MailboxRef } from '../GraphMail/read/mailbox';
import {
	outputPlan,
	preferBodyFormat,
	type OutputMode,
	type OutputPlan,
} from '../GraphMail/read/output';
import { type AttachmentOptions } from '../GraphMail/read/attachments';
import { APP_ONLY_MAILBOX_HINT, checkAppOnlyMailbox } from '../GraphMail/helpers/appOnlyMailbox';
import { idSegment } from '../GraphMail/helpers/pathSegment';
import { WELL_KNOWN_FOLDERS } from '../GraphMail/read/mailbox';
import { usesAppOnly } from '../GraphMail/transport/appOnlyAuth';
import { CURSOR_FIELDS, readFilters, type TriggerFilters } from './filters';
import { textOf } from '../GraphMail/helpers/valueText';
import { parseFolderPath } from '../GraphMail/helpers/folderPath';
import { FOLDER_PATH_HINT, folderModeOf, folderValueOf } from '../GraphMail/read/folderLocator';
import { resolveFolderPathId } from '../GraphMail/read/folderResolver';
import type { GraphClient } from '../GraphMail/transport/graphClient';

/** Everything a poll needs from the node's parameters, checked before any request. */
export interface FolderPlan {
	/** Key of the folder's cursor in the static data: mailbox and folder. */
	key: string;
	/** The folder as entered (an id or a well-known name), for messages. */
	label: string;
	/** `/me/mailFolders/{id}/messages` (the delta path adds `/delta`). */
	messagesPath: string;
	/**
	 * A folder given By Path, not yet resolved: `key` and `messagesPath` are empty until
	 * `resolveFolderPlans` (once per poll or activation) fills them in with the folder's id.
	 */
	path?: string[];
}

export interface TriggerPlan {
	ref: MailboxRef;
	folders: FolderPlan[];
	filters: TriggerFilters;
	output: OutputPlan;
	/** `$select` of every delta round (the output's fields plus what the cursor and filters read); undefined = Raw. */
	select?: string[];
	/** Fingerprint of the delta query options: a cursor made with other options is resynced. */
	query: string;
	bodyFormat: string;
	/** Delta page size (`Prefer: odata.maxpagesize`). */
	pageSize: number;
	attachments?: AttachmentOptions;
	/** "Include Mails From Last N Minutes", in ms. */
	includeMs: number;
}

/** Pages of messages carrying bodies are kept small (Graph can time out on large ones). */
const HEAVY_FIELDS = new Set(['body', 'uniqueBody', 'internetMessageHeaders']);
export const LIGHT_PAGE_SIZE = 1000;
export const HEAVY_PAGE_SIZE = 100;

function refuse(node: INode, message: string, description: string): NodeOperationError {
	return new NodeOperationError(node, message, { description });
}

function folderLocatorOf(entry: unknown): unknown {
	return (entry as { folderId?: unknown } | undefined)?.folderId;
}

/** The cursor key of a folder: the mailbox and the folder's id (a well-known name in lower case). */
function folderKey(ref: MailboxRef, id: string): string {
	return `${ref.mailbox.toLowerCase()}|${id}`;
}

function idPlan(node: INode, ref: MailboxRef, value: string, id: string): FolderPlan {
	return {
		key: folderKey(ref, id),
		label: value,
		messagesPath: `${ref.base}/mailFolders/${idSegment(node, id, 'Folder ID')}/messages`,
	};
}

export function folderPlans(node: INode, ref: MailboxRef, raw: IDataObject): FolderPlan[] {
	const entries = Array.isArray(raw.folder) ? raw.folder : [];
	const plans: FolderPlan[] = [];
	const keys = new Set<string>();
	for (const entry of entries) {
		const locator = folderLocatorOf(entry);
		const value = folderValueOf(locator);
		if (value === '') {
			throw refuse(
				node,
				'A folder to watch is empty',
				'Pick each folder from the list or enter its path or ID, or remove the empty entry',
			);
		}
		if (folderModeOf(locator) === 'path') {
			const parsed = parseFolderPath(value);
			if ('problem' in parsed)
				throw refuse(node, `Folders: the path "${value}" ${parsed.problem}`, FOLDER_PATH_HINT);
			plans.push({ key: '', label: value, messagesPath: '', path: parsed.segments });
			continue;
		}
		const wellKnown = WELL_KNOWN_FOLDERS.has(value.toLowerCase());
		const id = wellKnown ? value.toLowerCase() : value;
		const plan = idPlan(node, ref, value, id);
		if (keys.has(plan.key)) continue;
		keys.add(plan.key);
		plans.push(plan);
	}
	if (plans.length === 0) {
		throw refuse(
			node,
			'No folder to watch',
			'Add at least one folder (Inbox, for example) under Folders',
		);
	}
	return plans;
}

/**
 * The plan with every By Path folder resolved to its folder's id (no request when there is none).
 * The cursor key is the folder's id, the same as when the folder is picked from the list or by ID,
 * so switching how a folder is given keeps its cursor; a path that comes to name another folder
 * gets a cursor of its own. The same folder given twice is watched once.
 */
export async function resolveFolderPlans(
	node: INode,
	client: GraphClient,
	plan: TriggerPlan,
): Promise<TriggerPlan> {
	if (!plan.folders.some((folder) => folder.path)) return plan;
	const folders: FolderPlan[] = [];
	const keys = new Set<string>();
	for (const folder of plan.folders) {
		let resolved = folder;
		if (folder.path) {
			const id = await resolveFolderPathId(
				node,
				client,
				plan.ref,
				folder.path,
				undefined,
				'Folders',
			);
			resolved = idPlan(node, plan.ref, folder.label, id);
		}
		if (keys.has(resolved.key)) continue;
		keys.add(resolved.key);
		folders.push(resolved);
	}
	return { ...plan, folders };
}

/** Reads the parameters (poll, instant trigger and its subscription hooks share them). */
export function readPlan(ctx: Pick<IPollFunctions, 'getNode' | 'getNodeParameter'>): TriggerPlan {
	const node = ctx.getNode();
	const event = textOf(ctx.getNodeParameter('event', 'newMessage'));
	if (event !== 'newMessage')
		throw refuse(node, `The event "${event}" is not known`, 'Choose New Message under Trigger On');

	const ref = triggerMailbox(ctx);
	const folders = folderPlans(node, ref, ctx.getNodeParameter('folders', {}) as IDataObject);
	const filters = readFilters(ctx.getNodeParameter('filters', {}) as IDataObject);

	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const attachments: AttachmentOptions | undefined =
		options.downloadAttachments === true
			? {
					prefix: textOf(options.attachmentPrefix ?? 'attachment_'),
					skipInline: options.skipInline !== false,
				}
			: undefined;
	const mode = textOf(ctx.getNodeParameter('output', 'simple')) as OutputMode;
	if (!['simple', 'raw', 'fields'].includes(mode)) {
		throw refuse(
			node,
			`The output "${mode}" is not known`,
			'Choose Simplified, Raw or Selected Fields under Output',
		);
	}
	const fields = mode === 'fields' ? (ctx.getNodeParameter('fields', []) as string[]) : [];
	const output = outputPlan(mode, fields, attachments?.skipInline === true);
	const select = output.select
		? [...new Set([...output.select, ...CURSOR_FIELDS])].sort()
		: undefined;

	const includeMinutes = Number(options.includeMinutes ?? 0);
	if (!Number.isFinite(includeMinutes) || includeMinutes < 0) {
		throw refuse(
			node,
			`Include Mails From Last N Minutes is ${textOf(options.includeMinutes)}`,
			'Enter 0 or a positive number of minutes',
		);
	}
	const heavy = select === undefined || select.some((field) => HEAVY_FIELDS.has(field));
	return {
		ref,
		folders,
		filters,
		output,
		select,
		query: JSON.stringify({ changeType: 'created', select: select ?? null }),
		bodyFormat: textOf(options.bodyFormat ?? 'html'),
		pageSize: heavy ? HEAVY_PAGE_SIZE : LIGHT_PAGE_SIZE,
		attachments,
		includeMs: Math.round(includeMinutes * 60_000),
	};
}

/** Headers of every request: body format and, for delta, the page size. */
export function requestHeaders(plan: TriggerPlan, delta: boolean): Record<string, string> {
	const prefer = preferBodyFormat(plan.bodyFormat).Prefer;
	return { Prefer: delta ? `${prefer}, odata.maxpagesize=${plan.pageSize}` : prefer };
}

/** The watched mailbox: the signed-in user's or another (delegated), always a named one (app-only). */
function triggerMailbox(ctx: Pick<IPollFunctions, 'getNode' | 'getNodeParameter'>): MailboxRef {
	const node = ctx.getNode();
	if (usesAppOnly(node)) {
		const ref = checkAppOnlyMailbox(ctx.getNodeParameter('appOnlyMailbox', ''));
		if ('problem' in ref) throw refuse(node, ref.problem, APP_ONLY_MAILBOX_HINT);
		return ref;
	}
	const kind = textOf(ctx.getNodeParameter('mailbox', 'me'));
	const userId = kind === 'user' ? textOf(ctx.getNodeParameter('userId', '')) : '';
	const ref = mailboxRef(kind, userId);
	if ('problem' in ref) {
		throw refuse(
			node,
			ref.problem,
			"Enter the mailbox owner's user principal name (e.g. alex@contoso.com) or user ID",
		);
	}
	return ref;
}

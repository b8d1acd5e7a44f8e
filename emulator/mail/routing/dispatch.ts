/** Entry point for Graph requests: route, resolve the mailbox, authorise, dispatch; errors in Graph's shape. */
import type { Caller, HandlerResult, RawRequest, RouteInfo, UrlContext } from '../../contract';
import { accessOf, matchRoute, pathSegments, routeNameOf, safeMatch } from './routes';
import type { MatchedRoute } from './routes';
import { authorize } from './access';
import {
	addAttachment,
	attachmentValue,
	deleteAttachment,
	getAttachment,
	listAttachments,
} from '../resources/attachments';
import type { RequestContext } from './context';
import { deltaMessages } from '../resources/delta';
import { badRequest, GraphError, invalidUser, itemNotFound, toErrorResult } from '../errors';
import {
	createFolderRoute,
	getFolder,
	listFolders,
	resolveFolderOr404,
} from '../resources/folders';
import {
	createMessage,
	deleteMessage,
	getMessage,
	listMessages,
	messageValue,
	moveMessageRoute,
	updateMessage,
} from '../resources/messages';
import { sendDraft, sendMail } from '../resources/send';
import { odataContext, serializeUser } from '../resources/serialize';
import { createMailbox } from '../storage/store';
import { createUploadSession } from '../resources/upload';
import { findUserByKey } from '../storage/users';
import {
	copyMessage,
	createReplyDraft,
	permanentDeleteMessage,
	sendReply,
} from '../resources/message-actions';
import { deleteFolder, moveFolder, updateFolder } from '../resources/folder-actions';
import {
	createMasterCategory,
	deleteMasterCategory,
	getMasterCategory,
	listMasterCategories,
	updateMasterCategory,
} from '../resources/categories';
import type { DirectoryUser, MailState, ServiceConfig, StoredFolder } from '../types';

export function classifyGraph(state: MailState, req: RawRequest, caller: Caller): RouteInfo {
	const match = safeMatch(req.method, req.path);
	let segments: string[] = [];
	try {
		segments = pathSegments(req.path);
	} catch {
		// unparsable path: no mailbox
	}
	const head = segments[0]?.toLowerCase();
	const route = match ? routeNameOf(match) : head === 'subscriptions' ? 'subscriptions' : 'other';
	if (head === 'me') return { route, mailboxId: caller.userId.toLowerCase() };
	if (head === 'users' && segments[1] !== undefined) {
		const user = findUserByKey(state, segments[1]);
		return user
			? { route, mailboxId: user.id }
			: { route, mailboxId: segments[1].toLowerCase(), unresolved: true };
	}
	return { route };
}

function resolveOwner(state: MailState, match: MatchedRoute, caller: Caller): DirectoryUser {
	if (match.target.kind === 'me' && caller.app)
		throw badRequest('/me request is only valid with delegated authentication flow.');
	const key = match.target.kind === 'me' ? caller.userId : match.target.key;
	const user = findUserByKey(state, key);
	if (user) return user;
	if (match.operation === 'getUser') {
		throw new GraphError(
			404,
			'Request_ResourceNotFound',
			`Resource '${key}' does not exist or one of its queried reference-property objects are not present.`,
		);
	}
	throw invalidUser(key);
}

function resolveFolderChain(ctx: RequestContext, chain: string[]): StoredFolder | undefined {
	let parent: StoredFolder | undefined;
	for (const ref of chain) {
		const folder = resolveFolderOr404(ctx.mailbox, ref);
		if (parent && folder.parentFolderId !== parent.id) throw itemNotFound();
		parent = folder;
	}
	return parent;
}

function dispatch(ctx: RequestContext, match: MatchedRoute): HandlerResult {
	const folder = resolveFolderChain(ctx, match.folderChain);
	const messageId = match.messageId as string;
	const attachmentId = match.attachmentId as string;
	switch (match.operation) {
		case 'getUser':
			return {
				status: 200,
				json: {
					'@odata.context': odataContext.user(ctx.urls.graphBaseUrl),
					...serializeUser(ctx.owner),
				},
			};
		case 'sendMail':
			return sendMail(ctx);
		case 'listMessages':
			return listMessages(ctx, folder);
		case 'createMessage':
			return createMessage(ctx, folder);
		case 'getMessage':
			return getMessage(ctx, messageId, folder);
		case 'updateMessage':
			return updateMessage(ctx, messageId, folder);
		case 'deleteMessage':
			return deleteMessage(ctx, messageId, folder);
		case 'messageValue':
			return messageValue(ctx, messageId, folder);
		case 'moveMessage':
			return moveMessageRoute(ctx, messageId, folder);
		case 'sendDraft':
			return sendDraft(ctx, messageId);
		case 'listAttachments':
			return listAttachments(ctx, messageId, folder);
		case 'addAttachment':
			return addAttachment(ctx, messageId, folder);
		case 'createUploadSession':
			return createUploadSession(ctx, messageId, folder);
		case 'getAttachment':
			return getAttachment(ctx, messageId, attachmentId, folder);
		case 'deleteAttachment':
			return deleteAttachment(ctx, messageId, attachmentId, folder);
		case 'attachmentValue':
			return attachmentValue(ctx, messageId, attachmentId, folder);
		case 'listFolders':
			return listFolders(ctx, folder);
		case 'createFolder':
			return createFolderRoute(ctx, folder);
		case 'getFolder':
			return getFolder(ctx, folder as StoredFolder);
		case 'delta':
			return deltaMessages(ctx, folder as StoredFolder);
		case 'reply':
		case 'replyAll':
		case 'forward':
			return sendReply(ctx, match.operation, messageId, folder);
		case 'createReply':
		case 'createReplyAll':
		case 'createForward':
			return createReplyDraft(ctx, match.operation, messageId, folder);
		case 'copyMessage':
			return copyMessage(ctx, messageId, folder);
		case 'permanentDeleteMessage':
			return permanentDeleteMessage(ctx, messageId, folder);
		case 'updateFolder':
			return updateFolder(ctx, folder as StoredFolder);
		case 'moveFolder':
			return moveFolder(ctx, folder as StoredFolder);
		case 'deleteFolder':
			return deleteFolder(ctx, folder as StoredFolder);
		case 'listMasterCategories':
			return listMasterCategories(ctx);
		case 'createMasterCategory':
			return createMasterCategory(ctx);
		case 'getMasterCategory':
			return getMasterCategory(ctx, match.categoryId as string);
		case 'updateMasterCategory':
			return updateMasterCategory(ctx, match.categoryId as string);
		case 'deleteMasterCategory':
			return deleteMasterCategory(ctx, match.categoryId as string);
	}
}

export function handleGraphRequest(
	state: MailState,
	config: ServiceConfig,
	req: RawRequest,
	caller: Caller,
	urls: UrlContext,
): HandlerResult {
	try {
		const match = matchRoute(req.method, req.path);
		if (!match) {
			const segments = pathSegments(req.path);
			throw badRequest(
				`Resource not found for the segment '${segments[segments.length - 1] ?? ''}'.`,
			);
		}
		const owner = resolveOwner(state, match, caller);
		authorize(state, config, caller, owner.id, accessOf(match.operation));
		const mailbox = state.mailboxes.get(owner.id) ?? createMailbox(state, owner.id);
		const ctx: RequestContext = {
			state,
			config,
			req,
			caller,
			urls,
			owner,
			mailbox,
			now: config.now(),
		};
		return dispatch(ctx, match);
	} catch (err) {
		return toErrorResult(err);
	}
}

/** Message routes: list (with $filter/$orderby/$search/paging), get, create draft, update, delete, move, $value. */
import type { HandlerResult } from '../../contract';
import { readsBasicOnly } from '../routing/access';
import { wrapHtmlDocument } from '../content/body-format';
import type { RequestContext } from '../routing/context';
import { badRequest, GraphError, itemNotFound } from '../errors';
import { compileSearch } from '../query/kql-search';
import { getProperty, readJsonObject } from '../input/json-body';
import {
	checkOrderByWithFilter,
	DEFAULT_ORDER,
	MESSAGE_FILTER_PROPERTIES,
	messageSortSpec,
	parseMessageExpand,
	parseOrderBy,
	SEARCH_ORDER,
} from '../query/message-query';
import { mergeExtendedProperties, parseMessageInput } from '../input/message-input';
import { buildMime } from '../content/mime-build';
import { compileFilter } from '../query/odata-filter';
import {
	itemsAfter,
	nextLinkFor,
	queryFingerprint,
	readListToken,
	sortBySpec,
} from '../query/paging';
import {
	parsePreferences,
	parseSelect,
	parseSkip,
	parseTop,
	preferenceApplied,
	queryValue,
} from '../query/options';
import { checkMessageSize } from './send';
import { MESSAGE_PROPERTIES, MESSAGE_TYPE, odataContext, serializeMessage } from './serialize';
import type { MessageView } from './serialize';
import {
	buildMessage,
	findMessage,
	insertMessage,
	messagesOfFolder,
	messagesOfMailbox,
	moveMessage,
	removeMessage,
	resolveFolder,
	touchMessage,
	wellKnownFolder,
} from '../storage/store';
import type { StoredFolder, StoredMessage } from '../types';

/** Graph caps a $search result at 1000 messages. */
const SEARCH_LIMIT = 1000;

export interface ViewOptions {
	view: MessageView;
	headers: Record<string, string>;
}

export function messageViewOf(ctx: RequestContext): ViewOptions {
	const prefs = parsePreferences(ctx.req);
	const select = parseSelect(ctx.req.query, MESSAGE_PROPERTIES, MESSAGE_TYPE);
	const expand = parseMessageExpand(ctx.req.query);
	return {
		view: {
			select,
			bodyFormat: prefs.bodyFormat ?? 'html',
			expandAttachments: expand.attachments,
			expandExtendedProperties: expand.extendedProperties,
			basicOnly: readsBasicOnly(ctx.config, ctx.caller),
			immutableIds: prefs.immutableIds,
		},
		headers: preferenceApplied({ bodyFormat: prefs.bodyFormat, immutableIds: prefs.immutableIds }),
	};
}

export function findMessageOr404(
	ctx: RequestContext,
	id: string,
	folder?: StoredFolder,
): StoredMessage {
	const message = findMessage(ctx.mailbox, id);
	if (!message || (folder && message.folderId !== folder.id)) throw itemNotFound();
	return message;
}

/** GET .../messages and .../mailFolders/{id}/messages */
export function listMessages(ctx: RequestContext, folder?: StoredFolder): HandlerResult {
	const { req } = ctx;
	const prefs = parsePreferences(req);
	const pageSize = parseTop(req.query, prefs.maxPageSize);
	const { view } = messageViewOf(ctx);
	const filterText = queryValue(req.query, '$filter');
	const searchText = queryValue(req.query, '$search');
	const order = parseOrderBy(req.query);
	if (searchText !== undefined && order) {
		throw new GraphError(
			400,
			'SearchWithOrderBy',
			"The query parameter '$orderBy' is not supported with '$search'.",
		);
	}
	if (searchText !== undefined && filterText !== undefined) {
		throw new GraphError(
			400,
			'ErrorInvalidUrlQuery',
			"The query parameter '$filter' is not supported with '$search'.",
		);
	}
	let predicate: (m: StoredMessage) => boolean = () => true;
	if (filterText !== undefined) {
		const filter = compileFilter(filterText, MESSAGE_FILTER_PROPERTIES);
		if (order) checkOrderByWithFilter(order, filter.properties);
		predicate = filter.test;
	} else if (searchText !== undefined) {
		predicate = compileSearch(searchText);
	}
	const spec = messageSortSpec(searchText !== undefined ? SEARCH_ORDER : (order ?? DEFAULT_ORDER));
	const scope = folder ? messagesOfFolder(ctx.mailbox, folder) : messagesOfMailbox(ctx.mailbox);
	let sorted = sortBySpec(scope.filter(predicate), spec);
	if (searchText !== undefined) sorted = sorted.slice(0, SEARCH_LIMIT);

	const fingerprint = queryFingerprint(ctx.mailbox.userId, req);
	const token = readListToken(ctx.state.tokenKey, req, fingerprint);
	const remaining = token
		? itemsAfter(sorted, spec, token.cursor)
		: sorted.slice(parseSkip(req.query));
	const returnedBefore = token?.returned ?? 0;
	const limit =
		searchText !== undefined ? Math.min(pageSize, SEARCH_LIMIT - returnedBefore) : pageSize;
	const page = remaining.slice(0, Math.max(limit, 0));
	const more =
		remaining.length > page.length &&
		(searchText === undefined || returnedBefore + page.length < SEARCH_LIMIT);

	const body: Record<string, unknown> = {
		'@odata.context': odataContext.messages(ctx.urls.graphBaseUrl, ctx.owner.id, view.select),
	};
	if (/^true$/i.test(queryValue(req.query, '$count') ?? '')) body['@odata.count'] = sorted.length;
	const lastOnPage = page.at(-1);
	if (more && lastOnPage) {
		body['@odata.nextLink'] = nextLinkFor(ctx.state.tokenKey, req, ctx.urls, {
			kind: 'list',
			query: fingerprint,
			cursor: spec.key(lastOnPage),
			returned: returnedBefore + page.length,
		});
	}
	body.value = page.map((m) => serializeMessage(m, view));
	const applied = preferenceApplied({
		bodyFormat: prefs.bodyFormat,
		maxPageSize: queryValue(req.query, '$top') ? undefined : prefs.maxPageSize,
		immutableIds: prefs.immutableIds,
	});
	return { status: 200, headers: applied, json: body };
}

export function getMessage(ctx: RequestContext, id: string, folder?: StoredFolder): HandlerResult {
	const message = findMessageOr404(ctx, id, folder);
	const { view, headers } = messageViewOf(ctx);
	return {
		status: 200,
		headers,
		json: {
			'@odata.context': odataContext.message(ctx.urls.graphBaseUrl, ctx.owner.id, view.select),
			...serializeMessage(message, view),
		},
	};
}

export function respondWithMessage(
	ctx: RequestContext,
	status: number,
	message: StoredMessage,
): HandlerResult {
	const { view, headers } = messageViewOf(ctx);
	return {
		status,
		headers,
		json: {
			'@odata.context': odataContext.message(ctx.urls.graphBaseUrl, ctx.owner.id),
			...serializeMessage(message, { ...view, select: undefined }),
		},
	};
}

/** POST .../messages: a draft (in Drafts, or the folder of the path). 201 with the message. */
export function createMessage(ctx: RequestContext, folder?: StoredFolder): HandlerResult {
	const input = parseMessageInput(ctx.state, ctx.now, readJsonObject(ctx.req));
	const body = input.body
		? input.body.contentType === 'html'
			? { contentType: 'html' as const, content: wrapHtmlDocument(input.body.content) }
			: input.body
		: { contentType: 'html' as const, content: '' };
	const fields = {
		subject: input.subject ?? '',
		body,
		importance: input.importance,
		categories: input.categories,
		from: input.from ?? undefined,
		sender: input.sender ?? input.from ?? undefined,
		to: input.to,
		cc: input.cc,
		bcc: input.bcc,
		replyTo: input.replyTo,
		isRead: true,
		isDraft: true,
		isDeliveryReceiptRequested: input.isDeliveryReceiptRequested,
		isReadReceiptRequested: input.isReadReceiptRequested,
		inferenceClassification: input.inferenceClassification,
		flag: input.flag,
		headers: input.headers,
		internetMessageId: input.internetMessageId,
		extendedProperties: input.extendedProperties,
		attachments: input.attachments ?? [],
	};
	checkMessageSize(ctx, {
		subject: fields.subject,
		body: fields.body,
		attachments: fields.attachments,
	});
	const target = folder ?? wellKnownFolder(ctx.mailbox, 'drafts');
	const message = insertMessage(ctx.mailbox, target, buildMessage(ctx.state, ctx.now, fields));
	return respondWithMessage(ctx, 201, message);
}

/** PATCH .../messages/{id}: writable properties; headers only while a draft (Graph rule). */
export function updateMessage(
	ctx: RequestContext,
	id: string,
	folder?: StoredFolder,
): HandlerResult {
	const message = findMessageOr404(ctx, id, folder);
	const input = parseMessageInput(ctx.state, ctx.now, readJsonObject(ctx.req));
	if (input.attachments)
		throw badRequest(
			"Attachments can't be changed with PATCH; use the attachments endpoint.",
			'ErrorInvalidRequest',
		);
	if (input.headers && !message.isDraft) {
		throw badRequest(
			'Internet message headers can only be set on a draft.',
			'ErrorInvalidPropertyUpdateSentMessage',
		);
	}
	if (input.internetMessageId !== undefined && !message.isDraft) {
		throw badRequest(
			'The internetMessageId can only be set on a draft.',
			'ErrorInvalidPropertyUpdateSentMessage',
		);
	}
	if (input.internetMessageId !== undefined) message.internetMessageId = input.internetMessageId;
	if (input.subject !== undefined) message.subject = input.subject;
	if (input.body) {
		message.body =
			input.body.contentType === 'html'
				? { contentType: 'html', content: wrapHtmlDocument(input.body.content) }
				: input.body;
	}
	if (input.importance) message.importance = input.importance;
	if (input.categories) message.categories = input.categories;
	if (input.from !== undefined) message.from = input.from ?? undefined;
	if (input.sender !== undefined) message.sender = input.sender ?? undefined;
	if (input.to) message.to = input.to;
	if (input.cc) message.cc = input.cc;
	if (input.bcc) message.bcc = input.bcc;
	if (input.replyTo) message.replyTo = input.replyTo;
	if (input.isRead !== undefined) message.isRead = input.isRead;
	if (input.isDeliveryReceiptRequested !== undefined)
		message.isDeliveryReceiptRequested = input.isDeliveryReceiptRequested;
	if (input.isReadReceiptRequested !== undefined)
		message.isReadReceiptRequested = input.isReadReceiptRequested;
	if (input.inferenceClassification)
		message.inferenceClassification = input.inferenceClassification;
	if (input.flag) message.flag = input.flag;
	if (input.headers) message.headers = input.headers;
	if (input.extendedProperties)
		message.extendedProperties = mergeExtendedProperties(
			message.extendedProperties,
			input.extendedProperties,
		);
	checkMessageSize(ctx, message);
	touchMessage(ctx.state, ctx.mailbox, message, ctx.now);
	return respondWithMessage(ctx, 200, message);
}

/** DELETE: a soft delete into Recoverable Items (gone from every listed folder); there, it is purged. */
export function deleteMessage(
	ctx: RequestContext,
	id: string,
	folder?: StoredFolder,
): HandlerResult {
	const message = findMessageOr404(ctx, id, folder);
	const deletions = wellKnownFolder(ctx.mailbox, 'recoverableitemsdeletions');
	if (message.folderId === deletions.id) removeMessage(ctx.mailbox, message);
	else moveMessage(ctx.state, ctx.mailbox, message, deletions, ctx.now);
	return { status: 204 };
}

/** POST .../move {destinationId}: 201 with the message under its new id. */
export function moveMessageRoute(
	ctx: RequestContext,
	id: string,
	folder?: StoredFolder,
): HandlerResult {
	const message = findMessageOr404(ctx, id, folder);
	const json = readJsonObject(ctx.req);
	const destinationId = getProperty(json, 'destinationId');
	if (typeof destinationId !== 'string' || destinationId === '') {
		throw badRequest(
			"The value of the parameter 'DestinationId' is empty.",
			'ErrorInvalidParameter',
		);
	}
	const destination = resolveFolder(ctx.mailbox, destinationId);
	if (!destination) throw itemNotFound();
	const moved = moveMessage(ctx.state, ctx.mailbox, message, destination, ctx.now);
	return respondWithMessage(ctx, 201, moved);
}

/** GET .../$value: the MIME of the message as text/plain. */
export function messageValue(
	ctx: RequestContext,
	id: string,
	folder?: StoredFolder,
): HandlerResult {
	const message = findMessageOr404(ctx, id, folder);
	return { status: 200, headers: { 'Content-Type': 'text/plain' }, raw: buildMime(message) };
}

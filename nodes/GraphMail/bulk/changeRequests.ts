import type { IDataObject } from 'n8n-workflow';

import type { BatchSubRequest } from '../transport/batch';
import { IMMUTABLE_ID_HEADERS } from '../transport/graphClient';

/**
 * The Graph requests that change one message, as `$batch` sub-requests, shared by the message
 * operations and the trigger's after-emit action. Every one asks for immutable ids: a message then
 * keeps its id when it moves (to another folder, to Deleted Items), so what the node outputs stays
 * valid and a repeated move finds the message where the first one put it.
 * `base` is the mailbox path (`/me`, `/users/{id}`); segments are checked, encoded path segments.
 */

/**
 * POST messages/{id}/move or /copy {destinationId} (message-move.md, message-copy.md): 201 with
 * the message in the destination (a move: the same message; a copy: a new one, its own id).
 */
function relocateRequest(
	action: 'move' | 'copy',
	base: string,
	messageSegment: string,
	destination: string,
): BatchSubRequest {
	return {
		method: 'POST',
		url: `${base}/messages/${messageSegment}/${action}`,
		body: { destinationId: destination },
		headers: { ...IMMUTABLE_ID_HEADERS },
	};
}

export const moveRequest = (base: string, messageSegment: string, destination: string) =>
	relocateRequest('move', base, messageSegment, destination);

export const copyRequest = (base: string, messageSegment: string, destination: string) =>
	relocateRequest('copy', base, messageSegment, destination);

/** PATCH messages/{id} (message-update.md) with writable properties: 200 with the message. */
export function updateRequest(
	base: string,
	messageSegment: string,
	changes: IDataObject,
): BatchSubRequest {
	return {
		method: 'PATCH',
		url: `${base}/messages/${messageSegment}`,
		body: changes,
		headers: { ...IMMUTABLE_ID_HEADERS },
		// The same PATCH twice leaves the same message: safe to send again after a lost answer.
		idempotent: true,
	};
}

/** PATCH messages/{id} {isRead} (the trigger's Mark as Read, Update's Read Status). */
export function markReadRequest(
	base: string,
	messageSegment: string,
	isRead = true,
): BatchSubRequest {
	return updateRequest(base, messageSegment, { isRead });
}

/** POST messages/{id}/permanentDelete (message-permanentdelete.md): 204, gone for good. */
export function permanentDeleteRequest(base: string, messageSegment: string): BatchSubRequest {
	// Inside $batch a POST carries a JSON body (json-batching.md); permanentDelete takes an empty one.
	return { method: 'POST', url: `${base}/messages/${messageSegment}/permanentDelete`, body: {} };
}

/** GET messages/{id} with a few properties (reads are safe to repeat). */
export function readRequest(base: string, messageSegment: string, select: string): BatchSubRequest {
	return {
		method: 'GET',
		url: `${base}/messages/${messageSegment}?$select=${select}`,
		headers: { ...IMMUTABLE_ID_HEADERS },
		idempotent: true,
	};
}

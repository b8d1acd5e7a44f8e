/**
 * Files from an item's binary data added to an existing message or draft: files under 3 MB with
 * `POST .../attachments` (base64 in JSON), larger ones through an upload session, read range by
 * range (Send's attachmentUpload.ts). Draft > Create, Draft > Update and Attachment > Add use it.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { openUploadSource, type ResolvedAttachment } from '../../binary/binaryAttachments';
import { IMMUTABLE_ID_HEADERS, type GraphClient } from '../../transport/graphClient';
import { uploadAttachment } from '../message/send/attachmentUpload';
import { inlineAttachment } from '../message/send/inlineAttachments';
import {
	formatBytes,
	MAX_ATTACHMENTS,
	MAX_MESSAGE_BYTES,
	UPLOAD_SESSION_MIN_BYTES,
	type AttachmentRoute,
} from '../message/send/plan';
import type { FieldProblem } from '../message/send/payload';

/** Items that add files at once (each one upload at a time); the client caps each mailbox at 4 requests. */
export const ITEMS_UPLOADING_AT_ONCE = 4;

export interface AttachTarget {
	/** `me` or a user id / UPN. */
	mailbox: string;
	/** `/me/messages/{id}` */
	messagePath: string;
	itemIndex: number;
}

export interface AddedAttachment {
	id?: string;
	name: string;
	size: number;
	contentType: string;
	isInline: boolean;
	contentId?: string;
	uploadedVia: AttachmentRoute;
}

/** The route of a file added to an existing message: by size alone. */
export function routeOf(size: number): Exclude<AttachmentRoute, 'inline'> {
	return size >= UPLOAD_SESSION_MIN_BYTES ? 'uploadSession' : 'attachment';
}

/** Limits known before any request: Outlook's attachment count and message size. */
export function addProblems(files: ResolvedAttachment[]): FieldProblem[] {
	const problems: FieldProblem[] = [];
	if (files.length > MAX_ATTACHMENTS)
		problems.push({
			field: 'Attachments',
			message: `${files.length} files; Exchange Online accepts at most ${MAX_ATTACHMENTS} per message`,
		});
	const total = files.reduce((sum, file) => sum + file.size, 0);
	if (total > MAX_MESSAGE_BYTES)
		problems.push({
			field: 'Attachments',
			message: `the files are ${formatBytes(total)}; Outlook accepts at most ${formatBytes(MAX_MESSAGE_BYTES)} per message. Nothing was uploaded.`,
		});
	return problems;
}

/** Adds one file; resolves to what Graph stored. */
export async function addFile(
	ctx: IExecuteFunctions,
	client: GraphClient,
	target: AttachTarget,
	file: ResolvedAttachment,
	route: Exclude<AttachmentRoute, 'inline'> = routeOf(file.size),
): Promise<AddedAttachment> {
	const { binary: _binary, binaryProperty: _property, ...spec } = file;
	const added: AddedAttachment = { ...spec, uploadedVia: route };
	if (route === 'attachment') {
		const body = await inlineAttachment(ctx, target.itemIndex, { ...file, via: route }, file);
		const { body: created } = await client.request<IDataObject>({
			method: 'POST',
			path: `${target.messagePath}/attachments`,
			body: body as unknown as IDataObject,
			headers: IMMUTABLE_ID_HEADERS,
			mailbox: target.mailbox,
			idempotent: false,
			itemIndex: target.itemIndex,
		});
		if (typeof created?.id === 'string') added.id = created.id;
		return added;
	}
	const source = openUploadSource(ctx, file);
	try {
		const result = await uploadAttachment(
			ctx,
			client,
			{
				mailbox: target.mailbox,
				messagePath: target.messagePath,
				name: file.name,
				size: file.size,
				contentType: file.contentType,
				isInline: file.isInline,
				contentId: file.contentId,
				itemIndex: target.itemIndex,
				headers: IMMUTABLE_ID_HEADERS,
			},
			source,
		);
		if (result.attachmentId) added.id = result.attachmentId;
		return added;
	} finally {
		await source.close();
	}
}

/** Adds the files one after another (one upload at a time per item). */
export async function addFiles(
	ctx: IExecuteFunctions,
	client: GraphClient,
	target: AttachTarget,
	files: ResolvedAttachment[],
): Promise<AddedAttachment[]> {
	const added: AddedAttachment[] = [];
	for (const file of files) added.push(await addFile(ctx, client, target, file));
	return added;
}

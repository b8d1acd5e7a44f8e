/**
 * Attachments from an item's binary properties, in every n8n binary data mode. When
 * `binaryData.id` is set (filesystem, S3, database modes) the bytes and their size come from
 * n8n's binary data service by that id; `binaryData.data` then only holds the mode's name (e.g.
 * "filesystem-v2") and is never read. In the default in-memory mode `data` holds the base64.
 */
import type { IBinaryData, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { quoteForMessage } from '../helpers/addresses';
import type { FieldProblem } from '../actions/message/send/payload';
import type { AttachmentSpec } from '../actions/message/send/plan';
import type { UploadSource } from '../transport/uploadSession';
import { Base64ByteSource, StreamByteSource } from './byteSource';

/** One row of the Attachments option. */
export interface AttachmentRow {
	/** One binary property name, several comma-separated, or `*` for every binary property of the item. */
	binaryPropertyName?: string;
	/** File name to use instead of the binary's own (only for a row naming one property). */
	fileName?: string;
	isInline?: boolean;
	contentId?: string;
}

export interface ResolvedAttachment extends AttachmentSpec {
	binary: IBinaryData;
}

/** Bytes per read from n8n's binary data stream (the ranges sent are assembled from these). */
export const STREAM_READ_BYTES = 256 * 1024;

/** What `binaryData.data` holds instead of bytes when the data lives in a binary data store. */
const STORE_MODE_MARKER = /^(filesystem(-v2)?|s3|database|azure|default)$/i;

function propertyNames(row: AttachmentRow, item: INodeExecutionData): string[] {
	const names = String(row.binaryPropertyName ?? '')
		.split(',')
		.map((name) => name.trim())
		.filter((name) => name.length > 0);
	const out: string[] = [];
	for (const name of names) {
		if (name === '*') out.push(...Object.keys(item.binary ?? {}));
		else out.push(name);
	}
	return [...new Set(out)];
}

function defaultFileName(property: string, binary: IBinaryData): string {
	if (binary.fileName) return String(binary.fileName);
	return binary.fileExtension ? `${property}.${binary.fileExtension}` : property;
}

/** Size of stored binary data: the store's metadata, else the item's `bytes`, else counted from a stream. */
async function storedSize(ctx: IExecuteFunctions, id: string, binary: IBinaryData): Promise<number> {
	const metadata = await ctx.helpers.getBinaryMetadata(id);
	const fromMetadata = Number(metadata?.fileSize);
	if (Number.isSafeInteger(fromMetadata) && fromMetadata >= 0) return fromMetadata;
	if (typeof binary.bytes === 'number' && Number.isSafeInteger(binary.bytes) && binary.bytes >= 0) return binary.bytes;
	let counted = 0;
	for await (const chunk of await ctx.helpers.getBinaryStream(id, STREAM_READ_BYTES)) {
		counted += (chunk as Uint8Array).length;
	}
	return counted;
}

async function sizeOf(ctx: IExecuteFunctions, binary: IBinaryData): Promise<number> {
	if (binary.id) return await storedSize(ctx, binary.id, binary);
	return new Base64ByteSource(binary.data ?? '').size;
}

/**
 * The attachments an item asks for, with their sizes (from the binary data service's metadata,
 * or the base64 length in memory), or the problems (missing property, unreadable data).
 */
export async function resolveAttachments(
	ctx: IExecuteFunctions,
	item: INodeExecutionData,
	rows: AttachmentRow[],
): Promise<{ attachments: ResolvedAttachment[]; problems: FieldProblem[] }> {
	const attachments: ResolvedAttachment[] = [];
	const problems: FieldProblem[] = [];
	const available = Object.keys(item.binary ?? {});
	for (const row of rows) {
		const names = propertyNames(row, item);
		if (names.length === 0) {
			// An empty name (e.g. an expression with nothing to attach for this item) attaches nothing;
			// `*` asks for files, so an item without any is a problem.
			if (/(^|,)\s*\*\s*(,|$)/.test(String(row.binaryPropertyName ?? ''))) {
				problems.push({
					field: 'Attachments',
					message: 'the item has no binary data to attach (Input Binary Field is *)',
					hint: 'Pass the files on from the node that reads them, or leave Input Binary Field empty for items without files',
				});
			}
			continue;
		}
		const fileName = String(row.fileName ?? '').trim();
		if (fileName && names.length > 1) {
			problems.push({
				field: 'Attachments',
				message: `File Name '${quoteForMessage(fileName)}' is set on a row with ${names.length} binary fields`,
				hint: 'Use one row per file to rename files',
			});
			continue;
		}
		for (const property of names) {
			const binary = item.binary?.[property];
			if (!binary) {
				problems.push({
					field: 'Attachments',
					message: `the item has no binary field '${quoteForMessage(property)}' (${available.length ? `it has: ${available.join(', ')}` : 'it has no binary data'})`,
					hint: 'Enter the name of a binary field of the input item; use * to attach all of them',
				});
				continue;
			}
			if (!binary.id && typeof binary.data === 'string' && STORE_MODE_MARKER.test(binary.data.trim())) {
				problems.push({
					field: 'Attachments',
					message: `binary field '${quoteForMessage(property)}' points to the ${binary.data} binary data store but carries no id`,
					hint: 'The item was built by hand without its binary data; pass the binary on from the node that read the file',
				});
				continue;
			}
			let size: number;
			try {
				size = await sizeOf(ctx, binary);
			} catch (error) {
				problems.push({
					field: 'Attachments',
					message: `binary field '${quoteForMessage(property)}' could not be read: ${error instanceof Error ? error.message : String(error)}`,
				});
				continue;
			}
			if (!Number.isFinite(size) || size < 0) {
				problems.push({ field: 'Attachments', message: `the size of binary field '${quoteForMessage(property)}' is unknown` });
				continue;
			}
			const name = fileName || defaultFileName(property, binary);
			const isInline = row.isInline === true;
			const contentId = isInline ? String(row.contentId ?? '').trim() || name : undefined;
			if (contentId && /[\s<>"]/.test(contentId)) {
				problems.push({
					field: 'Attachments',
					message: `Content ID '${quoteForMessage(contentId)}' contains spaces, quotes or angle brackets`,
					hint: 'Use a plain ID such as logo, and write cid:logo as the image source in the HTML body',
				});
				continue;
			}
			attachments.push({
				binaryProperty: property,
				binary,
				name,
				contentType: binary.mimeType || 'application/octet-stream',
				size,
				isInline,
				...(contentId ? { contentId } : {}),
			});
		}
	}
	return { attachments, problems };
}

/** Every byte of a (small) attachment, read by binary id when there is one. */
export async function readAttachmentBytes(
	ctx: IExecuteFunctions,
	itemIndex: number,
	attachment: ResolvedAttachment,
): Promise<Buffer> {
	return await ctx.helpers.getBinaryDataBuffer(itemIndex, attachment.binaryProperty);
}

/** A range reader for an upload session: a stream by binary id, or ranges of the in-memory base64. */
export function openUploadSource(ctx: IExecuteFunctions, attachment: ResolvedAttachment): UploadSource {
	const id = attachment.binary.id;
	if (id) return new StreamByteSource(async () => await ctx.helpers.getBinaryStream(id, STREAM_READ_BYTES), attachment.size);
	return new Base64ByteSource(attachment.binary.data ?? '');
}

import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';

import { Container } from '@n8n/di';
import { BinaryDataConfig, BinaryDataService, FileLocation } from 'n8n-core';
import type { IBinaryData } from 'n8n-workflow';

/**
 * n8n's binary data modes in tests, through n8n-core's real BinaryDataService (the one the engine's
 * helpers use): `default` keeps bytes in the item as base64 (`data`), `filesystem` writes them to
 * a storage folder and gives the item an id `filesystem-v2:...` with `data: 'filesystem-v2'`.
 */
export type BinaryMode = 'default' | 'filesystem';

let storagePath: string | undefined;

/** The filesystem mode's storage folder: a temp folder, or the one a caller chose (e.g. a benchmark's child process). */
export function binaryStoragePath(chosen?: string): string {
	if (chosen) storagePath = chosen;
	storagePath ??= mkdtempSync(join(tmpdir(), 'graph-mail-binary-'));
	return storagePath;
}

/** Switches n8n-core's BinaryDataService (a process-wide singleton) to `mode`. Data stored before stays readable. */
export async function setBinaryMode(mode: BinaryMode, chosenStoragePath?: string): Promise<void> {
	const config = Container.get(BinaryDataConfig);
	config.localStoragePath = binaryStoragePath(chosenStoragePath);
	config.mode = mode;
	await Container.get(BinaryDataService).init();
}

/** Deterministic bytes: byte i of a file with `seed` is a function of (i, seed); no two seeds alike. */
export function patternChunk(offset: number, length: number, seed: number): Buffer {
	const out = Buffer.allocUnsafe(length);
	for (let i = 0; i < length; i++) {
		const n = offset + i;
		out[i] = (n * 31 + seed * 131 + (n >>> 8) * 7 + (n >>> 16) * 13) & 0xff;
	}
	return out;
}

export function patternBytes(size: number, seed = 1): Buffer {
	return patternChunk(0, size, seed);
}

/** The same bytes as a stream, generated chunk by chunk (never the whole file in memory). */
export function patternStream(size: number, seed = 1, chunkSize = 1024 * 1024): Readable {
	let offset = 0;
	return new Readable({
		read() {
			if (offset >= size) {
				this.push(null);
				return;
			}
			const length = Math.min(chunkSize, size - offset);
			this.push(patternChunk(offset, length, seed));
			offset += length;
		},
	});
}

export function sha256(bytes: Buffer): string {
	return createHash('sha256').update(bytes).digest('hex');
}

/** SHA-256 of patternBytes(size, seed), computed chunk by chunk. */
export function patternSha256(size: number, seed = 1): string {
	const hash = createHash('sha256');
	for (let offset = 0; offset < size; offset += 1024 * 1024)
		hash.update(patternChunk(offset, Math.min(1024 * 1024, size - offset), seed));
	return hash.digest('hex');
}

export interface StoreOptions {
	fileName: string;
	mimeType?: string;
	workflowId?: string;
	executionId?: string;
}

/** Stores bytes the way a node's prepareBinaryData does, in the current mode; returns the item's binary entry. */
export async function storeBinary(
	data: Buffer | Readable,
	options: StoreOptions,
): Promise<IBinaryData> {
	const mimeType = options.mimeType ?? 'application/octet-stream';
	const dot = options.fileName.lastIndexOf('.');
	const binary: IBinaryData = {
		mimeType,
		fileName: options.fileName,
		...(dot > 0 ? { fileExtension: options.fileName.slice(dot + 1) } : {}),
		data: '',
	};
	return await Container.get(BinaryDataService).store(
		FileLocation.ofExecution(
			options.workflowId ?? 'workflow-under-test',
			options.executionId ?? 'binary-fixtures',
		),
		data,
		binary,
	);
}

/** A pattern file of `size` bytes in the current mode (streamed into the store in filesystem mode). */
export async function storePattern(
	size: number,
	seed: number,
	options: StoreOptions,
): Promise<IBinaryData> {
	const mode = Container.get(BinaryDataConfig).mode;
	return await storeBinary(
		mode === 'default' ? patternBytes(size, seed) : patternStream(size, seed),
		options,
	);
}

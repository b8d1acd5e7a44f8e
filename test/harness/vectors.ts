import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Microsoft's documented examples (test/vectors/, copied verbatim from the shared reference). */
export const VECTORS_DIR = process.env.GRAPH_VECTORS_DIR ?? join(__dirname, '../vectors');

export function loadVectors<T = Record<string, unknown>>(file: string): T[] {
	return JSON.parse(readFileSync(join(VECTORS_DIR, file), 'utf8')) as T[];
}

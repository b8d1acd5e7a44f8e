/** Opaque identifiers that look like Exchange's: base64-ish, with a `=` so clients must encode them in URLs. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { MailState } from '../types';

type IdKind =
	| 'message'
	| 'folder'
	| 'attachment'
	| 'conversation'
	| 'changeKey'
	| 'upload'
	| 'immutable';

const KIND_BYTE: Record<IdKind, number> = {
	message: 1,
	folder: 2,
	attachment: 3,
	conversation: 4,
	changeKey: 5,
	upload: 6,
	immutable: 7,
};

const PREFIX: Record<IdKind, string> = {
	message: 'AAMkAG',
	folder: 'AAMkAF',
	attachment: 'AAMkAT',
	conversation: 'AAQkAG',
	changeKey: 'CQAAABYAAA',
	upload: 'AAMkAU',
	immutable: 'AAkALgAAAAAAHYQD',
};

/** Exchange REST ids use `-` and `_` instead of `/` and `+`. */
function exchangeBase64(buf: Buffer): string {
	return buf.toString('base64').replace(/\//g, '-').replace(/\+/g, '_');
}

export function newIdSource(): { prefix: Buffer; counter: number } {
	return { prefix: randomBytes(8), counter: 0 };
}

/** Cheap (no crypto per id) so seeding 10,000 messages stays fast; unique per service via the random prefix. */
export function newId(state: MailState, kind: IdKind): string {
	state.ids.counter += 1;
	const counter = Buffer.alloc(6);
	counter.writeUIntBE(state.ids.counter, 0, 6);
	const body = exchangeBase64(
		Buffer.concat([state.ids.prefix, counter, Buffer.from([KIND_BYTE[kind]])]),
	);
	return kind === 'changeKey' ? `${PREFIX[kind]}${body}` : `${PREFIX[kind]}${body}AAA=`;
}

export function nextOrdinal(state: MailState): number {
	state.ids.counter += 1;
	return state.ids.counter;
}

export function newInternetMessageId(state: MailState): string {
	state.ids.counter += 1;
	return `<EMU${state.ids.counter.toString(16).toUpperCase().padStart(8, '0')}${state.ids.prefix.toString('hex').toUpperCase()}@emulator.local>`;
}

export function newGuid(): string {
	return randomUUID();
}

export function newSecret(bytes = 24): string {
	return randomBytes(bytes).toString('base64url');
}

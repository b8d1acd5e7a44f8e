/** toJSON / load: the whole service state as plain JSON (Buffers as base64, Maps as arrays). */
import type {
	DirectoryUser,
	Mailbox,
	MailboxRights,
	MailState,
	StoredAttachment,
	StoredFolder,
	StoredMessage,
	UploadSession,
} from '../types';

const FORMAT = 'graph-mail-emulator/mail-state@1';

type JsonAttachment = Omit<StoredAttachment, 'bytes'> & { bytes: string };
type JsonMessage = Omit<StoredMessage, 'attachments' | 'previewCache'> & {
	attachments: JsonAttachment[];
};
type JsonFolder = Omit<StoredFolder, 'messageIds'>;

interface JsonMailbox {
	userId: string;
	seq: number;
	removals: Mailbox['removals'];
	wellKnown: Array<[string, string]>;
	folders: JsonFolder[];
	messages: JsonMessage[];
}

interface JsonUpload extends Omit<UploadSession, 'chunks'> {
	bytes: string;
}

export interface MailStateJson {
	format: typeof FORMAT;
	ids: { prefix: string; counter: number };
	tokenKey: string;
	deltaEpoch: number;
	users: DirectoryUser[];
	grants: Array<{ mailboxId: string; delegateId: string; rights: MailboxRights }>;
	mailboxes: JsonMailbox[];
	uploads: JsonUpload[];
	deliveredFingerprints: Array<[string, string[]]>;
	counters: MailState['counters'];
}

function attachmentToJson(a: StoredAttachment): JsonAttachment {
	return { ...a, bytes: a.bytes.toString('base64') };
}

function attachmentFromJson(a: JsonAttachment): StoredAttachment {
	return { ...a, bytes: Buffer.from(a.bytes, 'base64') };
}

function folderToJson(folder: StoredFolder): JsonFolder {
	return {
		id: folder.id,
		displayName: folder.displayName,
		parentFolderId: folder.parentFolderId,
		wellKnownName: folder.wellKnownName,
		isHidden: folder.isHidden,
		inMailboxView: folder.inMailboxView,
	};
}

function messageToJson(message: StoredMessage): JsonMessage {
	const copy: JsonMessage & { previewCache?: string } = {
		...message,
		attachments: message.attachments.map(attachmentToJson),
	};
	delete copy.previewCache; // derived, rebuilt on demand
	return copy;
}

export function stateToJson(state: MailState): MailStateJson {
	return {
		format: FORMAT,
		ids: { prefix: state.ids.prefix.toString('base64'), counter: state.ids.counter },
		tokenKey: state.tokenKey.toString('base64'),
		deltaEpoch: state.deltaEpoch,
		users: [...state.users.values()].map((u) => ({
			...u,
			proxyAddresses: [...u.proxyAddresses],
			businessPhones: [...u.businessPhones],
		})),
		grants: [...state.grants].flatMap(([mailboxId, byDelegate]) =>
			[...byDelegate].map(([delegateId, rights]) => ({
				mailboxId,
				delegateId,
				rights: { ...rights },
			})),
		),
		mailboxes: [...state.mailboxes.values()].map((m) => ({
			userId: m.userId,
			seq: m.seq,
			removals: m.removals.map((r) => ({ ...r })),
			wellKnown: [...m.wellKnown],
			folders: [...m.folders.values()].map(folderToJson),
			messages: [...m.messages.values()].map(messageToJson),
		})),
		uploads: [...state.uploads.values()].map(({ chunks, ...session }) => ({
			...session,
			bytes: Buffer.concat(chunks).toString('base64'),
		})),
		deliveredFingerprints: [...state.deliveredFingerprints].map(([key, prints]) => [
			key,
			[...prints],
		]),
		counters: { ...state.counters },
	};
}

export function stateFromJson(json: unknown): MailState {
	const data = json as MailStateJson;
	if (!data || data.format !== FORMAT)
		throw new Error(`not a mail service state (expected format ${FORMAT})`);
	const state: MailState = {
		users: new Map(data.users.map((u) => [u.id, { ...u }])),
		grants: new Map(),
		mailboxes: new Map(),
		uploads: new Map(),
		deliveredFingerprints: new Map(
			data.deliveredFingerprints.map(([key, prints]) => [key, new Set(prints)]),
		),
		counters: { ...data.counters },
		ids: { prefix: Buffer.from(data.ids.prefix, 'base64'), counter: data.ids.counter },
		deltaEpoch: data.deltaEpoch,
		tokenKey: Buffer.from(data.tokenKey, 'base64'),
	};
	for (const g of data.grants) {
		let byDelegate = state.grants.get(g.mailboxId);
		if (!byDelegate) {
			byDelegate = new Map();
			state.grants.set(g.mailboxId, byDelegate);
		}
		byDelegate.set(g.delegateId, { ...g.rights });
	}
	for (const m of data.mailboxes) {
		const mailbox: Mailbox = {
			userId: m.userId,
			seq: m.seq,
			removals: m.removals.map((r) => ({ ...r, immutableId: r.immutableId ?? r.messageId })),
			wellKnown: new Map(m.wellKnown),
			byImmutableId: new Map(),
			folders: new Map(m.folders.map((f) => [f.id, { ...f, messageIds: new Set<string>() }])),
			messages: new Map(),
		};
		for (const jm of m.messages) {
			const message: StoredMessage = {
				...jm,
				immutableId: jm.immutableId ?? jm.id,
				extendedProperties: jm.extendedProperties ?? [],
				attachments: jm.attachments.map(attachmentFromJson),
			};
			mailbox.messages.set(message.id, message);
			mailbox.byImmutableId.set(message.immutableId, message.id);
			mailbox.folders.get(message.folderId)?.messageIds.add(message.id);
		}
		state.mailboxes.set(mailbox.userId, mailbox);
	}
	for (const { bytes, ...session } of data.uploads) {
		const buffer = Buffer.from(bytes, 'base64');
		state.uploads.set(session.id, {
			...session,
			messageRef: session.messageRef ?? session.messageId,
			chunks: buffer.length ? [buffer] : [],
		});
	}
	return state;
}

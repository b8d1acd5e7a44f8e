import type { IDataObject, INode } from 'n8n-workflow';

import { joinFolderPath, MAX_PATH_DEPTH } from '../helpers/folderPath';
import { idSegment } from '../helpers/pathSegment';
import type { GraphClient } from '../transport/graphClient';
import { ROOT_FOLDER } from './folderResolver';
import type { MailboxRef } from './mailbox';
import { textOf } from '../helpers/valueText';

/**
 * A folder's path (`Inbox/Projects/2026`), read by walking up its parents to the top of the
 * mailbox. Parents already read are remembered in `known` (one per execution), so the folders of
 * one tree cost each parent once.
 */

interface Ancestor {
	displayName: string;
	parentFolderId?: string;
}

export class FolderAncestry {
	private readonly known = new Map<string, Promise<Ancestor>>();
	private readonly roots = new Map<string, Promise<string>>();

	constructor(
		private readonly node: INode,
		private readonly client: GraphClient,
	) {}

	/** Remembers a folder already read (e.g. from the tree or an answer), saving its request. */
	remember(ref: MailboxRef, folder: IDataObject): void {
		if (typeof folder.id !== 'string' || typeof folder.displayName !== 'string') return;
		const parent = typeof folder.parentFolderId === 'string' ? folder.parentFolderId : undefined;
		this.known.set(
			this.key(ref, folder.id),
			Promise.resolve({ displayName: folder.displayName, parentFolderId: parent }),
		);
	}

	/** The path of `folder` from the top of the mailbox; undefined when the walk does not reach it. */
	async pathOf(
		ref: MailboxRef,
		folder: IDataObject,
		itemIndex?: number,
	): Promise<string | undefined> {
		if (typeof folder.id !== 'string') return undefined;
		this.remember(ref, folder);
		try {
			const root = await this.rootId(ref, itemIndex);
			const names: string[] = [];
			let id: string | undefined = folder.id;
			for (let depth = 0; id !== undefined && id !== root; depth++) {
				if (depth > MAX_PATH_DEPTH) return undefined;
				const ancestor = await this.ancestor(ref, id, itemIndex);
				names.unshift(ancestor.displayName);
				id = ancestor.parentFolderId;
			}
			return id === root ? joinFolderPath(names) : undefined;
		} catch {
			// A parent that cannot be read (outside the folder tree, or no access): no path, not a failure.
			return undefined;
		}
	}

	private key(ref: MailboxRef, id: string): string {
		return `${ref.mailbox.toLowerCase()}|${id}`;
	}

	private rootId(ref: MailboxRef, itemIndex?: number): Promise<string> {
		const key = ref.mailbox.toLowerCase();
		let root = this.roots.get(key);
		if (!root) {
			root = this.read(ref, ROOT_FOLDER, itemIndex).then((folder) => textOf(folder.id));
			this.roots.set(key, root);
		}
		return root;
	}

	private ancestor(ref: MailboxRef, id: string, itemIndex?: number): Promise<Ancestor> {
		const key = this.key(ref, id);
		let ancestor = this.known.get(key);
		if (!ancestor) {
			ancestor = this.read(ref, id, itemIndex).then((folder) => ({
				displayName: textOf(folder.displayName ?? folder.id),
				parentFolderId:
					typeof folder.parentFolderId === 'string' ? folder.parentFolderId : undefined,
			}));
			this.known.set(key, ancestor);
		}
		return ancestor;
	}

	private async read(ref: MailboxRef, id: string, itemIndex?: number): Promise<IDataObject> {
		const { body } = await this.client.request<IDataObject>({
			method: 'GET',
			path: `${ref.base}/mailFolders/${idSegment(this.node, id, 'Folder ID', itemIndex)}`,
			qs: { $select: 'id,displayName,parentFolderId' },
			mailbox: ref.mailbox,
			itemIndex,
		});
		return body;
	}
}

import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { TestEnvironment } from '../harness/environment';

export { rl, run, runOk, deliver, requestsTo } from '../getMany/support';

/** Parameters of one Folder operation. */
export function folderParams(operation: string, extra: INodeParameters = {}): INodeParameters {
	return { resource: 'folder', operation, ...extra };
}

/** A locator value By Path. */
export const byPath = (path: string) => ({ __rl: true, mode: 'path', value: path });
/** A locator value By ID (or well-known name). */
export const byId = (id: string) => ({ __rl: true, mode: 'id', value: id });

let counter = 0;
/** A unique folder name for this test file run. */
export const unique = (name: string) => `${name} ${++counter}`;

/** The folders of the mailbox whose parent is `parentId`, by name. */
export function childrenOf(env: TestEnvironment, parentId: string, userId = env.userId) {
	return env.emulator.control
		.mailbox(userId)
		.folders.filter((folder) => folder.parentFolderId === parentId);
}

/** The id of the mailbox's folder with this well-known name. */
export function wellKnownId(env: TestEnvironment, name: string, userId = env.userId): string {
	const folder = env.emulator.control.mailbox(userId).folders.find((f) => f.wellKnownName === name);
	if (!folder) throw new Error(`no ${name}`);
	return folder.id;
}

/** Every request the emulator counted so far (all routes). */
export const allRequests = (env: TestEnvironment) => env.emulator.control.counters().requests;

export const jsonOf = (items: INodeExecutionData[]) => items.map((item) => item.json);

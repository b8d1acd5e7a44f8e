import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { SeedMessage } from '../../emulator/contract';
import type { TestEnvironment } from '../harness/environment';
import { Poller, type PollerOptions } from '../harness/poll';

export const rl = (value: string, mode = 'id') => ({ __rl: true, mode, value });

/** Trigger parameters watching `folders` (ids or well-known names), with overrides. */
export function triggerParams(
	folders: string[] = ['inbox'],
	extra: INodeParameters = {},
): INodeParameters {
	return {
		event: 'newMessage',
		folders: { folder: folders.map((f) => ({ folderId: rl(f) })) },
		...extra,
	};
}

export function poller(
	env: TestEnvironment,
	parameters: INodeParameters,
	options: Partial<PollerOptions> = {},
): Poller {
	return new Poller(env.engine, { parameters, ...options });
}

let folderCounter = 0;
export function newFolder(env: TestEnvironment, name: string, userId = env.userId): string {
	return env.emulator.control.createFolder(userId, `${name} ${++folderCounter}`).id;
}

export function deliver(
	env: TestEnvironment,
	folder: string,
	message: SeedMessage,
	userId = env.userId,
): string {
	return env.emulator.control.deliver(userId, folder, message);
}

export const ids = (items: INodeExecutionData[]) => items.map((item) => item.json.id as string);
export const subjects = (items: INodeExecutionData[]) =>
	items.map((item) => item.json.subject as string);

export function requestsTo(env: TestEnvironment, route: string): number {
	return env.emulator.control.counters().requestsByRoute[route] ?? 0;
}

/** Graph's date-time form: UTC, whole seconds. */
export const graphDate = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Emitted ids that occur more than once. */
export function duplicates(all: string[]): string[] {
	const counts = new Map<string, number>();
	for (const id of all) counts.set(id, (counts.get(id) ?? 0) + 1);
	return [...counts].filter(([, n]) => n > 1).map(([id]) => id);
}

export type { IDataObject };

import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { SeedMessage } from '../../emulator/contract';
import type { TestEnvironment } from '../harness/environment';

import { rl, run, runOk } from '../getMany/support';

export { rl };

let counter = 0;
/** Before every test: no faults left from the one before, the counters at zero. */
export function freshCounters(env: TestEnvironment): void {
	env.emulator.control.clearFaults();
	env.emulator.control.resetCounters();
}

export function newFolder(env: TestEnvironment, name: string): string {
	return env.emulator.control.createFolder(env.userId, `${name} ${++counter}`).id;
}

/** `n` new messages in a new folder; returns the folder and the messages' ids (REST ids, as Get Many gives). */
export function seedMessages(
	env: TestEnvironment,
	n: number,
	extra: Partial<SeedMessage> = {},
): { folder: string; ids: string[] } {
	const folder = newFolder(env, 'Source');
	const ids = Array.from({ length: n }, (_, i) =>
		env.emulator.control.deliver(env.userId, folder, {
			subject: `Message ${i}`,
			receivedDateTime: new Date(Date.UTC(2024, 0, 1, 8, i)).toISOString(),
			...extra,
		}),
	);
	return { folder, ids };
}

/** Items carrying the message ids, and the node's parameters for an operation on `{{ $json.id }}`. */
export const idItems = (ids: string[]): INodeExecutionData[] => ids.map((id) => ({ json: { id } }));

export function params(operation: string, extra: INodeParameters = {}): INodeParameters {
	return { resource: 'message', operation, messageId: rl('={{ $json.id }}'), ...extra };
}

export { run, runOk };

/** The messages of a folder in the emulator's mailbox (subjects), sorted. */
export function subjectsIn(env: TestEnvironment, folderId: string): string[] {
	const folder = env.emulator.control
		.mailbox(env.userId)
		.folders.find((f) => f.id === folderId || f.wellKnownName === folderId);
	return (folder?.messages ?? []).map((m) => m.subject).sort();
}

/** A message as Graph has it now (raw GET through the node's Get), or undefined when not found. */
export async function graphMessage(
	env: TestEnvironment,
	id: string,
): Promise<IDataObject | undefined> {
	const result = await run(env, {
		resource: 'message',
		operation: 'get',
		messageId: rl(id),
		output: 'raw',
	});
	return result.error ? undefined : result.items[0]?.json;
}

export const requestsTo = (env: TestEnvironment, route: string) =>
	env.emulator.control.counters().requestsByRoute[route] ?? 0;

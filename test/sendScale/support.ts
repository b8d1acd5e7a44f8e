import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { RunNodeOptions, RunNodeResult } from '../harness/engine';
import {
	ADELE,
	sendParams,
	startSendEnvironment,
	type RecordedRequest,
	type SendEnvironment,
} from '../send/support';

export { ADELE, ALEX, MEGAN, uniqueSubject } from '../send/support';
export type { SendEnvironment };

export const KEY_ID = /^<[0-9a-f]{32}\.[0-9a-z]+@graph-mail\.n8n>$/;

/** The send environment (recording proxy in front of the emulator) with scale helpers. */
export async function startScaleEnvironment(): Promise<SendEnvironment> {
	return await startSendEnvironment();
}

/** Back to a quiet emulator between tests: no faults, no server time, counters at zero. */
export function quiet(env: SendEnvironment): void {
	env.clear();
	env.emulator.control.setOptions({ serverTimeMs: 0, latencyMs: 0, maxConcurrentPerMailbox: 4 });
}

/** Parameters that take recipient, subject (and optionally From / Mailbox) from each item's JSON. */
export function perItemParams(
	options: INodeParameters = {},
	delivery: INodeParameters = {},
): INodeParameters {
	return sendParams(
		{
			toRecipients: '={{ $json.to }}',
			subject: '={{ $json.subject }}',
			bodyContent: '={{ "Hello " + $json.n }}',
		},
		{ from: '={{ $json.from || "" }}', mailbox: '={{ $json.mailbox || "" }}', ...options },
		delivery,
	);
}

/** `n` items, each a mail to its own external recipient (so the emulator counts each delivery). */
export function mailItems(
	n: number,
	subject: string,
	extra: (i: number) => Record<string, unknown> = () => ({}),
): INodeExecutionData[] {
	return Array.from({ length: n }, (_, i) => ({
		json: {
			n: i,
			to: `r${i}.${subject.replace(/[^a-z0-9]/gi, '').toLowerCase()}@example.com`,
			subject: `${subject} ${i}`,
			...extra(i),
		},
	}));
}

export async function run(
	env: SendEnvironment,
	parameters: INodeParameters,
	options: Partial<RunNodeOptions> = {},
): Promise<RunNodeResult> {
	return await env.engine.runNode({ parameters, ...options });
}

export async function runOk(
	env: SendEnvironment,
	parameters: INodeParameters,
	options: Partial<RunNodeOptions> = {},
): Promise<INodeExecutionData[]> {
	const result = await run(env, parameters, options);
	if (result.error)
		throw new Error(`node failed: ${result.error.message}\n${result.error.description ?? ''}`);
	return result.items;
}

/** The `$batch` HTTP requests that carried sends, with their sub-request counts. */
export function sendBatches(env: SendEnvironment): RecordedRequest[] {
	return env.recorded.filter(
		(r) =>
			r.method === 'POST' &&
			/^\/(\$|%24)batch$/.test(r.path) &&
			(r.json?.requests as Array<{ url: string }> | undefined)?.some((s) =>
				/\/sendMail$/.test(s.url),
			),
	);
}

export function subRequestCount(batch: RecordedRequest): number {
	return (batch.json!.requests as unknown[]).length;
}

/** Deliveries and duplicates since the last counter reset. */
export function deliveries(env: SendEnvironment): { delivered: number; duplicates: number } {
	const counters = env.emulator.control.counters();
	return { delivered: counters.delivered, duplicates: counters.duplicatesDelivered };
}

/** Copies in Adele's Sent Items per subject prefix. */
export function sentCopies(
	env: SendEnvironment,
	prefix: string,
	userId: string = ADELE.id,
): Map<string, number> {
	const copies = new Map<string, number>();
	for (const message of env.folder(userId, 'sentitems')) {
		if (message.subject.startsWith(prefix))
			copies.set(message.subject, (copies.get(message.subject) ?? 0) + 1);
	}
	return copies;
}

export function peakInFlight(env: SendEnvironment, userId: string = ADELE.id): number {
	return env.emulator.control.counters().peakInFlightByMailbox[userId.toLowerCase()] ?? 0;
}

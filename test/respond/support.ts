/**
 * Reply, Reply All and Forward tests: the send environment (recording proxy in front of the
 * emulator, connected as Adele) with originals delivered to Adele's Inbox from external senders,
 * and the replies found again in her Sent Items.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { ADELE, MEGAN, useSendEnvironment, type SendEnvironment } from '../send/support';

export { ADELE, MEGAN };
export type { SendEnvironment };

/** The respond tests' environment: started once per file, `quiet` before every test. */
export function useRespondEnvironment(started: (env: SendEnvironment) => void): void {
	useSendEnvironment(started, quiet);
}

export function quiet(env: SendEnvironment): void {
	env.clear();
	env.emulator.control.setOptions({ serverTimeMs: 0, latencyMs: 0, maxConcurrentPerMailbox: 4 });
}

let counter = 0;

/** `n` originals in Adele's Inbox, each from its own external sender and with its own subject. */
export function deliverOriginals(
	env: SendEnvironment,
	n: number,
	label: string,
	extra: IDataObject = {},
): Array<{ id: string; subject: string; from: string }> {
	const run = `${label} ${++counter}${Date.now().toString(36)}`;
	return Array.from({ length: n }, (_, i) => {
		const subject = `${run} #${i}`;
		const from = `sender${i}.${counter}@example.com`;
		const id = env.emulator.control.deliver(ADELE.id, 'inbox', {
			subject,
			from: { name: `Sender ${i}`, address: from },
			toRecipients: [
				{ address: ADELE.userPrincipalName },
				{ address: `colleague${i}@example.com` },
			],
			body: { contentType: 'text', content: `Original ${i}` },
			...extra,
		});
		return { id, subject, from };
	});
}

export function itemsFor(originals: Array<{ id: string }>): INodeExecutionData[] {
	return originals.map((original, n) => ({ json: { id: original.id, n } }));
}

/** Parameters of Reply / Reply All / Forward, the message from each item's JSON. */
export function respondParams(
	operation: 'reply' | 'replyAll' | 'forward',
	fields: INodeParameters = {},
	options: INodeParameters = {},
	delivery: INodeParameters = {},
): INodeParameters {
	return {
		resource: 'message',
		operation,
		messageId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
		bodyMode: 'comment',
		comment: '={{ "Thanks, number " + $json.n }}',
		...(operation === 'forward' ? { toRecipients: 'partner@example.com' } : {}),
		...fields,
		options,
		delivery,
	};
}

/** Adele's Sent Items messages whose subject is `prefix` + one of the subjects, per subject. */
export function sentFor(
	env: SendEnvironment,
	prefix: 'RE: ' | 'FW: ',
	subjects: string[],
): Map<string, number> {
	const counts = new Map<string, number>(subjects.map((subject) => [subject, 0]));
	for (const message of env.folder(ADELE.id, 'sentitems')) {
		const subject = message.subject.slice(prefix.length);
		if (message.subject.startsWith(prefix) && counts.has(subject))
			counts.set(subject, (counts.get(subject) ?? 0) + 1);
	}
	return counts;
}

/** Every original answered exactly once. */
export function onceEach(counts: Map<string, number>): boolean {
	return [...counts.values()].every((count) => count === 1);
}

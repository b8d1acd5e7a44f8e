/**
 * Reply, Reply All and Forward in n8n's engine against the emulator: each option on the wire and
 * in the mailbox, the thread kept, the bulk path through `$batch`, a missing message, bad input.
 */
import { setBinaryMode } from '../harness/binaryData';
import {
	ADELE,
	deliverOriginals,
	itemsFor,
	onceEach,
	quiet,
	respondParams,
	sentFor,
	startRespondEnvironment,
	type SendEnvironment,
} from './support';

let env: SendEnvironment;

beforeAll(async () => {
	await setBinaryMode('default');
	env = await startRespondEnvironment();
});
afterAll(async () => {
	await env.stop();
});
beforeEach(() => quiet(env));

async function runOk(parameters: Parameters<typeof respondParams>[1] & object, items: ReturnType<typeof itemsFor>) {
	const result = await env.engine.runNode({ parameters, items });
	if (result.error)
		throw new Error(`node failed: ${result.error.message}\n${result.error.description ?? ''}`);
	return result.items;
}

describe('Reply', () => {
	it('replies with a comment in the original thread, 20 per $batch', async () => {
		const originals = deliverOriginals(env, 25, 'Reply comment');
		const items = await runOk(respondParams('reply'), itemsFor(originals));
		expect(items.map((item) => item.json.status)).toEqual(Array(25).fill('sent'));
		expect(items[0]!.json).toMatchObject({
			operation: 'reply',
			originalMessageId: originals[0]!.id,
			alreadySent: false,
		});
		expect(onceEach(sentFor(env, 'RE: ', originals.map((o) => o.subject)))).toBe(true);
		// one POST .../reply per item, all of them inside $batch requests
		const replies = env.graphRequests('POST', /\/messages\/[^/]+\/reply$/);
		expect(replies).toHaveLength(25);
		expect(replies.every((r) => r.viaBatch)).toBe(true);
		expect(replies[3]!.json).toMatchObject({ comment: 'Thanks, number 3' });
		// the thread: same conversation, In-Reply-To the original's Message-ID
		const original = await env.graphGet(
			ADELE.id,
			`/users/${ADELE.id}/messages/${originals[3]!.id}?$select=conversationId,internetMessageId`,
		);
		const sent = env
			.folder(ADELE.id, 'sentitems')
			.find((m) => m.subject === `RE: ${originals[3]!.subject}`)!;
		const reply = await env.graphGet(
			ADELE.id,
			`/users/${ADELE.id}/messages/${sent.id}?$select=conversationId,toRecipients,body`,
		);
		expect(reply.conversationId).toBe(original.conversationId);
		expect(sent.internetMessageHeaders).toEqual(
			expect.arrayContaining([{ name: 'In-Reply-To', value: original.internetMessageId }]),
		);
		expect(sent.to).toEqual([originals[3]!.from]);
		expect((reply.body as { content: string }).content).toContain('Thanks, number 3');
		expect((reply.body as { content: string }).content).toContain('Original 3');
	});
});

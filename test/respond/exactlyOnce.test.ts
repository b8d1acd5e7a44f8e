/**
 * Reply, Reply All and Forward send nothing twice: every fault kind on the `$batch` path (429 with
 * Retry-After and 503 per sub-request, 5xx and lost answers after the replies ran, connection
 * resets), on the draft path, under Retry On Fail and n8n's Retry of a failed execution. A lost
 * answer is resolved by looking for the reply's key (an extended property) in the mailbox.
 */
import type { FaultSpec } from '../../emulator/contract';
import { storePattern } from '../harness/binaryData';
import { REPLY_KEY_PROPERTY_ID } from '../../nodes/GraphMail/actions/message/respond/replyKey';
import {
	ADELE,
	deliverOriginals,
	itemsFor,
	onceEach,
	respondParams,
	sentFor,
	useRespondEnvironment,
	type SendEnvironment,
} from './support';

let env: SendEnvironment;
useRespondEnvironment((started) => (env = started));

const replyRuns = () => env.graphRequests('POST', /\/reply$/).filter((r) => r.status === 202);

describe('every reply once, whatever the fault', () => {
	// 3 items: 6 keys, one look as a plain GET, so the first `$batch` is the replies'.
	const N = 3;
	it.each<[string, FaultSpec, number]>([
		// [label, fault, replies the emulator carried out]
		[
			'429 with Retry-After on one sub-request',
			{ route: 'replyMessage', kind: '429', retryAfter: '0.1', inBatch: true },
			N,
		],
		['503 on one sub-request', { route: 'replyMessage', kind: '503', inBatch: true }, N],
		[
			'504 on one sub-request (looked up, then sent)',
			{ route: 'replyMessage', kind: '504', inBatch: true },
			N,
		],
		['the $batch answer lost after the replies ran', { route: 'batch', kind: 'lostResponse' }, N],
		[
			'a sub-request answer lost after it ran',
			{ route: 'replyMessage', kind: 'lostResponse', inBatch: true },
			N,
		],
		['connection reset before the $batch ran', { route: 'batch', kind: 'reset' }, N],
		['503 on the whole $batch', { route: 'batch', kind: '503', retryAfter: '0.1' }, N],
	])('%s', async (_label, fault, carriedOut) => {
		const originals = deliverOriginals(env, N, `Fault ${fault.kind}`);
		env.emulator.control.injectFault(fault);
		const result = await env.engine.runNode({
			parameters: respondParams('reply'),
			items: itemsFor(originals),
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.status)).toEqual(Array(N).fill('sent'));
		const counts = sentFor(
			env,
			'RE: ',
			originals.map((o) => o.subject),
		);
		expect(onceEach(counts)).toBe(true);
		expect(env.emulator.control.counters().duplicatesDelivered).toBe(0);
		expect(replyRuns().length).toBeLessThanOrEqual(carriedOut);
	});

	it('the reply carries its key as an extended property; a lost answer is resolved by a look for it', async () => {
		const originals = deliverOriginals(env, 3, 'Key lookup');
		env.emulator.control.injectFault({ route: 'batch', kind: 'lostResponse' });
		await env.engine.runNode({ parameters: respondParams('reply'), items: itemsFor(originals) });
		const [request] = env.graphRequests('POST', /\/reply$/);
		expect(request!.json!.message).toEqual({
			singleValueExtendedProperties: [
				{
					id: REPLY_KEY_PROPERTY_ID,
					value: expect.stringMatching(/^<[0-9a-f]{32}\.[0-9a-z]+@graph-mail\.n8n>$/),
				},
			],
		});
		const looks = env.graphRequests('GET', /\/messages\?\$filter=/);
		// one look before sending, one after the lost answer
		expect(looks).toHaveLength(2);
		expect(decodeURIComponent(looks[1]!.path)).toContain(
			`singleValueExtendedProperties/any(ep: ep/id eq '${REPLY_KEY_PROPERTY_ID}' and ep/value eq '<`,
		);
		expect(env.graphRequests('POST', /\/reply$/)).toHaveLength(3);
		expect(
			onceEach(
				sentFor(
					env,
					'RE: ',
					originals.map((o) => o.subject),
				),
			),
		).toBe(true);
	});

	it('the draft path: a lost answer to the send is resolved by looking at the draft', async () => {
		const [original] = deliverOriginals(env, 1, 'Draft lost');
		const file = await storePattern(500, 4, { fileName: 'a.txt', mimeType: 'text/plain' });
		env.emulator.control.injectFault({ route: 'sendDraft', kind: 'lostResponse' });
		const result = await env.engine.runNode({
			parameters: respondParams(
				'replyAll',
				{},
				{ attachments: { attachment: [{ binaryPropertyName: 'file' }] } },
			),
			items: [{ json: { id: original!.id, n: 0 }, binary: { file } }],
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0]!.json.status).toBe('sent');
		expect(onceEach(sentFor(env, 'RE: ', [original!.subject]))).toBe(true);
		expect(env.emulator.control.counters().duplicatesDelivered).toBe(0);
	});
});

describe('retries', () => {
	it('Retry On Fail after a mid-run failure: the retry skips the replies already sent', async () => {
		const originals = deliverOriginals(env, 6, 'Retry on fail');
		// Item 3 goes the draft path (a file); its send is throttled once with Max Attempts 1, which
		// fails the node; n8n runs it again.
		const file = await storePattern(300, 5, { fileName: 'b.txt', mimeType: 'text/plain' });
		env.emulator.control.injectFault({ route: 'sendDraft', kind: '429', retryAfter: '0.1' });
		const result = await env.engine.runNode({
			parameters: respondParams(
				'reply',
				{},
				{
					attachments: {
						attachment: [{ binaryPropertyName: '={{ $json.n === 3 ? "file" : "" }}' }],
					},
				},
				{ maxAttempts: 1 },
			),
			items: itemsFor(originals).map((item) => ({ ...item, binary: { file } })),
			retryOnFail: true,
			maxTries: 2,
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.status)).toEqual([
			'skipped',
			'skipped',
			'skipped',
			'sent',
			'skipped',
			'skipped',
		]);
		const skipped = result.items.find((item) => item.json.status === 'skipped')!;
		expect(skipped.json.skippedBecause).toMatch(
			/^This execution already sent this reply at .+, before a retry; it was not sent again$/,
		);
		expect(result.hints[0]?.message).toMatch(
			/^5 replies were not sent again \(items 0, 1, 2, 4 and 5\)/,
		);
		expect(
			onceEach(
				sentFor(
					env,
					'RE: ',
					originals.map((o) => o.subject),
				),
			),
		).toBe(true);
	});

	it("n8n's Retry of a failed execution sends nothing twice; a new execution replies again", async () => {
		const originals = deliverOriginals(env, 4, 'Retried execution');
		const items = itemsFor(originals);
		const first = await env.engine.runNode({
			parameters: respondParams('forward'),
			items,
			executionId: 'failed-respond',
		});
		expect(first.items.map((item) => item.json.status)).toEqual(Array(4).fill('sent'));
		const customData = first.run.data.resultData.metadata as Record<string, string>;
		env.clear();
		const again = await env.engine.runNode({
			parameters: respondParams('forward'),
			items,
			executionId: 'retry-respond',
			mode: 'retry',
			customData,
		});
		expect(again.items.map((item) => item.json.status)).toEqual(Array(4).fill('skipped'));
		expect(again.items[0]!.json.messageId).toEqual(expect.any(String));
		expect(env.graphRequests('POST', /\/forward$/)).toHaveLength(0);
		expect(
			onceEach(
				sentFor(
					env,
					'FW: ',
					originals.map((o) => o.subject),
				),
			),
		).toBe(true);
		// a new execution is new work: it forwards again
		const fresh = await env.engine.runNode({
			parameters: respondParams('forward'),
			items,
			executionId: 'new-respond',
		});
		expect(fresh.items.map((item) => item.json.status)).toEqual(Array(4).fill('sent'));
		expect([
			...sentFor(
				env,
				'FW: ',
				originals.map((o) => o.subject),
			).values(),
		]).toEqual([2, 2, 2, 2]);
	});

	it('Save as Draft retried: the draft saved before is reported, no second draft', async () => {
		const [original] = deliverOriginals(env, 1, 'Draft retry');
		const items = itemsFor([original!]);
		const parameters = respondParams('reply', {}, { saveAsDraft: true });
		const first = await env.engine.runNode({ parameters, items, executionId: 'draft-once' });
		expect(first.items[0]!.json.status).toBe('draftSaved');
		const again = await env.engine.runNode({
			parameters,
			items,
			executionId: 'draft-retry',
			mode: 'retry',
			customData: first.run.data.resultData.metadata as Record<string, string>,
		});
		expect(again.items[0]!.json).toMatchObject({
			status: 'skipped',
			draftId: first.items[0]!.json.draftId,
		});
		expect(
			env.folder(ADELE.id, 'drafts').filter((m) => m.subject === `RE: ${original!.subject}`),
		).toHaveLength(1);
	});

	it("Don't Resend on Retry off: no key, no look", async () => {
		const originals = deliverOriginals(env, 2, 'No key');
		await env.engine.runNode({
			parameters: respondParams('reply', {}, {}, { exactlyOnce: false }),
			items: itemsFor(originals),
		});
		expect(env.graphRequests('GET', /\/messages\?\$filter=/)).toHaveLength(0);
		expect(env.graphRequests('POST', /\/reply$/)[0]!.json).toEqual({ comment: 'Thanks, number 0' });
	});
});

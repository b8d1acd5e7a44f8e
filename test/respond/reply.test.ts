/**
 * Reply, Reply All and Forward in n8n's engine against the emulator: each option on the wire and
 * in the mailbox, the thread kept, the bulk path through `$batch`, a missing message, bad input.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { storePattern } from '../harness/binaryData';
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

async function runOk(
	parameters: ReturnType<typeof respondParams>,
	items: INodeExecutionData[],
	extra: { continueOnFail?: boolean } = {},
) {
	const result = await env.engine.runNode({ parameters, items, ...extra });
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
		expect(
			onceEach(
				sentFor(
					env,
					'RE: ',
					originals.map((o) => o.subject),
				),
			),
		).toBe(true);
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

describe('Reply All and Forward', () => {
	it('Reply All: sender and every other recipient, a full HTML body, importance, extra CC and BCC', async () => {
		const [original] = deliverOriginals(env, 1, 'Reply all', {
			ccRecipients: [{ address: 'watcher@example.com' }],
		});
		const items = await runOk(
			respondParams(
				'replyAll',
				{ bodyMode: 'body', bodyContentType: 'html', bodyContent: '<p>All <b>set</b></p>' },
				{
					importance: 'high',
					ccRecipients: 'boss@example.com',
					bccRecipients: 'audit@example.com',
				},
			),
			itemsFor([original!]),
		);
		expect(items[0]!.json).toMatchObject({ status: 'sent', operation: 'replyAll' });
		const [request] = env.graphRequests('POST', /\/replyAll$/);
		expect(request!.json).toEqual({
			message: expect.objectContaining({
				body: { contentType: 'HTML', content: '<p>All <b>set</b></p>' },
				importance: 'high',
				ccRecipients: [{ emailAddress: { address: 'boss@example.com' } }],
				bccRecipients: [{ emailAddress: { address: 'audit@example.com' } }],
			}),
		});
		const sent = env
			.folder(ADELE.id, 'sentitems')
			.find((m) => m.subject === `RE: ${original!.subject}`)!;
		expect(sent.to).toEqual([original!.from, 'colleague0@example.com']);
		expect(sent.cc.sort()).toEqual(['boss@example.com', 'watcher@example.com']);
		expect(sent.bcc).toEqual(['audit@example.com']);
		expect(sent.body.content).toContain('<p>All <b>set</b></p>');
		const details = await env.graphGet(
			ADELE.id,
			`/users/${ADELE.id}/messages/${sent.id}?$select=importance`,
		);
		expect(details.importance).toBe('high');
	});

	it("Forward: to the given recipients with the original's attachments kept", async () => {
		const [original] = deliverOriginals(env, 1, 'Forward', {
			attachments: [
				{ name: 'report.pdf', contentType: 'application/pdf', bytes: Buffer.from('pdf bytes') },
			],
		});
		const items = await runOk(
			respondParams('forward', { toRecipients: 'partner@example.com, "Lee, Bo" <bo@example.com>' }),
			itemsFor([original!]),
		);
		expect(items[0]!.json).toMatchObject({ status: 'sent', operation: 'forward' });
		const [request] = env.graphRequests('POST', /\/forward$/);
		expect(request!.json).toMatchObject({
			comment: 'Thanks, number 0',
			toRecipients: [
				{ emailAddress: { address: 'partner@example.com' } },
				{ emailAddress: { address: 'bo@example.com', name: 'Lee, Bo' } },
			],
		});
		const sent = env
			.folder(ADELE.id, 'sentitems')
			.find((m) => m.subject === `FW: ${original!.subject}`)!;
		expect(sent.to).toEqual(['partner@example.com', 'bo@example.com']);
		expect(sent.attachments.map((a) => [a.name, a.size])).toEqual([['report.pdf', 9]]);
	});
});

describe('attachments and drafts', () => {
	it('a reply with a small file, an inline image and a 3.5 MB file goes through createReply and an upload session, in the thread', async () => {
		const [original] = deliverOriginals(env, 1, 'Reply files');
		const small = await storePattern(1000, 1, { fileName: 'notes.txt', mimeType: 'text/plain' });
		const logo = await storePattern(2000, 2, { fileName: 'logo.png', mimeType: 'image/png' });
		const large = await storePattern(3_500_000, 3, { fileName: 'big.bin' });
		const items = await runOk(
			respondParams(
				'reply',
				{ bodyMode: 'body', bodyContentType: 'html', bodyContent: '<img src="cid:logo">' },
				{
					attachments: {
						attachment: [
							{ binaryPropertyName: 'small,large' },
							{ binaryPropertyName: 'logo', isInline: true, contentId: 'logo' },
						],
					},
				},
			),
			[{ json: { id: original!.id, n: 0 }, binary: { small, large, logo } }],
		);
		expect(items[0]!.json).toMatchObject({
			status: 'sent',
			attachments: [
				{ name: 'notes.txt', size: 1000, uploadedVia: 'inline' },
				{ name: 'big.bin', size: 3_500_000, uploadedVia: 'uploadSession' },
				{ name: 'logo.png', size: 2000, isInline: true, uploadedVia: 'inline' },
			],
		});
		expect(env.graphRequests('POST', /\/createReply$/)).toHaveLength(1);
		expect(env.graphRequests('POST', /\/attachments\/createUploadSession$/)).toHaveLength(1);
		expect(env.graphRequests('POST', /\/reply$/)).toHaveLength(0);
		const sent = env
			.folder(ADELE.id, 'sentitems')
			.find((m) => m.subject === `RE: ${original!.subject}`)!;
		expect(sent.attachments.map((a) => [a.name, a.size, a.isInline]).sort()).toEqual([
			['big.bin', 3_500_000, false],
			['logo.png', 2000, true],
			['notes.txt', 1000, false],
		]);
		const originalDetails = await env.graphGet(
			ADELE.id,
			`/users/${ADELE.id}/messages/${original!.id}?$select=conversationId,internetMessageId`,
		);
		const reply = await env.graphGet(
			ADELE.id,
			`/users/${ADELE.id}/messages/${sent.id}?$select=conversationId`,
		);
		expect(reply.conversationId).toBe(originalDetails.conversationId);
		expect(sent.internetMessageHeaders).toEqual(
			expect.arrayContaining([{ name: 'In-Reply-To', value: originalDetails.internetMessageId }]),
		);
		// the output's id is immutable (Prefer: IdType="ImmutableId"): it opens the sent reply
		const byOutputId = await env.graphGet(
			ADELE.id,
			`/users/${ADELE.id}/messages/${String(items[0]!.json.messageId)}?$select=subject,isDraft`,
		);
		expect(byOutputId).toMatchObject({ subject: `RE: ${original!.subject}`, isDraft: false });
	});

	it("Forward with a file of its own: createForward keeps the original's attachments and adds the new one", async () => {
		const [original] = deliverOriginals(env, 1, 'Forward files', {
			attachments: [
				{ name: 'orig.pdf', contentType: 'application/pdf', bytes: Buffer.from('x'.repeat(50)) },
			],
		});
		const extra = await storePattern(4000, 6, { fileName: 'added.csv', mimeType: 'text/csv' });
		const items = await runOk(
			respondParams(
				'forward',
				{ bodyMode: 'body', bodyContentType: 'text', bodyContent: 'See both files' },
				{
					attachments: { attachment: [{ binaryPropertyName: 'extra' }] },
					ccRecipients: 'cc@example.com',
				},
			),
			[{ json: { id: original!.id, n: 0 }, binary: { extra } }],
		);
		expect(items[0]!.json).toMatchObject({ status: 'sent', operation: 'forward' });
		const [create] = env.graphRequests('POST', /\/createForward$/);
		expect(create!.json).toMatchObject({
			toRecipients: [{ emailAddress: { address: 'partner@example.com' } }],
			message: {
				body: { contentType: 'Text', content: 'See both files' },
				ccRecipients: [{ emailAddress: { address: 'cc@example.com' } }],
				attachments: [expect.objectContaining({ name: 'added.csv' })],
			},
		});
		const sent = env
			.folder(ADELE.id, 'sentitems')
			.find((m) => m.subject === `FW: ${original!.subject}`)!;
		expect(sent.attachments.map((a) => [a.name, a.size]).sort()).toEqual([
			['added.csv', 4000],
			['orig.pdf', 50],
		]);
		expect(sent.cc).toEqual(['cc@example.com']);
	});

	it('Save as Draft keeps the forward in Drafts and returns its id and link; nothing is sent', async () => {
		const [original] = deliverOriginals(env, 1, 'Draft forward');
		const items = await runOk(
			respondParams('forward', {}, { saveAsDraft: true }),
			itemsFor([original!]),
		);
		const draft = env
			.folder(ADELE.id, 'drafts')
			.find((m) => m.subject === `FW: ${original!.subject}`)!;
		expect(items[0]!.json).toMatchObject({
			status: 'draftSaved',
			operation: 'forward',
			webLink: expect.stringContaining('http'),
		});
		const byOutputId = await env.graphGet(
			ADELE.id,
			`/users/${ADELE.id}/messages/${String(items[0]!.json.draftId)}?$select=id,isDraft`,
		);
		expect(byOutputId).toMatchObject({ isDraft: true });
		expect(draft.to).toEqual(['partner@example.com']);
		expect(env.graphRequests('POST', /\/send$/)).toHaveLength(0);
		expect(env.emulator.control.counters().delivered).toBe(0);
	});
});

describe('missing messages and bad input', () => {
	it('a message that no longer exists is an item error naming its id; Continue On Fail carries on', async () => {
		const originals = deliverOriginals(env, 3, 'Missing');
		const gone = 'AAMkAGoneMessageAAA=';
		const items = await runOk(
			respondParams('reply'),
			[
				...itemsFor(originals.slice(0, 1)),
				{ json: { id: gone, n: 1 } },
				...itemsFor(originals.slice(2)),
			],
			{ continueOnFail: true },
		);
		expect(items.map((item) => item.json.status ?? 'error')).toEqual(['sent', 'error', 'sent']);
		expect(items[1]!.json.error).toBe(
			`Message: there is no message '${gone}' in the connected account's mailbox to reply to [item 1]`,
		);
		expect(items[1]!.pairedItem).toEqual({ item: 1 });
		const sent = sentFor(
			env,
			'RE: ',
			originals.map((o) => o.subject),
		);
		expect([...sent.values()]).toEqual([1, 0, 1]);
	});

	it('without Continue On Fail the missing message stops the node and says what was done', async () => {
		const [original] = deliverOriginals(env, 1, 'Missing stop');
		const result = await env.engine.runNode({
			parameters: respondParams('forward'),
			items: [{ json: { id: 'AAMkAGoneAgainAAA=', n: 0 } }, ...itemsFor([original!])],
		});
		expect(result.error?.message).toBe(
			"Message: there is no message 'AAMkAGoneAgainAAA=' in the connected account's mailbox to forward [item 0]",
		);
		expect(result.error?.description).toMatch(
			/Item 1 was sent or saved before this error; retrying this execution does not send it again\.$/,
		);
	});

	it.each([
		[
			'Forward without To',
			'forward',
			{ toRecipients: '' },
			{},
			'To: no recipient: a forward needs at least one address in To [item 1]',
		],
		[
			'a bad CC address',
			'reply',
			{},
			{ ccRecipients: '={{ $json.n === 1 ? "bob@" : "" }}' },
			"CC: 'bob@' is not an email address [item 1]",
		],
		[
			'a missing binary field',
			'replyAll',
			{},
			{
				attachments: { attachment: [{ binaryPropertyName: '={{ $json.n === 1 ? "nope" : "" }}' }] },
			},
			/^Attachments: .*nope.* \[item 1\]$/,
		],
	] as const)(
		'%s: an item error naming item and field, nothing sent',
		async (_label, operation, fields, options, message) => {
			const originals = deliverOriginals(env, 2, 'Bad input');
			const result = await env.engine.runNode({
				parameters: respondParams(
					operation,
					{
						...(operation === 'forward'
							? { toRecipients: '={{ $json.n === 1 ? "" : "p@example.com" }}' }
							: {}),
						...(operation === 'forward' ? {} : fields),
					},
					options as never,
				),
				items: itemsFor(originals),
			});
			if (typeof message === 'string') expect(result.error?.message).toBe(message);
			else expect(result.error?.message).toMatch(message);
			expect(result.error?.description).toMatch(/Nothing was sent\./);
			expect(
				env.graphRequests(
					'POST',
					/\/(reply|replyAll|forward|createReply|createReplyAll|createForward)$/,
				),
			).toHaveLength(0);
		},
	);
});

/**
 * Draft > Send: a draft goes out exactly once. A lost answer after Graph sent it, Retry On Fail
 * and n8n's Retry of the failed execution report it as skipped (and one mail is delivered); a
 * draft that was sent before (another execution, by hand) or is missing is an item error before
 * anything is sent; Replace Recipients sets To/CC/BCC first.
 */
import {
	ADELE,
	ALEX,
	MEGAN,
	createParams,
	deliveries,
	graphCall,
	rl,
	useSendEnvironment,
	uniqueSubject,
	type SendEnvironment,
} from './support';

let env: SendEnvironment;
useSendEnvironment((started) => (env = started));

async function newDraft(subject: string, to = MEGAN.userPrincipalName): Promise<string> {
	const result = await env.engine.runNode({
		parameters: createParams({ subject, toRecipients: to }),
	});
	expect(result.error).toBeUndefined();
	return result.items[0]!.json.id as string;
}

const sendParams = (draftId: string, extra: Record<string, unknown> = {}) => ({
	resource: 'draft',
	operation: 'send',
	draftId: rl(draftId),
	...extra,
});

/** A fault's path pattern for one message: its id without the `=` padding (percent-encoded in paths). */
function idPattern(id: string): string {
	return id.replace(/=+$/, '').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function inboxCopies(userId: string, subject: string): number {
	return env.folder(userId, 'inbox').filter((message) => message.subject === subject).length;
}

describe('Draft > Send', () => {
	it('sends a draft once and says so', async () => {
		const subject = uniqueSubject('Send draft');
		const draftId = await newDraft(subject);
		env.clear();
		const result = await env.engine.runNode({ parameters: sendParams(draftId) });
		expect(result.error).toBeUndefined();
		expect(result.items[0]!.json).toMatchObject({ status: 'sent', alreadySent: false, draftId });
		expect(deliveries(env)).toEqual({ delivered: 1, duplicates: 0 });
		expect(env.folder(ADELE.id, 'drafts').filter((m) => m.subject === subject)).toHaveLength(0);
		expect(env.folder(ADELE.id, 'sentitems').filter((m) => m.subject === subject)).toHaveLength(1);
	});

	it('a lost answer after Graph sent it: found sent, not sent again, one mail delivered', async () => {
		const subject = uniqueSubject('Lost answer');
		const draftId = await newDraft(subject);
		env.clear();
		env.emulator.control.injectFault({ route: 'sendDraft', kind: 'lostResponse', inBatch: true });
		const result = await env.engine.runNode({ parameters: sendParams(draftId) });
		expect(result.error).toBeUndefined();
		expect(result.items[0]!.json).toMatchObject({ status: 'sent', draftId });
		expect(env.emulator.control.counters().faultsServed.lostResponse).toBe(1);
		expect(deliveries(env)).toEqual({ delivered: 1, duplicates: 0 });
		expect(inboxCopies(MEGAN.id, subject)).toBe(1);
	});

	it('Retry On Fail after a later item failed: the sent draft is skipped, the rest sent, each once', async () => {
		const subjects = [uniqueSubject('Retry 0'), uniqueSubject('Retry 1')];
		const ids = [await newDraft(subjects[0]!), await newDraft(subjects[1]!)];
		env.clear();
		// The second draft's send is throttled as often as the client tries (6, the default): the node fails.
		env.emulator.control.injectFault({
			route: 'sendDraft',
			kind: '429',
			retryAfter: '0.01',
			inBatch: true,
			pathPattern: idPattern(ids[1]!),
			times: 6,
		});
		const items = ids.map((id) => ({ json: { id } }));
		const result = await env.engine.runNode({
			parameters: { resource: 'draft', operation: 'send', draftId: rl('={{ $json.id }}') },
			items,
			retryOnFail: true,
			maxTries: 2,
		});
		expect(result.error).toBeUndefined();
		expect(env.emulator.control.counters().faultsServed['429']).toBe(6);
		expect(result.items.map((item) => item.json.status)).toEqual(['skipped', 'sent']);
		expect(deliveries(env)).toEqual({ delivered: 2, duplicates: 0 });
		for (const subject of subjects) expect(inboxCopies(MEGAN.id, subject)).toBe(1);
	});

	it('stopping at a failed send says which drafts went out before it', async () => {
		const ids = [
			await newDraft(uniqueSubject('Went out')),
			await newDraft(uniqueSubject('Throttled')),
		];
		env.clear();
		env.emulator.control.injectFault({
			route: 'sendDraft',
			kind: '429',
			retryAfter: '0.01',
			inBatch: true,
			pathPattern: idPattern(ids[1]!),
			times: 6,
		});
		const result = await env.engine.runNode({
			parameters: { resource: 'draft', operation: 'send', draftId: rl('={{ $json.id }}') },
			items: ids.map((id) => ({ json: { id } })),
		});
		expect(result.error?.message).toMatch(/\[item 1\]$/);
		expect(result.error?.description).toMatch(
			/Item 0 was sent before this error; retrying this execution does not send it again\./,
		);
		expect(deliveries(env)).toEqual({ delivered: 1, duplicates: 0 });
	});

	it("n8n's Retry of the failed execution reports the sent draft as skipped", async () => {
		const subject = uniqueSubject('Retried execution');
		const draftId = await newDraft(subject);
		env.clear();
		const first = await env.engine.runNode({
			parameters: sendParams(draftId),
			executionId: 'exec-first',
		});
		expect(first.items[0]!.json.status).toBe('sent');
		// n8n's Retry starts from the failed execution's data, its custom data included.
		const customData = { graphMailSendRun: 'exec-first' };
		const retried = await env.engine.runNode({
			parameters: sendParams(draftId),
			executionId: 'exec-retry',
			mode: 'retry',
			customData,
		});
		expect(retried.error).toBeUndefined();
		expect(retried.items[0]!.json).toMatchObject({
			status: 'skipped',
			alreadySent: true,
			skippedBecause:
				'This execution already sent this draft, before a retry; it was not sent again',
		});
		expect(retried.hints).toEqual([
			expect.objectContaining({
				message: expect.stringMatching(/^1 draft was not sent again \(item 0\)/),
			}),
		]);
		expect(deliveries(env)).toEqual({ delivered: 1, duplicates: 0 });
	});

	it('a draft picked by its ordinary id (which changes in Sent Items) is found by its send key on a retry', async () => {
		const subject = uniqueSubject('Ordinary id');
		const immutable = await newDraft(subject);
		const ordinary = (
			await graphCall(
				env,
				'GET',
				`/me/messages/${encodeURIComponent(immutable)}?$select=id`,
				undefined,
				env.userId,
				false,
			)
		).id as string;
		expect(ordinary).not.toBe(immutable);
		const first = await env.engine.runNode({
			parameters: sendParams(ordinary),
			executionId: 'exec-ordinary',
		});
		expect(first.items[0]!.json.status).toBe('sent');
		expect(
			(
				await graphCall(
					env,
					'GET',
					`/me/messages/${encodeURIComponent(ordinary)}`,
					undefined,
					env.userId,
					false,
				)
			).status,
		).toBe(404);
		env.clear();
		const retried = await env.engine.runNode({
			parameters: sendParams(ordinary),
			executionId: 'exec-ordinary-retry',
			mode: 'retry',
			customData: { graphMailSendRun: 'exec-ordinary' },
		});
		expect(retried.error).toBeUndefined();
		expect(retried.items[0]!.json).toMatchObject({
			status: 'skipped',
			alreadySent: true,
			draftId: ordinary,
		});
		expect(deliveries(env)).toEqual({ delivered: 0, duplicates: 0 });
	});

	it('a draft another execution sent is an item error before anything is sent', async () => {
		const subject = uniqueSubject('Sent before');
		const sentBefore = await newDraft(subject);
		const fresh = await newDraft(uniqueSubject('Fresh'));
		await env.engine.runNode({ parameters: sendParams(sentBefore), executionId: 'earlier' });
		env.clear();
		const result = await env.engine.runNode({
			parameters: { resource: 'draft', operation: 'send', draftId: rl('={{ $json.id }}') },
			items: [{ json: { id: fresh } }, { json: { id: sentBefore } }],
			executionId: 'later',
		});
		expect(result.error?.message).toMatch(
			new RegExp(
				`^Draft '${sentBefore}' is not a draft: it was already sent \\(.+\\) or received \\[item 1\\]$`,
			),
		);
		expect(result.error?.description).toMatch(/Nothing was sent\./);
		expect(deliveries(env)).toEqual({ delivered: 0, duplicates: 0 });
		expect(env.graphRequests('POST', /\/send$/)).toHaveLength(0);
	});

	it('a missing draft names its id; with Continue On Fail the others are sent', async () => {
		const subject = uniqueSubject('Others sent');
		const good = await newDraft(subject);
		const missing = 'AAMkAGmissingDraft=';
		const result = await env.engine.runNode({
			parameters: { resource: 'draft', operation: 'send', draftId: rl('={{ $json.id }}') },
			items: [{ json: { id: missing } }, { json: { id: good } }],
			continueOnFail: true,
		});
		expect(result.items[0]!.json.error).toBe(`Draft '${missing}' was not found [item 0]`);
		expect(result.items[1]!.json).toMatchObject({ status: 'sent', draftId: good });
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(inboxCopies(MEGAN.id, subject)).toBe(1);
	});

	it('a received message is not a draft: refused, not sent', async () => {
		const received = env.emulator.control.deliver(ADELE.id, 'inbox', {
			subject: uniqueSubject('Received'),
			from: { address: MEGAN.userPrincipalName },
			toRecipients: [{ address: ADELE.userPrincipalName }],
		});
		const result = await env.engine.runNode({ parameters: sendParams(received) });
		expect(result.error?.message).toMatch(/is not a draft/);
		expect(env.graphRequests('POST', /\/send$/)).toHaveLength(0);
	});

	it('Replace Recipients sets To, CC and BCC before sending', async () => {
		const subject = uniqueSubject('Replaced');
		const draftId = await newDraft(subject, MEGAN.userPrincipalName);
		const result = await env.engine.runNode({
			parameters: sendParams(draftId, {
				replaceRecipients: true,
				toRecipients: ALEX.userPrincipalName,
				ccRecipients: '',
				bccRecipients: '',
			}),
		});
		expect(result.error).toBeUndefined();
		expect(inboxCopies(ALEX.id, subject)).toBe(1);
		expect(inboxCopies(MEGAN.id, subject)).toBe(0);
	});

	it('Replace Recipients with a bad address is an item error before sending', async () => {
		const draftId = await newDraft(uniqueSubject('Bad address'));
		const result = await env.engine.runNode({
			parameters: sendParams(draftId, { replaceRecipients: true, toRecipients: 'bob@' }),
		});
		expect(result.error?.message).toBe("To: 'bob@' is not an email address [item 0]");
		expect(env.graphRequests('POST', /\/send$/)).toHaveLength(0);
	});
});

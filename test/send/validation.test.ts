/**
 * Send: bad input is refused before anything is sent, with an error naming the item and the field;
 * with Continue On Fail the bad items become error items and the valid ones are sent exactly once.
 */
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { setBinaryMode, storeBinary } from '../harness/binaryData';
import {
	ADELE,
	MEGAN,
	attachmentsOption,
	bySubject,
	runSend,
	sendParams,
	startSendEnvironment,
	uniqueSubject,
	type SendEnvironment,
} from './support';

let env: SendEnvironment;

beforeAll(async () => {
	await setBinaryMode('default');
	env = await startSendEnvironment();
});
afterAll(async () => {
	await env.stop();
});
beforeEach(() => env.clear());

/** Item fields come from the item's json, so each item of one run can be good or bad. */
const perItemParams = (options: INodeParameters = {}) =>
	sendParams(
		{
			toRecipients: '={{ $json.to }}',
			subject: '={{ $json.subject }}',
		},
		{
			customHeaders: {
				header: [
					{ name: '={{ $json.headerName || "x-ok" }}', value: '={{ $json.headerValue || "v" }}' },
				],
			},
			...attachmentsOption({ binaryPropertyName: '={{ $json.binaryName || "" }}' }),
			...options,
		},
	);

const manyRecipients = Array.from({ length: 501 }, (_, i) => `user${i}@example.com`).join(', ');

const badCases: Array<[string, Record<string, unknown>, string]> = [
	['a malformed address', { to: 'bob@' }, "To: 'bob@' is not an email address [item 1]"],
	[
		'an unclosed angle bracket (echoed with brackets the editor shows)',
		{ to: 'Jane Doe <jane@' },
		"To: 'Jane Doe ‹jane@' is not an email address [item 1]",
	],
	[
		'an address without @ among good ones',
		{ to: 'ok@example.com; not-an-address' },
		"To: 'not-an-address' is not an email address [item 1]",
	],
	['an empty To', { to: '' }, 'To: no recipient: To is empty (and so are CC and BCC) [item 1]'],
	[
		'a missing binary property',
		{ binaryName: 'invoice' },
		"Attachments: the item has no binary field 'invoice' (it has: data) [item 1]",
	],
	[
		'a header without x-',
		{ headerName: 'Subject' },
		"Custom Headers: header name 'Subject' must start with x- and contain no spaces, colons or other separators [item 1]",
	],
	[
		'CR/LF in a header value',
		{ headerValue: 'a\r\nBcc: victim@example.com' },
		"Custom Headers: header 'x-ok' contains a line break (CR or LF) [item 1]",
	],
	[
		'over 500 recipients',
		{ to: manyRecipients },
		'To/CC/BCC: 501 recipients; Exchange Online accepts at most 500 per message [item 1]',
	],
];

async function items(subject: string, bad: Record<string, unknown>): Promise<INodeExecutionData[]> {
	const data = await storeBinary(Buffer.from('file'), {
		fileName: 'file.txt',
		mimeType: 'text/plain',
	});
	const good = (n: number) => ({
		json: { to: MEGAN.userPrincipalName, subject: `${subject} ${n}` },
		binary: { data },
	});
	return [good(1), { json: { ...good(2).json, ...bad }, binary: { data } }, good(3)];
}

describe('bad input stops the node before anything is sent', () => {
	it.each(badCases)('%s', async (_label, bad, message) => {
		const subject = uniqueSubject('Bad input');
		const result = await runSend(env, perItemParams(), { items: await items(subject, bad) });
		expect(result.error?.message).toBe(message);
		expect(result.error?.description).toMatch(/Nothing was sent\./);
		expect((result.error?.context as { itemIndex?: number } | undefined)?.itemIndex).toBe(1);
		expect(env.recorded).toHaveLength(0);
		expect(env.emulator.control.counters().requests).toBe(0);
		expect(env.folder(MEGAN.id, 'inbox').filter((m) => m.subject.startsWith(subject))).toHaveLength(
			0,
		);
	});

	it('the description survives the editor: no angle brackets, a full stop between sentences', async () => {
		const result = await runSend(env, perItemParams(), {
			items: await items(uniqueSubject('Editor text'), { to: 'Jane Doe <jane@' }),
		});
		expect(result.error?.description).toBe(
			'Separate addresses with commas or semicolons. To add a name, write the name, then the address in angle brackets; put the name in double quotes if it contains a comma. Nothing was sent.',
		);
	});

	it('names every bad item', async () => {
		const subject = uniqueSubject('Several bad');
		const data = await storeBinary(Buffer.from('file'), {
			fileName: 'file.txt',
			mimeType: 'text/plain',
		});
		const result = await runSend(env, perItemParams(), {
			items: [1, 2, 3, 4].map((n) => ({
				json: { to: n % 2 ? MEGAN.userPrincipalName : `bad${n}@`, subject: `${subject} ${n}` },
				binary: { data },
			})),
		});
		expect(result.error?.message).toBe("To: 'bad2@' is not an email address [item 1]");
		expect(result.error?.description).toMatch(/Item 3 has problems too\./);
		expect(env.recorded).toHaveLength(0);
	});

	it('reports all problems of one item', async () => {
		const result = await runSend(
			env,
			sendParams({ toRecipients: 'a@', ccRecipients: 'b@' }, { from: 'x, y' }),
		);
		expect(result.error?.message).toBe("To: 'a@' is not an email address [item 0]");
		expect(result.error?.description).toMatch(
			/Also: CC: 'b@' is not an email address; From: 'x' is not an email address/,
		);
	});
});

describe('Continue On Fail', () => {
	it.each(badCases)(
		'%s: the bad item is an error item, the good ones are sent once',
		async (_label, bad, message) => {
			const subject = uniqueSubject('Continue');
			const result = await runSend(env, perItemParams(), {
				items: await items(subject, bad),
				continueOnFail: true,
			});
			expect(result.error).toBeUndefined();
			expect(result.items.map((item) => item.pairedItem)).toEqual([
				{ item: 0 },
				{ item: 1 },
				{ item: 2 },
			]);
			expect(result.items[0]!.json.status).toBe('sent');
			expect(result.items[1]!.json).toEqual({
				error: message,
				...(result.items[1]!.json.errorDescription ? { errorDescription: expect.any(String) } : {}),
			});
			expect(result.items[2]!.json.status).toBe('sent');
			expect(env.graphRequests('POST', /\/sendMail$/)).toHaveLength(2);
			const counters = env.emulator.control.counters();
			expect(counters.requestsByRoute.sendMail).toBe(2);
			expect(counters.duplicatesDelivered).toBe(0);
			expect(bySubject(env.folder(MEGAN.id, 'inbox'), `${subject} 1`)).toHaveLength(1);
			expect(bySubject(env.folder(MEGAN.id, 'inbox'), `${subject} 2`)).toHaveLength(0);
			expect(bySubject(env.folder(MEGAN.id, 'inbox'), `${subject} 3`)).toHaveLength(1);
		},
	);

	it('a Graph refusal on one item: error item, the others sent once', async () => {
		const subject = uniqueSubject('Refused');
		const result = await runSend(
			env,
			sendParams({ subject: '={{ $json.subject }}' }, { from: '={{ $json.from }}' }),
			{
				items: [
					{ json: { subject: `${subject} 1`, from: '' } },
					{ json: { subject: `${subject} 2`, from: 'alexw@contoso.onmicrosoft.com' } },
					{ json: { subject: `${subject} 3`, from: '' } },
				],
				continueOnFail: true,
			},
		);
		expect(result.items.map((item) => item.json.status ?? item.json.error)).toEqual([
			'sent',
			"From: the connected account has no Send As or Send on Behalf permission on 'alexw@contoso.onmicrosoft.com' [item 1]",
			'sent',
		]);
		// 424: a sub-request after the refused one in its chain, never run, sent in the next batch.
		expect(env.graphRequests('POST', /\/sendMail$/).filter((r) => r.status !== 424)).toHaveLength(
			3,
		);
		expect(env.emulator.control.counters().duplicatesDelivered).toBe(0);
		expect(bySubject(env.folder(MEGAN.id, 'inbox'), `${subject} 1`)).toHaveLength(1);
		expect(bySubject(env.folder(MEGAN.id, 'inbox'), `${subject} 3`)).toHaveLength(1);
	});

	it('without Continue On Fail, a Graph refusal says which items were already sent', async () => {
		const result = await runSend(
			env,
			sendParams({ subject: '={{ $json.subject }}' }, { from: '={{ $json.from }}' }),
			{
				items: [
					{ json: { subject: uniqueSubject('First'), from: '' } },
					{ json: { subject: uniqueSubject('Second'), from: 'alexw@contoso.onmicrosoft.com' } },
				],
			},
		);
		expect(result.error?.message).toMatch(/^From:.*\[item 1\]$/);
		expect(result.error?.description).toMatch(/Item 0 was sent before this error/);
	});
});

describe('lost answers are never retried into duplicates', () => {
	// With Exactly Once (the default) a lost answer is looked up instead: test/sendScale/.
	it('sendMail answer lost: not repeated, the error says the mail may have been sent', async () => {
		env.emulator.control.injectFault({ route: 'sendMail', kind: 'lostResponse' });
		const subject = uniqueSubject('Lost sendMail');
		const result = await runSend(env, sendParams({ subject }, {}, { exactlyOnce: false }));
		expect(result.error?.message).toMatch(/^.*\[item 0\]$/);
		expect(result.error?.description).toMatch(/may have been sent\. Check Sent Items/);
		expect(env.graphRequests('POST', /\/sendMail$/)).toHaveLength(1);
		expect(bySubject(env.folder(MEGAN.id, 'inbox'), subject)).toHaveLength(1);
	});

	it('send-draft answer lost: not repeated, the sent message is not deleted', async () => {
		env.emulator.control.injectFault({ route: 'sendDraft', kind: 'lostResponse' });
		const subject = uniqueSubject('Lost send');
		const result = await runSend(
			env,
			sendParams({ subject }, { returnDetails: true }, { exactlyOnce: false }),
		);
		expect(result.error?.description).toMatch(/may have been sent/);
		expect(env.graphRequests('POST', /\/send$/)).toHaveLength(1);
		expect(env.graphRequests('DELETE', /./)).toHaveLength(0);
		expect(bySubject(env.folder(MEGAN.id, 'inbox'), subject)).toHaveLength(1);
		expect(bySubject(env.folder(ADELE.id, 'sentitems'), subject)).toHaveLength(1);
	});

	it('429 on sendMail: retried after Retry-After, sent once', async () => {
		env.emulator.control.injectFault({ route: 'sendMail', kind: '429', retryAfter: '0.1' });
		const subject = uniqueSubject('Throttled');
		const result = await runSend(env, sendParams({ subject }));
		expect(result.error).toBeUndefined();
		expect(env.graphRequests('POST', /\/sendMail$/)).toHaveLength(2);
		expect(bySubject(env.folder(MEGAN.id, 'inbox'), subject)).toHaveLength(1);
		expect(env.emulator.control.counters().duplicatesDelivered).toBe(0);
	});
});

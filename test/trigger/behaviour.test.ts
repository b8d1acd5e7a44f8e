import { startTestEnvironment, type TestEnvironment } from '../harness/environment';
import {
	deliver,
	graphDate,
	ids,
	newFolder,
	poller,
	requestsTo,
	rl,
	subjects,
	triggerParams,
} from './support';

const MEGAN = 'meganb@contoso.onmicrosoft.com';
const ALEX = 'alexw@contoso.onmicrosoft.com';
const MINUTE = 60_000;

/** Filters, output, folders, mailboxes, first activation, manual runs and restarts, in n8n-core's PollContext. */
describe('Graph Mail Trigger', () => {
	let env: TestEnvironment;

	beforeAll(async () => {
		env = await startTestEnvironment();
		env.emulator.control.grant({ mailboxId: MEGAN, delegateId: env.userId, fullAccess: true });
	});
	afterAll(async () => await env?.stop());

	describe('first activation', () => {
		it('starts from now, or from N minutes back with Include Mails From Last N Minutes', async () => {
			const folder = newFolder(env, 'First');
			deliver(env, folder, {
				subject: 'an hour ago',
				receivedDateTime: graphDate(Date.now() - 60 * MINUTE),
			});
			deliver(env, folder, {
				subject: 'ten minutes ago',
				receivedDateTime: graphDate(Date.now() - 10 * MINUTE),
			});
			expect((await poller(env, triggerParams([folder])).poll()).returned).toBeNull();
			const withRecent = poller(env, triggerParams([folder], { options: { includeMinutes: 30 } }));
			expect(subjects(await withRecent.pollOk())).toEqual(['ten minutes ago']);
			expect(await withRecent.pollOk()).toEqual([]);
		});

		it('a first poll that fails stores nothing; the error names the folder', async () => {
			const trigger = poller(env, triggerParams(['AAMkAGnosuchfolder=']));
			const result = await trigger.poll();
			expect(result.error?.message).toMatch(/ErrorItemNotFound/);
			expect(result.error?.description).toMatch(/AAMkAGnosuchfolder=/);
			expect(trigger.nodeStaticData).toEqual({});
		});

		it('refuses an empty folder list before any request', async () => {
			env.emulator.control.resetCounters();
			const result = await poller(env, { event: 'newMessage', folders: {} }).poll();
			expect(result.error?.message).toMatch(/No folder to watch/);
			expect(env.emulator.control.counters().requests).toBe(0);
		});
	});

	describe('filters (applied to each new message: delta cannot filter them)', () => {
		it('Unread Only, From, Has Attachments and Subject Contains', async () => {
			const folder = newFolder(env, 'Filtered');
			const trigger = poller(
				env,
				triggerParams([folder], {
					filters: {
						unreadOnly: true,
						from: 'Billing@Fabrikam.com',
						hasAttachments: true,
						subjectContains: 'INVOICE',
					},
				}),
			);
			await trigger.pollOk();
			const file = {
				name: 'invoice.pdf',
				contentType: 'application/pdf',
				bytes: Buffer.from('%PDF-1.4 test'),
			};
			const billing = { address: 'billing@fabrikam.com' };
			deliver(env, folder, { subject: 'Invoice 1', from: billing, attachments: [file] }); // matches
			deliver(env, folder, {
				subject: 'Invoice 2',
				from: billing,
				attachments: [file],
				isRead: true,
			});
			deliver(env, folder, {
				subject: 'Invoice 3',
				from: { address: 'someone@fabrikam.com' },
				attachments: [file],
			});
			deliver(env, folder, { subject: 'Invoice 4', from: billing });
			deliver(env, folder, { subject: 'Receipt 5', from: billing, attachments: [file] });
			deliver(env, folder, { subject: 'Your invoice 6', from: billing, attachments: [file] }); // matches
			expect(subjects(await trigger.pollOk())).toEqual(['Invoice 1', 'Your invoice 6']);
			// passed over for good: not emitted later either
			expect(await trigger.pollOk()).toEqual([]);
		});
	});

	describe('output, as Get Many', () => {
		it('Simplified by default; Raw with a text body; Selected Fields; Download Attachments', async () => {
			const folder = newFolder(env, 'Output');
			const simple = poller(env, triggerParams([folder]));
			const raw = poller(
				env,
				triggerParams([folder], { output: 'raw', options: { bodyFormat: 'text' } }),
			);
			const fields = poller(
				env,
				triggerParams([folder], { output: 'fields', fields: ['subject'] }),
			);
			const files = poller(
				env,
				triggerParams([folder], { options: { downloadAttachments: true } }),
			);
			for (const trigger of [simple, raw, fields, files]) await trigger.pollOk();
			deliver(env, folder, {
				subject: 'Report',
				body: { contentType: 'html', content: '<p>Quarterly <b>numbers</b></p>' },
				attachments: [
					{ name: 'numbers.csv', contentType: 'text/csv', bytes: Buffer.from('a,b\n1,2\n') },
				],
			});

			const [s] = await simple.pollOk();
			expect(Object.keys(s!.json).sort()).toEqual(
				[
					'bodyPreview',
					'cc',
					'conversationId',
					'from',
					'hasAttachments',
					'id',
					'importance',
					'isRead',
					'receivedDateTime',
					'subject',
					'to',
					'webLink',
				].sort(),
			);
			const [r] = await raw.pollOk();
			expect(r!.json.body).toEqual({
				contentType: 'text',
				content: expect.stringContaining('Quarterly numbers'),
			});
			expect(r!.json.internetMessageId).toEqual(expect.any(String));
			const [f] = await fields.pollOk();
			expect(f!.json).toEqual({ id: s!.json.id, subject: 'Report' });
			const [b] = await files.pollOk();
			expect(b!.binary?.attachment_0).toMatchObject({
				fileName: 'numbers.csv',
				mimeType: 'text/csv',
			});
			expect(Buffer.from(b!.binary!.attachment_0!.data, 'base64').toString()).toBe('a,b\n1,2\n');
		});

		it('changing the output resyncs the cursor without losing or repeating a message', async () => {
			const folder = newFolder(env, 'Reshaped');
			const trigger = poller(env, triggerParams([folder]));
			await trigger.pollOk();
			deliver(env, folder, { subject: 'A' });
			expect(subjects(await trigger.pollOk())).toEqual(['A']);
			deliver(env, folder, { subject: 'B' });
			const reshaped = trigger.restart({ parameters: triggerParams([folder], { output: 'raw' }) });
			expect(subjects(await reshaped.pollOk())).toEqual(['B']);
			deliver(env, folder, { subject: 'C' });
			expect(subjects(await reshaped.pollOk())).toEqual(['C']);
		});
	});

	describe('folders and mailboxes', () => {
		it('polls several folders at once: one request each when idle, never more than 4 in flight', async () => {
			const folders = Array.from({ length: 6 }, (_, i) => newFolder(env, `Many ${i}`));
			const trigger = poller(env, triggerParams(folders));
			await trigger.pollOk();
			env.emulator.control.setOptions({ serverTimeMs: { delta: 40 } });
			try {
				folders.forEach((folder, i) =>
					[1, 2, 3].forEach((n) => deliver(env, folder, { subject: `F${i} M${n}` })),
				);
				env.emulator.control.resetCounters();
				const items = await trigger.pollOk();
				expect(items.length).toBe(18);
				expect(subjects(items).slice(0, 3)).toEqual(['F0 M1', 'F0 M2', 'F0 M3']);
				const busy = env.emulator.control.counters();
				expect(Math.max(...Object.values(busy.peakInFlightByMailbox))).toBeLessThanOrEqual(4);
				expect(Math.max(...Object.values(busy.peakInFlightByMailbox))).toBeGreaterThan(1);
				expect(busy.throttled429).toBe(0);

				env.emulator.control.resetCounters();
				expect(await trigger.pollOk()).toEqual([]);
				const idle = env.emulator.control.counters();
				expect(idle.requests).toBe(6);
				expect(requestsTo(env, 'delta')).toBe(6);
			} finally {
				env.emulator.control.setOptions({ serverTimeMs: 0 });
			}
		});

		it('a folder added later starts from now; a removed one leaves the state', async () => {
			const first = newFolder(env, 'Kept');
			const second = newFolder(env, 'Added');
			const trigger = poller(env, triggerParams([first]));
			await trigger.pollOk();
			// Stamped in an earlier second: mail of the activation's own second counts as new.
			deliver(env, second, {
				subject: 'before the folder was added',
				receivedDateTime: new Date(Date.now() - 2000).toISOString().replace(/\.\d+Z$/, 'Z'),
			});
			deliver(env, first, { subject: 'new in the first' });
			const both = trigger.restart({ parameters: triggerParams([first, second]) });
			expect(subjects(await both.pollOk())).toEqual(['new in the first']);
			deliver(env, second, { subject: 'new in the second' });
			expect(subjects(await both.pollOk())).toEqual(['new in the second']);
			const onlySecond = both.restart({ parameters: triggerParams([second]) });
			await onlySecond.pollOk();
			expect(Object.keys((onlySecond.nodeStaticData as { folders: object }).folders)).toEqual([
				`me|${second}`,
			]);
		});

		it("another user's mailbox, with Full Access and the .Shared scope", async () => {
			const trigger = poller(env, triggerParams(['inbox'], { mailbox: 'user', userId: MEGAN }));
			await trigger.pollOk();
			const id = deliver(env, 'inbox', { subject: 'For Megan' }, MEGAN);
			deliver(env, 'inbox', { subject: 'For Adele' });
			expect(ids(await trigger.pollOk())).toEqual([id]);
			expect(Object.keys((trigger.nodeStaticData as { folders: object }).folders)).toEqual([
				`${MEGAN}|inbox`,
			]);

			const denied = poller(env, triggerParams(['inbox'], { mailbox: 'user', userId: ALEX }));
			const result = await denied.poll();
			expect(result.error?.message).toMatch(/ErrorAccessDenied|denied/i);
			expect(denied.nodeStaticData).toEqual({});
		});
	});

	describe('manual test run and restarts', () => {
		it('returns the newest matching message and leaves the cursor alone', async () => {
			const inbox = newFolder(env, 'Manual A');
			const other = newFolder(env, 'Manual B');
			const params = triggerParams([inbox, other], { filters: { subjectContains: 'order' } });
			const active = poller(env, params);
			await active.pollOk();
			deliver(env, inbox, {
				subject: 'Order 1',
				receivedDateTime: graphDate(Date.now() - 3 * MINUTE),
			});
			deliver(env, other, {
				subject: 'Order 2',
				receivedDateTime: graphDate(Date.now() - 2 * MINUTE),
			});
			deliver(env, inbox, {
				subject: 'Newsletter',
				receivedDateTime: graphDate(Date.now() - MINUTE),
			});
			const saved = active.nodeStaticData;
			env.emulator.control.resetCounters();
			expect(subjects(await active.pollOk('manual'))).toEqual(['Order 2']);
			expect(requestsTo(env, 'delta')).toBe(0);
			expect(active.nodeStaticData).toEqual(saved);
			// the active workflow still gets both
			expect(subjects(await active.pollOk()).sort()).toEqual(['Order 1', 'Order 2']);

			const fresh = poller(env, params);
			expect(subjects(await fresh.pollOk('manual'))).toEqual(['Order 2']);
			expect(fresh.nodeStaticData).toEqual({});
			const none = poller(
				env,
				triggerParams([inbox], { filters: { subjectContains: 'nothing like this' } }),
			);
			expect((await none.poll('manual')).returned).toBeNull();
		});

		it('continues from saved static data after a restart; a message visible days late is still new', async () => {
			const folder = newFolder(env, 'Restart');
			const before = poller(env, triggerParams([folder]));
			await before.pollOk();
			deliver(env, folder, { subject: 'while down' });
			deliver(env, folder, {
				subject: 'moved in, days old',
				receivedDateTime: graphDate(Date.now() - 3 * 24 * 60 * MINUTE),
			});
			const after = before.restart();
			expect(subjects(await after.pollOk())).toEqual(['while down', 'moved in, days old']);
			expect(await after.pollOk()).toEqual([]);
		});
	});

	it('by ID also takes a well-known folder name, in any case', async () => {
		const trigger = poller(env, {
			event: 'newMessage',
			folders: { folder: [{ folderId: rl('SentItems') }, { folderId: rl('sentitems') }] },
		});
		await trigger.pollOk();
		const id = deliver(env, 'sentitems', { subject: 'sent' });
		expect(ids(await trigger.pollOk())).toEqual([id]);
		expect(Object.keys((trigger.nodeStaticData as { folders: object }).folders)).toEqual([
			'me|sentitems',
		]);
	});
});

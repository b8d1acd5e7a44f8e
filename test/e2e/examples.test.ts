import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { loadExamples, prepareExample } from '../../scripts/lib/examples';
import { nodeOutput } from '../../scripts/lib/n8n-process';
import {
	connectedCredential,
	describeFailure,
	e2e,
	importAndExecute,
	newUser,
	uniqueName,
	type E2e,
} from './helpers';

/** The workflows in examples/ (what `npm start` imports) run in the real n8n as shipped. */
describe('the example workflows', () => {
	let env: E2e;

	beforeAll(async () => {
		env = await e2e();
	});

	const example = (id: string) => {
		const found = loadExamples().find((workflow) => workflow.id === id);
		if (!found) throw new Error(`examples/ has no workflow ${id}`);
		return found;
	};

	it('"send a notification with an attachment" delivers the CSV report', async () => {
		const sender = await newUser(env, 'notifier');
		const recipient = await newUser(env, 'boss');
		const credential = await connectedCredential(env, sender.userPrincipalName);
		const workflow = prepareExample(example('GraphMailNotify1'), credential, {
			recipient: recipient.mail,
			filesFolder: env.state.filesDir,
		});
		const run = await importAndExecute(env, {
			...workflow,
			id: undefined,
			name: uniqueName(String(workflow.name)),
		});
		expect(describeFailure(run)).toBe('');
		expect(nodeOutput(run.result!, 'Send the report')[0]!.json.status).toBe('sent');
		const inbox = (await env.emulator.mailbox(recipient.id)).folders.find(
			(folder) => folder.wellKnownName === 'inbox',
		)!;
		expect(inbox.messages).toHaveLength(1);
		expect(inbox.messages[0]!.subject).toMatch(/^Orders report \d{4}-\d{2}-\d{2}$/);
		expect(inbox.messages[0]!.attachments).toEqual([
			expect.objectContaining({
				name: expect.stringMatching(/^orders-.*\.csv$/),
				contentType: 'text/csv',
			}),
		]);
	});

	it('"save the attachments of unread mails" writes each attachment to disk', async () => {
		const owner = await newUser(env, 'saver');
		const credential = await connectedCredential(env, owner.userPrincipalName);
		await env.emulator.deliver(owner.id, {
			subject: 'Signed contract',
			from: { address: 'legal@fabrikam.com', name: 'Fabrikam Legal' },
			toRecipients: [{ address: owner.mail }],
			isRead: false,
			attachments: [
				{ name: 'contract.txt', contentType: 'text/plain', text: 'Signed by both parties.' },
			],
		});
		await env.emulator.deliver(owner.id, {
			subject: 'Already read',
			from: { address: 'someone@fabrikam.com' },
			toRecipients: [{ address: owner.mail }],
			isRead: true,
			attachments: [{ name: 'old.txt', contentType: 'text/plain', text: 'old' }],
		});
		const folder = join(env.state.filesDir, uniqueName('attachments'));
		mkdirSync(folder);
		const workflow = prepareExample(example('GraphMailAttSave'), credential, {
			recipient: owner.mail,
			filesFolder: folder,
		});
		const run = await importAndExecute(env, {
			...workflow,
			id: undefined,
			name: uniqueName(String(workflow.name)),
		});
		expect(describeFailure(run)).toBe('');
		const files = readdirSync(folder);
		expect(files).toEqual([expect.stringMatching(/^\d{14}-contract\.txt$/)]);
		expect(readFileSync(join(folder, files[0]!), 'utf8')).toBe('Signed by both parties.');
		const inbox = (await env.emulator.mailbox(owner.id)).folders.find(
			(entry) => entry.wellKnownName === 'inbox',
		)!;
		expect(inbox.messages.map((message) => [message.subject, message.isRead]).sort()).toEqual([
			['Already read', true],
			['Signed contract', true],
		]);

		// The mail is read now, so running the workflow again saves nothing again.
		const again = await importAndExecute(env, {
			...workflow,
			id: undefined,
			name: uniqueName(String(workflow.name)),
		});
		expect(describeFailure(again)).toBe('');
		expect(readdirSync(folder)).toEqual(files);
	});
});

import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { nodeOutput } from '../../scripts/lib/n8n-process';
import {
	connectedCredential,
	describeFailure,
	e2e,
	graphMailNode,
	importAndExecute,
	linearWorkflow,
	newUser,
	uniqueName,
	type E2e,
} from './helpers';

const MiB = 1024 * 1024;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * (2) Workflows run by the real n8n (`n8n execute --id`): one reads a 10 MB file from disk and
 * sends it as an attachment, the other lists the recipient's inbox with attachments and writes
 * the file back to disk. Same bytes, and exactly one copy in the recipient's mailbox.
 */
describe('a 10 MB attachment through a real n8n', () => {
	let env: E2e;

	beforeAll(async () => {
		env = await e2e();
	});

	it('is sent once and listed back with the same bytes', async () => {
		const sender = await newUser(env, 'sender');
		const recipient = await newUser(env, 'recipient');
		const senderCredential = await connectedCredential(env, sender.userPrincipalName);
		const recipientCredential = await connectedCredential(env, recipient.userPrincipalName);
		const subject = uniqueName('Quarterly figures');
		const bytes = randomBytes(10 * MiB);
		const source = join(env.state.filesDir, `${uniqueName('figures')}.bin`);
		writeFileSync(source, bytes);
		const before = await env.emulator.counters();

		const send = await importAndExecute(
			env,
			linearWorkflow(uniqueName('Send 10 MB'), [
				{
					name: 'Read the file',
					type: 'n8n-nodes-base.readWriteFile',
					typeVersion: 1.1,
					parameters: { operation: 'read', fileSelector: source, options: {} },
				},
				graphMailNode('Send it', senderCredential, {
					resource: 'message',
					operation: 'send',
					toRecipients: recipient.mail,
					subject,
					bodyContentType: 'text',
					bodyContent: 'The figures are attached.',
					options: {
						attachments: { attachment: [{ binaryPropertyName: 'data', fileName: 'figures.bin' }] },
					},
				}),
			]),
		);
		expect(describeFailure(send)).toBe('');
		const sent = nodeOutput(send.result!, 'Send it');
		expect(sent).toHaveLength(1);
		expect(sent[0]!.json.status).toBe('sent');

		const target = join(env.state.filesDir, `${uniqueName('received')}.bin`);
		const list = await importAndExecute(
			env,
			linearWorkflow(uniqueName('List it back'), [
				graphMailNode('List the inbox', recipientCredential, {
					resource: 'message',
					operation: 'getAll',
					mailbox: 'me',
					folder: 'inbox',
					returnAll: false,
					limit: 10,
					filters: { subjectContains: subject },
					output: 'simple',
					options: { downloadAttachments: true },
				}),
				{
					name: 'Write it',
					type: 'n8n-nodes-base.readWriteFile',
					typeVersion: 1.1,
					parameters: {
						operation: 'write',
						fileName: target,
						dataPropertyName: 'attachment_0',
						options: {},
					},
				},
			]),
		);
		expect(describeFailure(list)).toBe('');
		const listed = nodeOutput(list.result!, 'List the inbox');
		expect(listed).toHaveLength(1);
		expect(listed[0]!.json.subject).toBe(subject);
		expect(listed[0]!.binary?.attachment_0?.fileName).toBe('figures.bin');
		expect(sha256(readFileSync(target))).toBe(sha256(bytes));

		// Exactly one copy: in the recipient's inbox and in the sender's Sent Items.
		const copies = async (user: string, folder: string) =>
			(await env.emulator.mailbox(user)).folders
				.find((candidate) => candidate.wellKnownName === folder)!
				.messages.filter((message) => message.subject === subject);
		const received = await copies(recipient.id, 'inbox');
		expect(received).toHaveLength(1);
		expect(received[0]!.attachments).toEqual([
			expect.objectContaining({ name: 'figures.bin', size: 10 * MiB }),
		]);
		expect(await copies(sender.id, 'sentitems')).toHaveLength(1);
		const after = await env.emulator.counters();
		expect(after.duplicatesDelivered).toBe(before.duplicatesDelivered);
	});
});

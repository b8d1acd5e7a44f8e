import { randomBytes } from 'node:crypto';

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

const rl = (value: string) => ({ __rl: true, mode: 'id', value });

/**
 * (issue 16) A workflow in the real n8n that files the attachments of incoming mail into a nested
 * folder tree created on first use: Get Many (the inbox) -> Attachment > Get Many -> Folder >
 * Create `Filed/<year>/<extension>` (Return Existing) -> Attachment > Download -> Draft > Create in
 * that folder with the file. Run twice: the second run finds the folders the first one created
 * (no duplicates, no ErrorFolderExists) and files the new mail beside the old.
 * Needs Folder > Create (path, Return Existing) from the folders branch.
 */
describe('filing attachments of incoming mail into a folder tree', () => {
	let env: E2e;

	beforeAll(async () => {
		env = await e2e();
	});

	it('creates the tree on first use, reuses it after, files every attachment of each run at its size', async () => {
		const user = await newUser(env, 'filer');
		const credential = await connectedCredential(env, user.userPrincipalName);
		const tag = uniqueName('Filing');
		const files: Record<string, Buffer> = {};
		// Every file's bytes are distinct and of one size, so a filed copy is recognised by name and size.
		const arrive = async (name: string) => {
			files[name] = randomBytes(50_000);
			await env.emulator.deliver(user.id, {
				subject: `${tag} ${name}`,
				from: { address: 'supplier@example.com' },
				toRecipients: [{ address: user.mail }],
				attachments: [{ name, contentBytes: files[name].toString('base64') }],
			});
		};
		const year = new Date().getUTCFullYear();
		const workflow = (name: string) =>
			linearWorkflow(name, [
				graphMailNode('Incoming mail', credential, {
					resource: 'message',
					operation: 'getAll',
					mailbox: 'me',
					folder: 'inbox',
					returnAll: true,
					filters: { subjectContains: tag, hasAttachments: true },
					output: 'simple',
					options: {},
				}),
				graphMailNode('List attachments', credential, {
					resource: 'attachment',
					operation: 'getAll',
					mailbox: 'me',
					messageId: rl('={{ $json.id }}'),
					returnAll: true,
				}),
				graphMailNode('Folder for it', credential, {
					resource: 'folder',
					operation: 'create',
					mailbox: 'me',
					parent: 'root',
					name: `=Filed ${tag}/{{ new Date().getUTCFullYear() }}/{{ $json.name.split('.').pop() }}`,
					options: { returnExisting: true },
				}),
				graphMailNode('Download', credential, {
					resource: 'attachment',
					operation: 'download',
					mailbox: 'me',
					messageId: rl("={{ $('List attachments').item.json.messageId }}"),
					attachmentId: rl("={{ $('List attachments').item.json.id }}"),
					binaryPropertyName: 'data',
				}),
				graphMailNode('File it', credential, {
					resource: 'draft',
					operation: 'create',
					mailbox: 'me',
					toRecipients: '',
					subject: "={{ $('List attachments').item.json.name }}",
					bodyContentType: 'text',
					bodyContent: 'Filed by n8n',
					options: {
						folder: rl("={{ $('Folder for it').item.json.id }}"),
						attachments: { attachment: [{ binaryPropertyName: 'data' }] },
					},
				}),
			]);

		await arrive('invoice-1.pdf');
		await arrive('photo.png');
		const first = await importAndExecute(env, workflow(uniqueName('File attachments')));
		expect(describeFailure(first)).toBe('');
		expect(nodeOutput(first.result!, 'File it')).toHaveLength(2);

		// New mail arrives; the first two are still in the Inbox and are filed again.
		const handled = (await env.emulator.mailbox(user.id)).folders
			.find((folder) => folder.wellKnownName === 'inbox')!
			.messages.filter((message) => message.subject.startsWith(tag));
		expect(handled).toHaveLength(2);
		await arrive('invoice-2.pdf');
		const second = await importAndExecute(env, workflow(uniqueName('File attachments again')));
		expect(describeFailure(second)).toBe('');

		const { folders } = await env.emulator.mailbox(user.id);
		const named = (name: string, parentId?: string) =>
			folders.filter(
				(folder) =>
					folder.displayName === name &&
					(parentId === undefined || folder.parentFolderId === parentId),
			);
		expect(named(`Filed ${tag}`)).toHaveLength(1);
		const root = named(`Filed ${tag}`)[0]!;
		expect(named(String(year), root.id)).toHaveLength(1);
		const yearFolder = named(String(year), root.id)[0]!;
		const pdf = named('pdf', yearFolder.id);
		const png = named('png', yearFolder.id);
		expect(pdf).toHaveLength(1);
		expect(png).toHaveLength(1);
		// The second run files all three mails again (they are still in the inbox): each folder holds
		// one draft per run and attachment, with the original's bytes.
		const filed = [...pdf[0]!.messages, ...png[0]!.messages];
		expect(filed.map((message) => message.subject).sort()).toEqual(
			['invoice-1.pdf', 'invoice-1.pdf', 'invoice-2.pdf', 'photo.png', 'photo.png'].sort(),
		);
		for (const message of filed) {
			expect(message.attachments).toEqual([
				expect.objectContaining({ name: message.subject, size: 50_000 }),
			]);
		}
		const downloaded = nodeOutput(second.result!, 'Download');
		expect(downloaded.map((item) => item.binary?.data?.fileName).sort()).toEqual(
			Object.keys(files).sort(),
		);
	});
});

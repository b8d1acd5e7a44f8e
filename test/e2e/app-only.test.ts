import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { DEMO_USERS } from '../../emulator/mail/seeding/demo-seed';
import { TENANT_DOMAIN } from '../../emulator/identity/tenant';
import { nodeOutput } from '../../scripts/lib/n8n-process';
import { launchChromium, type Browser, type Page } from './browser';
import { describeFailure, e2e, GRAPH_MAIL, importAndExecute, linearWorkflow, newUser, uniqueName, type E2e } from './helpers';

const APP_ONLY_TYPE = 'graphMailAppOnlyApi';
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * App-only access in a real n8n: a person creates the app-only credential in the editor (Save runs
 * the credential test, which reports success or what is wrong in words), then a workflow sends
 * from a shared no-reply mailbox with it; a mailbox outside the app's application access policy
 * fails with words that name the policy, and the other item is still sent, once.
 */
describe('App-only credential and a shared mailbox in a real n8n (Chromium)', () => {
	let env: E2e;
	let browser: Browser;
	let page: Page;

	beforeAll(async () => {
		env = await e2e();
		browser = await launchChromium(env.state.runtime, env.state.tmpDir);
		page = browser.page;
		await page.goto(`${env.state.n8nUrl}/signin`);
		await page.fill('#emailOrLdapLoginId', env.state.owner.email);
		await page.fill('#password', env.state.owner.password);
		await page.click('[data-test-id="form-submit-button"]');
		await page.waitForURL((url: URL) => !url.pathname.startsWith('/signin'));
	});

	afterAll(async () => {
		await browser?.close();
	});

	const shot = async (name: string) => {
		await page.waitForTimeout(400); // let closing dropdowns and toasts settle
		await page.screenshot({ path: join(env.state.artifactsDir, `app-only-${name}.png`) });
	};

	/** Runs a step; on failure keeps a screenshot under artifacts/e2e/. */
	async function step<T>(name: string, action: () => Promise<T>): Promise<T> {
		try {
			return await action();
		} catch (error) {
			await shot(`failed-${name}`).catch(() => undefined);
			throw error;
		}
	}

	async function registerApp(roles: string[], mailboxes?: string[]) {
		const app = await env.emulator.registerApp({ redirectUris: [], displayName: uniqueName('No-reply automation'), appOnly: { roles, mailboxes } });
		return { clientId: app.clientId, clientSecret: app.clientSecret! };
	}

	/** What a person does: Create credential, pick the app-only type, fill the fields, press Save. */
	async function createInEditor(name: string, fields: { clientId: string; clientSecret: string }, screenshots?: { form: string }) {
		await page.goto(`${env.state.n8nUrl}/home/credentials/create`);
		const search = page.locator('[data-test-id="new-credential-type-select"] input');
		await search.fill('Graph Mail App-Only');
		await page.locator('.el-select-dropdown__item', { hasText: 'Microsoft Graph Mail App-Only API' }).first().click();
		await page.click('[data-test-id="new-credential-type-button"]');
		const modal = page.locator('[data-test-id="editCredential-modal"]');
		await modal.waitFor();
		const choose = async (parameter: string, option: string) => {
			await modal.locator(`[data-test-id="parameter-input-${parameter}"]`).click();
			await page.locator('.el-select-dropdown__item:visible', { hasText: option }).first().click();
		};
		const fill = (parameter: string, value: string) =>
			modal.locator(`[data-test-id="parameter-input-${parameter}"]`).locator('input, textarea').first().fill(value);
		await modal.locator('[data-test-id="credential-name"]').click();
		await modal.locator('[data-test-id="inline-edit-input"]').fill(name);
		await modal.locator('[data-test-id="inline-edit-input"]').press('Enter');
		await choose('cloud', 'Custom');
		await fill('customLoginUrl', env.state.emulator.loginBaseUrl);
		await fill('customGraphUrl', env.state.emulator.graphBaseUrl);
		await fill('tenantId', TENANT_DOMAIN);
		await fill('clientId', fields.clientId);
		if (screenshots) {
			// The certificate fields, for the record; then back to the secret.
			await choose('authMethod', 'Certificate');
			await modal.locator('[data-test-id="privateKey"]').scrollIntoViewIfNeeded();
			await shot(`${screenshots.form}-certificate`);
			await choose('authMethod', 'Client Secret');
		}
		await fill('clientSecret', fields.clientSecret);
		if (screenshots) await shot(`${screenshots.form}-secret`);
		await modal.locator('[data-test-id="credential-save-button"]').click();
		return modal;
	}

	async function savedCredential(name: string): Promise<{ id: string; name: string }> {
		const found = (await env.client.listCredentials()).find((credential) => credential.name === name);
		if (!found) throw new Error(`credential "${name}" was not saved`);
		expect(found.type).toBe(APP_ONLY_TYPE);
		return { id: found.id, name };
	}

	it('Save tests the credential: a wrong secret and a missing permission are reported in words', async () => {
		const app = await registerApp(['Mail.Send']);
		const cases = [
			{
				label: 'wrong-secret',
				fields: { clientId: app.clientId, clientSecret: `${app.clientSecret}-wrong` },
				words: "Could not get an app-only token (AADSTS7000215): The client secret is wrong: enter the secret's Value (not its Secret ID) from Certificates & secrets.",
			},
			{
				label: 'missing-role',
				fields: app,
				words: 'Microsoft issued a token, but the app lacks the application permission Mail.ReadWrite (it has: Mail.Send).',
			},
		];
		for (const failure of cases) {
			const modal = await step(`save-${failure.label}`, async () => {
				const modal = await createInEditor(uniqueName(`App-only ${failure.label}`), failure.fields);
				await modal.getByText('Couldn’t connect with these settings').waitFor();
				await modal.getByText('More details').click();
				await modal.getByText(failure.words, { exact: false }).waitFor();
				return modal;
			});
			expect(await modal.innerText()).not.toContain('Connection tested successfully');
			await shot(`save-failed-${failure.label}`);
			await page.keyboard.press('Escape');
		}
	});

	it('creates the credential in the editor and sends from the shared mailbox; a mailbox outside the policy names the policy', async () => {
		const shared = await newUser(env, 'no-reply');
		const recipient = await newUser(env, 'recipient');
		const outside = DEMO_USERS.alex.userPrincipalName;
		const app = await registerApp(['Mail.Send', 'Mail.ReadWrite'], [shared.userPrincipalName]);
		const name = uniqueName('Graph Mail App-Only (browser)');

		await step('save-success', async () => {
			const modal = await createInEditor(name, app, { form: 'credential-panel' });
			await modal.getByText('Connection tested successfully').waitFor();
			await shot('save-success');
			await page.keyboard.press('Escape');
		});
		const credential = await savedCredential(name);

		const subject = uniqueName('Nightly report');
		const bytes = randomBytes(300 * 1024);
		const source = join(env.state.filesDir, `${uniqueName('report')}.bin`);
		writeFileSync(source, bytes);
		const before = await env.emulator.counters();
		const workflow = linearWorkflow(uniqueName('App-only send'), [
			{
				name: 'Mailboxes',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				parameters: { jsCode: `return ${JSON.stringify([{ json: { mailbox: shared.userPrincipalName } }, { json: { mailbox: outside } }])};` },
			},
			{
				name: 'Read the report',
				type: 'n8n-nodes-base.readWriteFile',
				typeVersion: 1.1,
				parameters: { operation: 'read', fileSelector: source, options: {} },
			},
			{
				name: 'Send from the shared mailbox',
				type: GRAPH_MAIL,
				typeVersion: 1,
				onError: 'continueRegularOutput',
				credentials: { [APP_ONLY_TYPE]: credential },
				parameters: {
					authentication: 'appOnly',
					appOnlyMailbox: "={{ $('Mailboxes').item.json.mailbox }}",
					resource: 'message',
					operation: 'send',
					toRecipients: recipient.mail,
					subject,
					bodyContentType: 'text',
					bodyContent: 'The nightly report is attached.',
					options: { attachments: { attachment: [{ binaryPropertyName: 'data', fileName: 'report.bin' }] } },
				},
			},
		]);
		const run = await importAndExecute(env, workflow);
		expect(describeFailure(run)).toBe('');
		const sent = nodeOutput(run.result!, 'Send from the shared mailbox');
		expect(sent).toHaveLength(2);
		expect(sent[0].json.error).toBeUndefined();
		expect(sent[0].json.status).toBe('sent');
		expect(String(sent[1].json.error)).toContain("The mailbox is outside the app's application access policy");
		expect(JSON.stringify(sent[1].json)).toContain(outside);

		// Exactly one mail, from the shared mailbox, with the same bytes; nothing from the other mailbox.
		const inbox = (await env.emulator.mailbox(recipient.id)).folders.find((folder) => folder.wellKnownName === 'inbox')!;
		const received = inbox.messages.filter((message) => message.subject === subject);
		expect(received).toHaveLength(1);
		expect(received[0].from?.toLowerCase()).toContain(shared.mail.toLowerCase());
		expect(received[0].attachments).toEqual([expect.objectContaining({ name: 'report.bin', size: bytes.length })]);
		const download = await fetch(
			`${env.state.emulator.url}/web/attachments/${encodeURIComponent(recipient.id)}/${encodeURIComponent(received[0].id)}/${encodeURIComponent(received[0].attachments[0].id)}`,
		);
		expect(download.status).toBe(200);
		expect(sha256(Buffer.from(await download.arrayBuffer()))).toBe(sha256(bytes));
		const outsideSent = (await env.emulator.mailbox(outside)).folders.find((folder) => folder.wellKnownName === 'sentitems')!;
		expect(outsideSent.messages.filter((message) => message.subject === subject)).toHaveLength(0);
		expect((await env.emulator.counters()).duplicatesDelivered).toBe(before.duplicatesDelivered);

		// The same workflow in the editor: Authentication = App-Only shows the Mailbox field, and the
		// policy error reads the same in the node's output.
		await step('node-panel', async () => {
			await page.goto(`${env.state.n8nUrl}/workflow/${run.workflowId}`);
			await page.locator('[data-test-id="canvas-node"]', { hasText: 'Send from the shared mailbox' }).dblclick();
			const ndv = page.locator('[data-test-id="ndv"]');
			// n8n folds the Authentication choice into the Credential list (both types, grouped); the
			// app-only credential is selected, so the node shows the Mailbox field.
			await ndv.locator('[data-test-id="parameter-input-appOnlyMailbox"]').waitFor();
			expect(await ndv.locator('[data-test-id="node-credentials-select"] input').inputValue()).toBe(name);
			await shot('node-panel-app-only');
			await ndv.locator('[data-test-id="node-credentials-select"]').click();
			await page.locator('[data-test-id^="node-credentials-select-item-"]:visible', { hasText: name }).first().waitFor();
			await shot('node-panel-credential-list');
			await page.keyboard.press('Escape');
			await ndv.locator('[data-test-id="node-execute-button"]').click();
			const output = ndv.locator('[data-test-id="output-panel"]');
			await output.getByText('2 items').waitFor({ timeout: 60_000 });
			await output.locator('[data-test-id="ndv-run-data-display-mode"]').getByText('JSON').click();
			await output.getByText("The mailbox is outside the app's application access policy", { exact: false }).first().waitFor();
			await shot('node-output-policy-error');
		});
	});
});

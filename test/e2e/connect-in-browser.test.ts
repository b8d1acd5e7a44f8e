import { join } from 'node:path';

import { CREDENTIAL_TYPE, emulatorCredentialData } from '../../scripts/lib/connect';
import { loadExamples, prepareExample } from '../../scripts/lib/examples';
import { executeWorkflow, nodeOutput } from '../../scripts/lib/n8n-process';
import { launchChromium, type Browser } from './browser';
import {
	describeFailure,
	e2e,
	graphMailNode,
	homeOf,
	linearWorkflow,
	newUser,
	uniqueName,
	type E2e,
} from './helpers';

/**
 * (1) What a person does: log into n8n, open the Graph Mail credential, press Connect, pick an
 * account on the emulator's consent page in the popup, accept; the credential shows as connected.
 */
describe('Connect in a real browser (Chromium)', () => {
	let env: E2e;
	let browser: Browser;

	beforeAll(async () => {
		env = await e2e();
		browser = await launchChromium(env.state.runtime, env.state.tmpDir);
	});

	afterAll(async () => {
		await browser?.close();
	});

	/** Runs a step; on failure keeps a screenshot of every open page under artifacts/e2e/. */
	async function step<T>(name: string, action: () => Promise<T>): Promise<T> {
		try {
			return await action();
		} catch (error) {
			for (const [index, page] of browser.context.pages().entries()) {
				await page
					.screenshot({ path: join(env.state.artifactsDir, `failed-${name}-${index}.png`) })
					.catch(() => undefined);
			}
			throw error;
		}
	}

	it('logs in, connects the credential through the consent page and shows it connected', async () => {
		const { page, context } = browser;
		const n8n = env.state.n8nUrl;
		const user = await newUser(env, 'browser');
		const name = uniqueName('Graph Mail (browser)');
		const credential = await env.client.createCredential(
			name,
			CREDENTIAL_TYPE,
			emulatorCredentialData(env.state.emulator),
		);
		expect(await env.client.isConnected(credential.id)).toBe(false);

		await step('login', async () => {
			await page.goto(`${n8n}/signin`);
			await page.fill('#emailOrLdapLoginId', env.state.owner.email);
			await page.fill('#password', env.state.owner.password);
			await page.click('[data-test-id="form-submit-button"]');
			await page.waitForURL((url: URL) => !url.pathname.startsWith('/signin'));
		});

		const popup = await step('open-credential', async () => {
			await page.goto(`${n8n}/home/credentials/${credential.id}`);
			await page.waitForSelector('[data-test-id="editCredential-modal"]');
			await page.waitForSelector('[data-test-id="oauth-not-connected-banner"]');
			const [opened] = await Promise.all([
				context.waitForEvent('page'),
				page.click(
					'[data-test-id="oauth-not-connected-banner"] [data-test-id="quick-connect-button"]',
				),
			]);
			return opened;
		});

		await step('consent', async () => {
			await popup.waitForSelector('#accept');
			expect(new URL(popup.url()).origin).toBe(env.state.emulator.url);
			await popup.screenshot({ path: join(env.state.artifactsDir, 'consent-page.png') });
			await popup.check(`input[data-user="${user.userPrincipalName}"]`);
			const closed = popup.waitForEvent('close', { timeout: 30_000 });
			await popup.click('#accept');
			// n8n's callback page stores the token, tells the editor and closes the popup.
			await closed;
		});

		await step('connected', async () => {
			await page.waitForSelector('[data-test-id="oauth-connect-success-banner"]');
			await page.screenshot({ path: join(env.state.artifactsDir, 'credential-connected.png') });
		});
		expect(await env.client.isConnected(credential.id)).toBe(true);

		// The stored token is the picked user's: n8n runs "Get Connected Account" with it.
		const whoAmI = await env.client.createWorkflow(
			linearWorkflow(uniqueName('Who am I'), [
				graphMailNode(
					'Who am I',
					{ id: credential.id, name },
					{ resource: 'account', operation: 'get' },
				),
			]),
		);
		const outcome = await executeWorkflow(env.state.runtime, homeOf(env.state), whoAmI.id);
		expect(describeFailure(outcome)).toBe('');
		expect(nodeOutput(outcome.result!, 'Who am I')[0]!.json.userPrincipalName).toBe(
			user.userPrincipalName,
		);

		// The canvas of an example workflow that uses the package's node.
		const example = loadExamples().find((workflow) => workflow.id === 'GraphMailNotify1');
		const prepared = prepareExample(
			example!,
			{ id: credential.id, name },
			{ recipient: user.mail, filesFolder: env.state.filesDir },
		);
		const canvas = await env.client.createWorkflow({
			...prepared,
			id: undefined,
			name: uniqueName(String(prepared.name)),
		});
		await step('canvas', async () => {
			await page.keyboard.press('Escape');
			await page.goto(`${n8n}/workflow/${canvas.id}`);
			await page.waitForSelector('[data-test-id="canvas-node"]');
			// A string: it runs in the page, where `document` exists (this file is compiled without the DOM types).
			await page.waitForFunction(
				'document.querySelectorAll(\'[data-test-id="canvas-node"]\').length >= 4',
			);
			await page.waitForTimeout(500); // let the canvas finish fitting the view
			const text = await page.innerText('body');
			expect(text).toContain('Send the report');
			await page.screenshot({ path: join(env.state.artifactsDir, 'workflow-canvas.png') });
		});
	});
});

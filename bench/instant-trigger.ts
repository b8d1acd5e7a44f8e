/**
 * Benchmark (prints figures; not a test): how soon a workflow starts after a mail arrives, with
 * Graph Mail Instant Trigger (Graph change notifications) against Graph Mail Trigger (n8n's
 * shortest poll, once a minute), in a REAL n8n 2.40.7 (the provisioned one, the packed package
 * installed as for the e2e tests) next to the emulator.
 *
 * Delay = n8n's `startedAt` of the execution that emitted the mail minus the moment the bench
 * delivered the mail into the emulator (same machine, same clock).
 *
 * Part 1, clean: BENCH_MAILS (50) mails one after another into an active workflow holding the
 *   instant trigger; p50 / p95 / max delay (target: p95 <= 2 s). Every mail must be emitted once.
 * Part 2, faults: BENCH_FAULT_MAILS (50) mails 100 ms apart while the emulator drops 20% and
 *   duplicates 20% of the notifications (then one undisturbed mail, whose notification also
 *   stands for a dropped last one); mails lost and mails emitted twice (must be 0 / 0).
 * Part 3, polling: BENCH_POLL_MAILS (6) mails at random moments over two minutes into a workflow
 *   holding Graph Mail Trigger polling every minute; the measured delays, next to the expected
 *   mean of half the poll interval. BENCH_POLL_MAILS=0 skips it (the output then says the polling
 *   figure is computed, not measured).
 *
 *   npm run bench:instant-trigger            (needs the provisioned n8n: npm run provision)
 *   BENCH_MAILS=50 BENCH_FAULT_MAILS=50 BENCH_POLL_MAILS=6 npm run bench:instant-trigger
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parse as parseFlatted } from 'flatted';

import { connectHeadless, CREDENTIAL_TYPE, emulatorCredentialData } from '../scripts/lib/connect';
import { EmulatorControlClient } from '../scripts/lib/emulator-process';
import { makeLogger } from '../scripts/lib/log';
import { delay, freePort, waitFor } from '../scripts/lib/net';
import { provisionedRuntime } from '../scripts/lib/paths';
import { startStack, type Stack } from '../scripts/lib/stack';

const MAILS = Number(process.env.BENCH_MAILS ?? 50);
const FAULT_MAILS = Number(process.env.BENCH_FAULT_MAILS ?? 50);
const POLL_MAILS = Number(process.env.BENCH_POLL_MAILS ?? 6);
const POLL_INTERVAL_MS = 60_000;
const POLL_SPREAD_MS = 120_000;
const DROP_SHARE = 0.2;
const DUPLICATE_SHARE = 0.2;
const TARGET_P95_MS = 2_000;

const log = makeLogger('bench');
const INSTANT = 'n8n-nodes-graph-mail.graphMailInstantTrigger';
const POLLING = 'n8n-nodes-graph-mail.graphMailTrigger';

interface Execution {
	id: string;
	startedAt: number;
	subjects: string[];
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function summary(delays: number[]): { p50: number; p95: number; max: number; mean: number } {
	const sorted = [...delays].sort((a, b) => a - b);
	return {
		p50: percentile(sorted, 50),
		p95: percentile(sorted, 95),
		max: sorted[sorted.length - 1],
		mean: delays.reduce((sum, d) => sum + d, 0) / delays.length,
	};
}

/** Reads an active workflow's executions and the subjects each emitted (n8n stores run data as flatted JSON). */
class Executions {
	private readonly known = new Map<string, Execution>();

	constructor(
		private readonly stack: Stack,
		private readonly workflowId: string,
		private readonly nodeName: string,
	) {}

	async refresh(): Promise<Execution[]> {
		const listed = await this.stack.client.listExecutions(this.workflowId);
		for (const summary of listed) {
			if (this.known.has(summary.id) || summary.status === 'running' || summary.status === 'new') continue;
			const full = await this.stack.client.request<{ data: string; startedAt: string }>('GET', `/rest/executions/${summary.id}`);
			const data = parseFlatted(full.data) as {
				resultData?: { runData?: Record<string, Array<{ data?: { main?: Array<Array<{ json: { subject?: string } }>> } }>> };
			};
			const items = data.resultData?.runData?.[this.nodeName]?.[0]?.data?.main?.[0] ?? [];
			this.known.set(summary.id, {
				id: summary.id,
				startedAt: Date.parse(full.startedAt ?? summary.startedAt),
				subjects: items.map((item) => String(item.json.subject ?? '')),
			});
		}
		return [...this.known.values()];
	}

	/** Per subject: the executions that emitted it. */
	async bySubject(): Promise<Map<string, Execution[]>> {
		const map = new Map<string, Execution[]>();
		for (const execution of await this.refresh()) {
			for (const subject of execution.subjects) map.set(subject, [...(map.get(subject) ?? []), execution]);
		}
		return map;
	}
}

async function activeTriggerWorkflow(stack: Stack, type: string, credential: { id: string; name: string }, name: string) {
	const webhookId = randomUUID();
	const parameters: Record<string, unknown> = { event: 'newMessage', mailbox: 'me', output: 'simple', options: {} };
	if (type === POLLING) parameters.pollTimes = { item: [{ mode: 'everyMinute' }] };
	const workflow = await stack.client.createWorkflow({
		name,
		nodes: [
			{
				id: 'trigger',
				name: 'New mail',
				type,
				typeVersion: 1,
				position: [0, 0],
				parameters,
				credentials: { [CREDENTIAL_TYPE]: credential },
				...(type === INSTANT ? { webhookId } : {}),
			},
		],
		connections: {},
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all' },
	});
	await stack.client.activateWorkflow(workflow.id);
	return { workflow, webhookId, executions: new Executions(stack, workflow.id, 'New mail') };
}

async function main(): Promise<void> {
	const runtime = provisionedRuntime();
	if (!runtime) throw new Error('n8n is not provisioned: run `npm run provision`');
	const tmpDir = mkdtempSync(join(tmpdir(), 'graph-mail-bench-instant-'));
	const ports = { n8n: await freePort(), emulator: await freePort(), emulatorUpload: await freePort() };
	log(`starting n8n ${runtime.n8nVersion} and the emulator (logs in ${join(tmpDir, 'logs')})`);
	const stack = await startStack({
		runtime,
		userFolder: join(tmpDir, 'n8n'),
		encryptionKey: 'graph-mail-bench-encryption-key',
		packDir: join(tmpDir, 'pack'),
		logDir: join(tmpDir, 'logs'),
		ports,
		owner: { email: 'bench-owner@example.com', firstName: 'Bench', lastName: 'Owner', password: 'GraphMail-Bench1' },
		autoApprove: false,
		log,
	});
	const emulator = new EmulatorControlClient(stack.emulator.url, stack.emulator.controlKey);
	let failed = false;
	try {
		const newUser = async (prefix: string) => {
			const name = `${prefix}-${randomUUID().slice(0, 8)}`;
			return await emulator.addUser({ userPrincipalName: `${name}@contoso.onmicrosoft.com`, displayName: `Bench ${name}` });
		};
		const connected = async (upn: string) => {
			const name = `Graph Mail ${upn}`;
			const credential = await stack.client.createCredential(name, CREDENTIAL_TYPE, emulatorCredentialData(stack.emulator));
			await connectHeadless(stack.client, credential.id, upn);
			return { id: credential.id, name };
		};
		const deliver = async (userId: string, subject: string) =>
			await emulator.deliver(userId, {
				subject,
				from: { name: 'Sender', address: 'sender@contoso.onmicrosoft.com' },
				toRecipients: [{ address: `${userId}@contoso.onmicrosoft.com` }],
				body: { contentType: 'text', content: 'Bench mail' },
			});

		// ---- Part 1: clean deliveries, instant trigger ----
		const watched = await newUser('instant');
		const instant = await activeTriggerWorkflow(stack, INSTANT, await connected(watched.userPrincipalName), 'Bench instant trigger');
		await waitFor('the subscription on n8n\'s webhook URL', async () => {
			const subs = await emulator.subscriptions();
			return subs.some((s) => s.notificationUrl.includes(instant.webhookId)) ? true : undefined;
		}, { timeoutMs: 60_000, intervalMs: 200 });
		// Let the trigger's first catch-up pass before measuring.
		await delay(2_000);
		log(`part 1: ${MAILS} mails one after another`);
		const delays: number[] = [];
		const cleanSubjects: string[] = [];
		for (let i = 0; i < MAILS; i++) {
			const subject = `Clean ${i} ${randomUUID().slice(0, 8)}`;
			cleanSubjects.push(subject);
			const deliveredAt = Date.now();
			await deliver(watched.id, subject);
			const execution = await waitFor(`the execution for ${subject}`, async () => (await instant.executions.bySubject()).get(subject)?.[0], {
				timeoutMs: 60_000,
				intervalMs: 50,
			});
			delays.push(execution.startedAt - deliveredAt);
		}
		await delay(2_000);
		const clean = await instant.executions.bySubject();
		const cleanLost = cleanSubjects.filter((s) => !clean.has(s)).length;
		const cleanTwice = cleanSubjects.filter((s) => (clean.get(s)?.length ?? 0) > 1).length;

		// ---- Part 2: dropped and duplicated notifications ----
		log(`part 2: ${FAULT_MAILS} mails 100 ms apart, ${DROP_SHARE * 100}% of notifications dropped, ${DUPLICATE_SHARE * 100}% duplicated`);
		const logBefore = (await emulator.notifications()).length;
		await emulator.injectFault([
			{ route: 'notification', kind: 'notificationDrop', probability: DROP_SHARE },
			{ route: 'notification', kind: 'notificationDuplicate', probability: DUPLICATE_SHARE / (1 - DROP_SHARE) },
		]);
		const faultSubjects: string[] = [];
		for (let i = 0; i < FAULT_MAILS; i++) {
			const subject = `Faulted ${i} ${randomUUID().slice(0, 8)}`;
			faultSubjects.push(subject);
			await deliver(watched.id, subject);
			await delay(100);
		}
		await emulator.clearFaults();
		const notificationLog = (await emulator.notifications()).slice(logBefore);
		const sentinel = `Sentinel ${randomUUID().slice(0, 8)}`;
		await deliver(watched.id, sentinel);
		await waitFor('every faulted mail emitted', async () => {
			const seen = await instant.executions.bySubject();
			return [...faultSubjects, sentinel].every((s) => seen.has(s)) ? true : undefined;
		}, { timeoutMs: 120_000, intervalMs: 250 }).catch(() => undefined);
		// Late duplicates (the emulator retries and the duplicated POSTs) have time to arrive.
		await delay(5_000);
		const faulted = await instant.executions.bySubject();
		const lost = faultSubjects.filter((s) => !faulted.has(s)).length;
		const twice = faultSubjects.filter((s) => (faulted.get(s)?.length ?? 0) > 1).length;
		const dropped = notificationLog.filter((entry) => entry.outcome === 'dropped').length;
		const postsPerMail = new Map<string, number>();
		for (const entry of notificationLog) {
			if (entry.messageId && typeof entry.outcome === 'number') postsPerMail.set(entry.messageId, (postsPerMail.get(entry.messageId) ?? 0) + 1);
		}
		const duplicated = [...postsPerMail.values()].filter((count) => count > 1).length;
		await stack.client.deactivateWorkflow(instant.workflow.id);

		// ---- Part 3: the polling trigger, once a minute ----
		const pollDelays: number[] = [];
		if (POLL_MAILS > 0) {
			const polled = await newUser('polled');
			const polling = await activeTriggerWorkflow(stack, POLLING, await connected(polled.userPrincipalName), 'Bench polling trigger');
			// The first poll (at activation) sets the starting point.
			await delay(5_000);
			log(`part 3: ${POLL_MAILS} mails at random moments over ${POLL_SPREAD_MS / 1000} s, polled every minute (about ${Math.round((POLL_SPREAD_MS + 70_000) / 1000)} s)`);
			const moments = [...Array(POLL_MAILS)].map(() => Math.random() * POLL_SPREAD_MS).sort((a, b) => a - b);
			const start = Date.now();
			const sent: Array<{ subject: string; at: number }> = [];
			for (const [i, moment] of moments.entries()) {
				await delay(start + moment - Date.now());
				const subject = `Polled ${i} ${randomUUID().slice(0, 8)}`;
				sent.push({ subject, at: Date.now() });
				await deliver(polled.id, subject);
			}
			await waitFor('every polled mail emitted', async () => {
				const seen = await polling.executions.bySubject();
				return sent.every((s) => seen.has(s.subject)) ? true : undefined;
			}, { timeoutMs: POLL_INTERVAL_MS + 30_000, intervalMs: 1_000 });
			const seen = await polling.executions.bySubject();
			for (const mail of sent) pollDelays.push(seen.get(mail.subject)![0].startedAt - mail.at);
			await stack.client.deactivateWorkflow(polling.workflow.id);
		}

		// ---- Report ----
		const s = summary(delays);
		const lines = [
			'',
			`Graph Mail Instant Trigger in n8n ${runtime.n8nVersion}: delivery into the emulator -> execution start`,
			`  part 1, ${MAILS} mails one after another:`,
			`    p50 ${seconds(s.p50)}, p95 ${seconds(s.p95)}, max ${seconds(s.max)}, mean ${seconds(s.mean)} (target p95 <= ${seconds(TARGET_P95_MS)}: ${s.p95 <= TARGET_P95_MS ? 'met' : 'MISSED'})`,
			`    lost ${cleanLost}, emitted twice ${cleanTwice}`,
			`  part 2, ${FAULT_MAILS} mails 100 ms apart with faults on the notifications:`,
			`    notifications dropped ${dropped}, mails notified twice or more ${duplicated}`,
			`    mails lost ${lost}, emitted twice ${twice} (must be 0 / 0: ${lost === 0 && twice === 0 ? 'met' : 'MISSED'})`,
		];
		if (pollDelays.length > 0) {
			const p = summary(pollDelays);
			lines.push(
				`Graph Mail Trigger polling every minute, ${pollDelays.length} mails at random moments (measured):`,
				`    p50 ${seconds(p.p50)}, p95 ${seconds(p.p95)}, max ${seconds(p.max)}, mean ${seconds(p.mean)} (expected mean ${seconds(POLL_INTERVAL_MS / 2)})`,
				`  instant vs polling: mean ${(p.mean / s.mean).toFixed(0)}x sooner, p95 ${(p.p95 / s.p95).toFixed(0)}x sooner`,
			);
		} else {
			lines.push(
				'Graph Mail Trigger polling every minute (computed, not measured: BENCH_POLL_MAILS=0):',
				`    mean ${seconds(POLL_INTERVAL_MS / 2)}, max ${seconds(POLL_INTERVAL_MS)} plus the poll itself`,
				`  instant vs polling: mean ${(POLL_INTERVAL_MS / 2 / s.mean).toFixed(0)}x sooner`,
			);
		}
		process.stdout.write(`${lines.join('\n')}\n`);
		failed = s.p95 > TARGET_P95_MS || lost > 0 || twice > 0 || cleanLost > 0 || cleanTwice > 0;
	} finally {
		await stack.stop();
		rmSync(tmpDir, { recursive: true, force: true });
	}
	if (failed) process.exitCode = 1;
}

main().catch((error) => {
	process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exitCode = 1;
});

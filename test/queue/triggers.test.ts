import { randomUUID } from 'node:crypto';

import { CREDENTIAL_TYPE } from '../../scripts/lib/connect';
import { makeLogger } from '../../scripts/lib/log';
import { executionRecord, setUpMailboxes, workerOf } from '../../scripts/lib/queue-scenarios';
import type { QueueStack } from '../../scripts/lib/queue-stack';
import { startTestStack, waitFor } from './support';

/**
 * Both triggers in n8n 2.40.7's queue mode (Redis, PostgreSQL, one main, two workers): main runs
 * the poll and the instant trigger's loop once per active workflow, the workers run the executions
 * they start. Main is stopped with SIGTERM while the workers run, and started again; mail arrives
 * before, during and after: every mail is emitted exactly once.
 */
jest.setTimeout(600_000);

const log = makeLogger('queue-triggers');
let stack: QueueStack;

beforeAll(async () => {
	stack = await startTestStack(log);
}, 360_000);

afterAll(async () => {
	await stack?.stop();
});

const POLLING = 'n8n-nodes-graph-mail.graphMailTrigger';
const INSTANT = 'n8n-nodes-graph-mail.graphMailInstantTrigger';

/** Trigger -> No Operation; every execution keeps its data, so its items are what the trigger emitted. */
function triggerWorkflow(
	name: string,
	type: string,
	credential: { id: string; name: string },
): Record<string, unknown> {
	const trigger: Record<string, unknown> = {
		id: 'trigger',
		name: 'New Mail',
		type,
		typeVersion: 1,
		position: [0, 0],
		parameters: {
			...(type === POLLING ? { pollTimes: { item: [{ mode: 'everyMinute' }] } } : {}),
			event: 'newMessage',
			mailbox: 'me',
			output: 'simple',
			options: {},
		},
		credentials: { [CREDENTIAL_TYPE]: credential },
	};
	if (type === INSTANT) trigger.webhookId = randomUUID();
	return {
		name,
		nodes: [
			trigger,
			{
				id: 'noop',
				name: 'Handled',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [240, 0],
				parameters: {},
			},
		],
		connections: { 'New Mail': { main: [[{ node: 'Handled', type: 'main', index: 0 }]] } },
		settings: {
			executionOrder: 'v1',
			saveDataSuccessExecution: 'all',
			saveDataErrorExecution: 'all',
		},
	};
}

interface Watched {
	label: string;
	workflowId: string;
	mailbox: { id: string; userPrincipalName: string };
	subjects: string[];
}

/** Subject -> how many times the workflow's finished executions emitted it, and which processes ran them. */
async function emitted(watched: Watched) {
	const counts = new Map<string, number>();
	const runners = new Set<string | undefined>();
	const executions = await stack.client.listExecutions(watched.workflowId);
	for (const execution of executions) {
		if (['new', 'running', 'waiting'].includes(execution.status)) continue;
		const record = await executionRecord(stack, execution.id);
		runners.add(workerOf(stack, execution.id));
		const items = record.data.resultData.runData['New Mail']?.[0]?.data?.main?.[0] ?? [];
		for (const item of items) {
			const subject = String(item.json.subject);
			counts.set(subject, (counts.get(subject) ?? 0) + 1);
		}
	}
	return { counts, runners, executions };
}

async function deliver(watched: Watched, stage: string) {
	const subject = `${watched.label} ${stage} ${randomUUID().slice(0, 8)}`;
	await stack.emulator.control.deliver(watched.mailbox.id, {
		subject,
		from: { name: 'Writer', address: 'writer@example.com' },
		toRecipients: [{ name: 'Watched', address: watched.mailbox.userPrincipalName }],
		body: { contentType: 'text', content: 'Hello.' },
	});
	watched.subjects.push(subject);
}

async function allEmitted(watched: Watched, timeoutMs: number) {
	await waitFor(
		`${watched.label}: ${watched.subjects.join(', ')} emitted`,
		async () => {
			const { counts } = await emitted(watched);
			return watched.subjects.every((subject) => counts.has(subject)) ? true : undefined;
		},
		timeoutMs,
		1_000,
	);
}

it('the polling and the instant trigger run once per active workflow on main, and emit every mail exactly once across a SIGTERM restart of main', async () => {
	const tag = `trg${Date.now() % 100000}`;
	const setUp = async (label: string, type: string): Promise<Watched> => {
		const boxes = await setUpMailboxes(stack, `${tag}${label}`, 0);
		const users = await stack.emulator.control.users();
		const user = users.find((candidate) => candidate.userPrincipalName === boxes.sender)!;
		const created = await stack.client.createWorkflow(
			triggerWorkflow(`${label} ${tag}`, type, boxes.credential),
		);
		await stack.client.activateWorkflow(created.id);
		return { label, workflowId: created.id, mailbox: user, subjects: [] };
	};
	const polling = await setUp('polling', POLLING);
	const instant = await setUp('instant', INSTANT);
	const subscriptions = async () =>
		(await stack.emulator.control.subscriptions()).filter((subscription) =>
			subscription.notificationUrl.includes(`${stack.main.url}/webhook/`),
		);
	await waitFor(
		'the instant trigger to subscribe',
		async () => ((await subscriptions()).length === 1 ? true : undefined),
		60_000,
	);
	await stack.emulator.control.resetCounters();
	const startedAt = Date.now();

	// Before the restart: the instant trigger within seconds, the poll within its minute.
	for (const watched of [polling, instant]) await deliver(watched, 'before');
	await allEmitted(instant, 60_000);
	await allEmitted(polling, 150_000);

	// Mail just before SIGTERM, and while main is down (the workers keep running).
	for (const watched of [polling, instant]) await deliver(watched, 'at stop');
	await stack.restartMain(async () => {
		for (const watched of [polling, instant]) await deliver(watched, 'while down');
	});
	// After the restart.
	for (const watched of [polling, instant]) await deliver(watched, 'after');
	await allEmitted(instant, 120_000);
	await allEmitted(polling, 180_000);
	// One more poll and some seconds more: anything emitted twice shows up by now.
	const settleUntil = Date.now() + 70_000;
	await waitFor(
		'a minute to pass',
		async () => (Date.now() > settleUntil ? true : undefined),
		80_000,
	);

	for (const watched of [polling, instant]) {
		const { counts, runners, executions } = await emitted(watched);
		log(
			`${watched.label}: ${executions.length} executions on ${[...runners].join(', ')}: ${JSON.stringify([...counts])}`,
		);
		expect(Object.fromEntries(counts)).toEqual(
			Object.fromEntries(watched.subjects.map((subject) => [subject, 1])),
		);
		// The triggers ran on main; the executions they started ran on the workers.
		for (const runner of runners) expect(runner).toMatch(/^worker\d$/);
	}
	// One subscription (re-made or kept across the restart), not one per process.
	expect(await subscriptions()).toHaveLength(1);
	// Polls: once a minute for the one active polling workflow (plus one on activation at start-up),
	// not once per process: each poll reads the Inbox's delta once.
	const minutes = (Date.now() - startedAt) / 60_000;
	const counters = await stack.emulator.control.counters();
	log(`delta requests ${counters.requestsByRoute.delta} in ${minutes.toFixed(1)} minutes`);
}, 600_000);

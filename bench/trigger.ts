/**
 * Benchmark (prints figures; not a test): new-mail triggers, this package's Graph Mail Trigger
 * (delta query per folder, seen set) against n8n's built-in Microsoft Outlook Trigger (a
 * receivedDateTime window on the host clock, `lastTimeChecked`), in the same run, on the same
 * mailbox, both in n8n-core's real PollContext against the emulator.
 *
 * Part 1, one folder: BENCH_MAILS (2,000) mails over BENCH_POLLS (25) polls, BENCH_INTERVAL_MS
 * (1,200 ms, so that every window of the built-in trigger holds whole seconds) apart. Per poll:
 *  - most mails arrive normally (received "now");
 *  - some arrive in the same second as the previous check, just after it: Exchange stamps whole
 *    seconds, so their receivedDateTime is before `lastTimeChecked` (n8n issue 24970);
 *  - some become visible late: receivedDateTime 5 s to 5 min before the previous check (22300).
 * Then idle polls. Figures: mails lost, mails emitted twice, requests per poll.
 *
 * Part 2, six folders polled at once (26106, 28969), the emulator spending 50 ms on each request:
 * peak requests in flight for the mailbox, 429s, failed polls, mails emitted.
 *
 *   npm run bench:trigger            (needs the provisioned n8n: npm run provision)
 *   BENCH_MAILS=2000 BENCH_POLLS=25 BENCH_INTERVAL_MS=1200 npm run bench:trigger
 */
import '../test/setup/env';

import type { INodeParameters } from 'n8n-workflow';

import {
	BUILTIN_OUTLOOK_CREDENTIAL_ID,
	BUILTIN_OUTLOOK_CREDENTIAL_TYPE,
	BUILTIN_OUTLOOK_TRIGGER_NODE_TYPE,
	builtinOutlookAvailable,
	connectBuiltinOutlookCredential,
	registerBuiltinOutlookTrigger,
} from '../test/harness/builtinOutlook';
import { startTestEnvironment, type TestEnvironment } from '../test/harness/environment';
import { Poller } from '../test/harness/poll';

const MAILS = Number(process.env.BENCH_MAILS ?? 2000);
const POLLS = Math.max(1, Number(process.env.BENCH_POLLS ?? 25));
const INTERVAL_MS = Number(process.env.BENCH_INTERVAL_MS ?? 1200);
const SAME_SECOND_SHARE = 0.15;
const LATE_SHARE = 0.15;
const IDLE_POLLS = 3;
const FOLDERS = 6;
const MAILS_PER_FOLDER = 20;
const MULTI_POLLS = 3;

const sleep = async (ms: number) =>
	await new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const graphDate = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

interface Contender {
	label: string;
	poller: Poller;
	emitted: string[];
	requestsPerPoll: number[];
	idleRequests: number[];
	failedPolls: number;
	/** Whether a failed poll returns nothing instead of throwing (n8n's trigger, once it has a lastTimeChecked). */
	hidesFailures: boolean;
	lastCheckMs(): number;
}

function ours(env: TestEnvironment, folders: string[]): Poller {
	return new Poller(env.engine, {
		parameters: {
			event: 'newMessage',
			folders: {
				folder: folders.map((value) => ({ folderId: { __rl: true, mode: 'id', value } })),
			},
		},
	});
}

function builtin(env: TestEnvironment, folders: string[]): Poller {
	const parameters: INodeParameters = {
		authentication: BUILTIN_OUTLOOK_CREDENTIAL_TYPE,
		event: 'messageReceived',
		output: 'simple',
		filters: { foldersToInclude: folders },
		options: {},
	};
	return new Poller(env.engine, {
		parameters,
		nodeType: BUILTIN_OUTLOOK_TRIGGER_NODE_TYPE,
		credentialType: BUILTIN_OUTLOOK_CREDENTIAL_TYPE,
		credentialId: BUILTIN_OUTLOOK_CREDENTIAL_ID,
	});
}

function contender(label: string, poller: Poller, lastCheckMs?: () => number): Contender {
	return {
		label,
		poller,
		emitted: [],
		requestsPerPoll: [],
		idleRequests: [],
		failedPolls: 0,
		hidesFailures: lastCheckMs !== undefined,
		lastCheckMs: lastCheckMs ?? (() => Date.now()),
	};
}

/** n8n's trigger's last check (host clock), from its static data. */
const lastTimeChecked = (poller: Poller) => () =>
	Date.parse(String(poller.nodeStaticData.lastTimeChecked));

async function pollOnce(env: TestEnvironment, c: Contender, idle = false): Promise<void> {
	const before = env.emulator.control.counters().requests;
	const checkBefore = c.lastCheckMs();
	const result = await c.poller.poll();
	const requests = env.emulator.control.counters().requests - before;
	(idle ? c.idleRequests : c.requestsPerPoll).push(requests);
	// n8n's trigger logs a failed poll and returns nothing, without moving lastTimeChecked
	if (result.error || (c.hidesFailures && checkBefore === c.lastCheckMs())) c.failedPolls++;
	for (const item of result.items) c.emitted.push(String(item.json.id));
}

function tally(delivered: string[], emitted: string[]) {
	const wanted = new Set(delivered);
	const counts = new Map<string, number>();
	for (const id of emitted) if (wanted.has(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
	let duplicated = 0;
	for (const n of counts.values()) duplicated += n - 1;
	return { emitted: emitted.length, lost: delivered.length - counts.size, duplicated };
}

const avg = (values: number[]) =>
	values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;

async function singleFolder(env: TestEnvironment): Promise<void> {
	const mine = contender('Graph Mail Trigger', ours(env, ['inbox']));
	const theirsPoller = builtin(env, ['inbox']);
	const theirs = contender(
		'Microsoft Outlook Trigger (n8n)',
		theirsPoller,
		lastTimeChecked(theirsPoller),
	);
	const delivered: { normal: string[]; sameSecond: string[]; late: string[] } = {
		normal: [],
		sameSecond: [],
		late: [],
	};
	const perPoll = Math.ceil(MAILS / POLLS);
	let serial = 0;
	const mail = (kind: keyof typeof delivered, receivedDateTime?: string) => {
		if (serial >= MAILS) return;
		serial++;
		delivered[kind].push(
			env.emulator.control.deliver(env.userId, 'inbox', {
				subject: `Bench ${serial} (${kind})`,
				...(receivedDateTime ? { receivedDateTime } : {}),
			}),
		);
	};

	// first activation: both start from now
	await pollOnce(env, mine);
	await pollOnce(env, theirs);
	let lastPolls = Date.now();
	const started = Date.now();
	for (let poll = 0; poll < POLLS; poll++) {
		// right after the previous check: same-second and late mails
		const check = theirs.lastCheckMs();
		const sameSecond = Math.round(perPoll * SAME_SECOND_SHARE);
		const late = Math.round(perPoll * LATE_SHARE);
		for (let i = 0; i < sameSecond; i++) mail('sameSecond', graphDate(check));
		for (let i = 0; i < late; i++)
			mail('late', graphDate(check - 5000 - ((serial * 7919) % 295_000)));
		await sleep(INTERVAL_MS - (Date.now() - lastPolls));
		// then the normal ones, received "now", and the next polls
		for (let i = sameSecond + late; i < perPoll; i++) mail('normal');
		if (poll === POLLS - 1) while (serial < MAILS) mail('normal');
		await pollOnce(env, mine);
		await pollOnce(env, theirs);
		lastPolls = Date.now();
	}
	const wallS = (Date.now() - started) / 1000;
	for (let i = 0; i < IDLE_POLLS; i++) {
		await sleep(INTERVAL_MS);
		await pollOnce(env, mine, true);
		await pollOnce(env, theirs, true);
	}

	const all = [...delivered.normal, ...delivered.sameSecond, ...delivered.late];
	console.log(
		`\nPart 1: one folder (Inbox), ${all.length} mails over ${POLLS} polls ${INTERVAL_MS} ms apart (${wallS.toFixed(0)} s): ` +
			`${delivered.normal.length} normal, ${delivered.sameSecond.length} in the same second as the previous check, ` +
			`${delivered.late.length} visible 5 s - 5 min late; then ${IDLE_POLLS} idle polls`,
	);
	const rows = [mine, theirs].map((c) => {
		const total = tally(all, c.emitted);
		return {
			trigger: c.label,
			emitted: total.emitted,
			lost: total.lost,
			'lost (same second)': tally(delivered.sameSecond, c.emitted).lost,
			'lost (late)': tally(delivered.late, c.emitted).lost,
			'lost (normal)': tally(delivered.normal, c.emitted).lost,
			duplicated: total.duplicated,
			'failed polls': c.failedPolls,
			'requests/poll (busy, avg)': Number(avg(c.requestsPerPoll.slice(1)).toFixed(2)),
			'requests/poll (busy, max)': Math.max(...c.requestsPerPoll.slice(1)),
			'requests/poll (idle)': Number(avg(c.idleRequests).toFixed(2)),
		};
	});
	console.table(rows);
}

async function manyFolders(env: TestEnvironment): Promise<void> {
	const folders = Array.from(
		{ length: FOLDERS },
		(_, i) => env.emulator.control.createFolder(env.userId, `Bench folder ${i + 1}`).id,
	);
	const theirs = builtin(env, folders);
	const contenders = [
		contender('Graph Mail Trigger', ours(env, folders)),
		contender('Microsoft Outlook Trigger (n8n)', theirs, lastTimeChecked(theirs)),
	];
	for (const c of contenders) await pollOnce(env, c); // first activation
	for (const c of contenders) c.failedPolls = 0;
	await sleep(1100);
	const delivered: string[] = [];
	for (const folder of folders) {
		for (let i = 0; i < MAILS_PER_FOLDER; i++) {
			delivered.push(
				env.emulator.control.deliver(env.userId, folder, { subject: `Folder mail ${i}` }),
			);
		}
	}
	await sleep(1100);
	env.emulator.control.setOptions({ serverTimeMs: 50 });
	const rows = [];
	try {
		for (const c of contenders) {
			env.emulator.control.resetCounters();
			for (let i = 0; i < MULTI_POLLS; i++) await pollOnce(env, c);
			const counters = env.emulator.control.counters();
			const total = tally(delivered, c.emitted);
			rows.push({
				trigger: c.label,
				polls: MULTI_POLLS,
				'failed polls': c.failedPolls,
				'peak in flight (mailbox)': Math.max(0, ...Object.values(counters.peakInFlightByMailbox)),
				'429 answers': counters.throttled429,
				requests: counters.requests,
				emitted: total.emitted,
				'not emitted': total.lost,
				duplicated: total.duplicated,
			});
		}
	} finally {
		env.emulator.control.setOptions({ serverTimeMs: 0 });
	}
	console.log(
		`\nPart 2: ${FOLDERS} folders polled at once, ${MAILS_PER_FOLDER} new mails each, the emulator spending 50 ms per request ` +
			`(Outlook allows 4 concurrent requests per mailbox; above that: 429)`,
	);
	console.table(rows);
}

async function main(): Promise<void> {
	if (!builtinOutlookAvailable()) {
		throw new Error(
			'The provisioned n8n is missing (it holds the built-in Outlook Trigger): run `npm run provision` first',
		);
	}
	const env = await startTestEnvironment();
	try {
		registerBuiltinOutlookTrigger(env.engine);
		await connectBuiltinOutlookCredential(env.engine, env.emulator, { userId: env.userId });
		await singleFolder(env);
		await manyFolders(env);
	} finally {
		await env.stop();
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});

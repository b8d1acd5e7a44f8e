import {
	MailboxBudget,
	OUTLOOK_MAILBOX_BUDGET,
	type BudgetLimits,
} from '../../nodes/GraphMail/transport/mailboxBudget';

const MiB = 1024 * 1024;

/** A budget on a clock the test moves; `wait` advances the clock instead of sleeping. */
function setup(limits: BudgetLimits = OUTLOOK_MAILBOX_BUDGET) {
	let now = 1_000_000;
	const budget = new MailboxBudget(limits, () => now);
	const waits: number[] = [];
	const wait = async (ms: number) => {
		waits.push(ms);
		now += ms;
	};
	return {
		budget,
		waits,
		wait,
		advance: (ms: number) => (now += ms),
		now: () => now,
	};
}

describe('MailboxBudget', () => {
	it("has Outlook's per-mailbox limits by default", () => {
		expect(OUTLOOK_MAILBOX_BUDGET).toEqual({
			maxRequests: 10_000,
			requestWindowMs: 600_000,
			maxUploadBytes: 150 * MiB,
			uploadWindowMs: 300_000,
		});
	});

	it('lets requests through at once while the window has room', async () => {
		const { budget, waits, wait } = setup();
		for (let i = 0; i < 500; i++) await budget.reserve('me', 20, 0, wait);
		expect(waits).toEqual([]);
		expect(budget.usage('me')).toEqual({ requests: 10_000, uploadBytes: 0 });
	});

	it('waits until the oldest requests leave the 10-minute window', async () => {
		const { budget, waits, wait, advance } = setup();
		await budget.reserve('me', 6_000, 0, wait);
		advance(60_000);
		await budget.reserve('me', 4_000, 0, wait);
		advance(1_000);
		// Full: the next request fits when the first 6,000 leave, 10 minutes after they were sent.
		await budget.reserve('me', 1, 0, wait);
		expect(waits).toEqual([600_000 - 61_000]);
		expect(budget.usage('me')).toEqual({ requests: 4_001, uploadBytes: 0 });
	});

	it('counts each mailbox on its own (case-insensitive)', async () => {
		const { budget, waits, wait } = setup();
		await budget.reserve('Shared@Contoso.com', 10_000, 0, wait);
		await budget.reserve('me', 10_000, 0, wait);
		expect(waits).toEqual([]);
		expect(budget.delayMs('shared@contoso.com', 1, 0)).toBe(600_000);
	});

	it('paces upload bytes to 150 MiB per 5 minutes', async () => {
		const { budget, waits, wait, advance } = setup();
		for (let i = 0; i < 37; i++) {
			await budget.reserve('me', 1, 4 * MiB, wait);
			advance(1_000);
		}
		expect(waits).toEqual([]);
		// 148 MiB in the window: 4 MiB more does not fit until the first PUT leaves (5 min after it).
		await budget.reserve('me', 1, 4 * MiB, wait);
		expect(waits).toEqual([300_000 - 37_000]);
		expect(budget.usage('me').uploadBytes).toBe(37 * 4 * MiB);
	});

	it('admits any single body into an empty window (else a large one could never pass)', async () => {
		const { budget, waits, wait } = setup({ ...OUTLOOK_MAILBOX_BUDGET, maxUploadBytes: 1000 });
		await budget.reserve('me', 1, 5000, wait);
		expect(waits).toEqual([]);
		expect(budget.delayMs('me', 1, 1)).toBe(300_000);
	});

	it('takes the longer of the two waits', () => {
		const { budget, advance } = setup({
			maxRequests: 2,
			requestWindowMs: 1000,
			maxUploadBytes: 100,
			uploadWindowMs: 5000,
		});
		budget.spend('me', 2, 100);
		advance(10);
		expect(budget.delayMs('me', 1, 0)).toBe(990);
		expect(budget.delayMs('me', 0, 1)).toBe(4990);
		expect(budget.delayMs('me', 1, 1)).toBe(4990);
	});

	it('keeps reserving after waits that another reservation used up', async () => {
		const { budget, waits, wait, now } = setup({
			maxRequests: 1,
			requestWindowMs: 100,
			maxUploadBytes: 1e9,
			uploadWindowMs: 100,
		});
		const start = now();
		await Promise.all([
			budget.reserve('me', 1, 0, wait),
			budget.reserve('me', 1, 0, wait),
			budget.reserve('me', 1, 0, wait),
		]);
		// One at a time, 100 ms apart: never two in one window.
		expect(now() - start).toBeGreaterThanOrEqual(200);
		expect(waits.length).toBeGreaterThanOrEqual(2);
	});
});

import { AdaptiveLimit } from '../../nodes/GraphMail/transport/adaptiveLimit';

/**
 * A toy mailbox that holds at most `capacity` in flight: each round (one chain's time) every
 * sender asks for `current` slots; the slots past the capacity are refused (the sender that asked
 * last, in turn, loses them), as Graph answers 429 to whoever arrives at a full mailbox. As
 * transport/batch.ts does, the refused sender's first new chain takes the 429 (the rest of it never
 * runs) and it starts no new chain for the Retry-After (`pauseRounds`): meanwhile it keeps the
 * slots it has.
 */
function simulate(
	senders: AdaptiveLimit[],
	rounds: number,
	clock: { t: number },
	capacity = 4,
	pauseRounds = 1,
) {
	let used = 0;
	let throttled = 0;
	let requests = 0;
	const held = new Map<AdaptiveLimit, number>(senders.map((sender) => [sender, 0]));
	const pausedUntil = new Map<AdaptiveLimit, number>();
	for (let round = 0; round < rounds; round++) {
		clock.t += 100;
		const sentAt = clock.t;
		let free = capacity;
		const order = round % 2 === 0 ? senders : [...senders].reverse();
		for (const sender of order) {
			const paused = (pausedUntil.get(sender) ?? -1) >= round;
			const asked = paused ? Math.min(sender.current, held.get(sender)!) : sender.current;
			const granted = Math.min(asked, free);
			free -= granted;
			held.set(sender, granted);
			requests += granted + (granted < asked ? 1 : 0);
			used += granted;
			clock.t += 1;
			if (granted < asked) {
				throttled += 1;
				sender.throttled(sentAt);
				pausedUntil.set(sender, round + pauseRounds);
			} else {
				sender.accepted();
			}
		}
	}
	return { utilisation: used / (rounds * capacity), throttledShare: throttled / requests };
}

describe('AdaptiveLimit: in-flight requests per mailbox from 429s alone', () => {
	it('a sender alone stays at the cap', () => {
		const clock = { t: 0 };
		const limit = new AdaptiveLimit({ max: 4, now: () => clock.t });
		const { utilisation, throttledShare } = simulate([limit], 200, clock);
		expect(limit.current).toBe(4);
		expect(utilisation).toBe(1);
		expect(throttledShare).toBe(0);
	});

	it('two senders settle near the capacity between them with few throttles', () => {
		const clock = { t: 0 };
		const a = new AdaptiveLimit({ max: 4, now: () => clock.t });
		const b = new AdaptiveLimit({ max: 4, now: () => clock.t });
		const { utilisation, throttledShare } = simulate([a, b], 400, clock);
		expect(utilisation).toBeGreaterThan(0.9);
		// Chains that meet a 429: each costs one 429 among its ~20 sends, under 1% of the sends.
		expect(throttledShare).toBeLessThan(0.15);
		// Neither starves the other.
		expect(a.current).toBeGreaterThanOrEqual(1);
		expect(b.current).toBeGreaterThanOrEqual(1);
		// The two windows may add up to more than 4 between throttles (a sender that was shut out goes
		// back to the cap when it gets in): an overshoot costs a 429 and a Retry-After without new
		// chains, never a slot -- the utilisation above.
	});

	it('shrinks once per congestion event: throttles of requests sent before the cut do not cut again', () => {
		let now = 1000;
		const limit = new AdaptiveLimit({ max: 4, now: () => now });
		limit.throttled(900);
		expect(limit.current).toBe(2); // 4 x 0.7 = 2.8
		now = 1100;
		limit.throttled(950); // sent before the cut at 1000
		limit.throttled(1000);
		expect(limit.current).toBe(2);
		limit.throttled(1050); // sent after the cut: new congestion
		expect(limit.current).toBe(1);
		expect(limit.reductions).toBe(2);
		expect(limit.throttles).toBe(4);
	});

	it('never goes below 1 nor above the cap, and grows back by about 1.5 per full round', () => {
		let now = 0;
		const limit = new AdaptiveLimit({ max: 4, now: () => now });
		limit.throttled(++now);
		expect(limit.current).toBe(2); // 2.8
		let accepted = 0;
		while (limit.current < 3) {
			limit.accepted();
			accepted++;
		}
		expect(accepted).toBe(1); // +1.5 / window per accepted group: 2.8 + 0.54 = 3.34
		while (limit.current < 4) {
			limit.accepted();
			accepted++;
		}
		expect(accepted).toBe(3); // 3.34 + 0.45 = 3.79, + 0.40 = 4.18
		for (let i = 0; i < 100; i++) limit.accepted();
		expect(limit.current).toBe(4);
		for (let i = 0; i < 10; i++) limit.throttled(++now);
		expect(limit.current).toBe(1);
		expect(new AdaptiveLimit({ max: 0 }).current).toBe(1);
	});

	it('a sender shut out to the floor goes back to the cap as soon as a chain of it gets in', () => {
		let now = 0;
		const limit = new AdaptiveLimit({ max: 4, now: () => now });
		for (let i = 0; i < 3; i++) limit.throttled(++now);
		expect(limit.current).toBe(1);
		limit.accepted();
		expect(limit.current).toBe(4);
		// Not from a window above the floor, nor without a throttle since the last accepted group.
		limit.throttled(++now);
		expect(limit.current).toBe(2);
		limit.accepted();
		expect(limit.current).toBe(3);
		const quiet = new AdaptiveLimit({ max: 4, now: () => now });
		for (let i = 0; i < 3; i++) quiet.throttled(++now);
		quiet.accepted(); // back to 4
		for (let i = 0; i < 3; i++) quiet.throttled(++now);
		expect(quiet.current).toBe(1);
		quiet.accepted();
		quiet.throttled(++now); // 4 x 0.7
		expect(quiet.current).toBe(2);
	});
});

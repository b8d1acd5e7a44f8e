import type { FaultSpec, RouteName } from '../contract';

/** What a request looks like to fault matching. */
export interface FaultTarget {
	route: RouteName;
	method: string;
	/** Lower-case user id of the target mailbox, if any. */
	mailboxId?: string;
	/** Path after `/v1.0` (Graph) or from `/upload/` (upload listener), without the query. */
	path: string;
	inBatch: boolean;
}

export type FaultKind = FaultSpec['kind'];

/** Faults that fired for one request: latency faults add up; at most one other fault fires. */
export interface FiredFaults {
	latencyMs: number;
	fault?: FaultSpec;
}

interface ActiveFault {
	spec: FaultSpec;
	pattern?: RegExp;
	/** Left to fire; Infinity for probability faults without `times`. */
	remaining: number;
}

/** Faults on requests the emulator answers. */
const REQUEST_KINDS: FaultKind[] = [
	'429',
	'503',
	'504',
	'reset',
	'lostResponse',
	'latency',
	'redirect',
	'html',
	'answer',
];
/** Faults on change notifications the emulator sends (graph/notifier.ts; route 'notification'). */
export const NOTIFICATION_KINDS: readonly FaultKind[] = [
	'notificationDrop',
	'notificationDelay',
	'notificationDuplicate',
	'notificationReorder',
];
const KINDS: FaultKind[] = [...REQUEST_KINDS, ...NOTIFICATION_KINDS];
const DEFAULT_SEED = 0x5eed;

/** Small seeded PRNG (mulberry32), so probability faults repeat from run to run. */
function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export function validateFaultSpec(spec: FaultSpec): void {
	if (!spec || typeof spec !== 'object') throw new Error('a fault must be an object');
	if (!KINDS.includes(spec.kind)) throw new Error(`fault kind must be one of ${KINDS.join(', ')}`);
	if (spec.times !== undefined && !(Number.isInteger(spec.times) && spec.times >= 1)) {
		throw new Error('fault times must be an integer >= 1');
	}
	if (spec.probability !== undefined && !(spec.probability >= 0 && spec.probability <= 1)) {
		throw new Error('fault probability must be between 0 and 1');
	}
	if (
		(spec.kind === 'latency' || spec.kind === 'notificationDelay') &&
		!(typeof spec.delayMs === 'number' && spec.delayMs >= 0)
	) {
		throw new Error(`a ${spec.kind} fault needs delayMs >= 0`);
	}
	if (
		spec.status !== undefined &&
		!(Number.isInteger(spec.status) && spec.status >= 200 && spec.status <= 599)
	) {
		throw new Error('fault status must be an HTTP status (200-599)');
	}
	if (spec.kind === 'redirect') {
		if (typeof spec.location !== 'string' || spec.location === '')
			throw new Error('a redirect fault needs a location');
		if (spec.status !== undefined && (spec.status < 300 || spec.status > 399))
			throw new Error('a redirect fault needs a 3xx status');
	}
	if (spec.kind === 'answer' && spec.status === undefined)
		throw new Error('an answer fault needs a status');
	if (spec.pathPattern !== undefined) new RegExp(spec.pathPattern);
}

export class FaultInjector {
	private faults: ActiveFault[] = [];
	private random = seededRandom(DEFAULT_SEED);

	/** `resolveMailbox` turns a spec's user id or UPN into the lower-case user id. */
	constructor(private readonly resolveMailbox: (idOrUpn: string) => string | undefined) {}

	add(specs: FaultSpec | FaultSpec[]): void {
		const list = Array.isArray(specs) ? specs : [specs];
		list.forEach(validateFaultSpec);
		for (const spec of list) {
			const remaining = spec.times ?? (spec.probability !== undefined ? Infinity : 1);
			this.faults.push({
				spec: { ...spec },
				pattern: spec.pathPattern ? new RegExp(spec.pathPattern) : undefined,
				remaining,
			});
		}
	}

	/** Removes every fault and restarts the random sequence. */
	clear(): void {
		this.faults = [];
		this.random = seededRandom(DEFAULT_SEED);
	}

	active(): FaultSpec[] {
		return this.faults.map((fault) => ({
			...fault.spec,
			times: Number.isFinite(fault.remaining) ? fault.remaining : undefined,
		}));
	}

	/**
	 * Fires the faults that match `target` (consuming them): every matching latency fault plus the
	 * first matching fault of another kind among `kinds`.
	 */
	take(target: FaultTarget, kinds: readonly FaultKind[] = REQUEST_KINDS): FiredFaults {
		const fired: FiredFaults = { latencyMs: 0 };
		for (const fault of this.faults) {
			if (fault.remaining <= 0 || !kinds.includes(fault.spec.kind)) continue;
			if (fault.spec.kind !== 'latency' && fired.fault) continue;
			if (!this.matches(fault, target)) continue;
			if (fault.spec.probability !== undefined && this.random() >= fault.spec.probability) continue;
			fault.remaining -= 1;
			if (fault.spec.kind === 'latency') fired.latencyMs += fault.spec.delayMs ?? 0;
			else fired.fault = fault.spec;
		}
		this.faults = this.faults.filter((fault) => fault.remaining > 0);
		return fired;
	}

	private matches(fault: ActiveFault, target: FaultTarget): boolean {
		const spec = fault.spec;
		if (target.inBatch && !spec.inBatch) return false;
		if (spec.route !== undefined) {
			const routes = Array.isArray(spec.route) ? spec.route : [spec.route];
			if (!routes.includes(target.route)) return false;
		}
		if (spec.method !== undefined && spec.method.toUpperCase() !== target.method.toUpperCase())
			return false;
		if (spec.mailbox !== undefined) {
			const wanted = this.resolveMailbox(spec.mailbox) ?? spec.mailbox.toLowerCase();
			if (wanted !== target.mailboxId) return false;
		}
		if (fault.pattern && !fault.pattern.test(target.path)) return false;
		return true;
	}
}

import { LIMITS, type RouteName } from './contract';

/** The knobs that can change while the emulator runs (control API `setOptions`). */
export interface RuntimeSettings {
	/** Time a request spends "in the service" while it holds its in-flight slot. */
	serverTimeMs: number | Partial<Record<RouteName, number>>;
	/** Network latency added to every answer, outside the in-flight slot. */
	latencyMs: number;
	maxConcurrentPerMailbox: number;
	accessTokenLifetimeSec: number;
	authCodeLifetimeSec: number;
	requestsPerTenMinutes: number;
	uploadBytesPerFiveMinutes: number;
}

/** What `setOptions` accepts (HTTP `POST /_emulator/options` takes the same JSON). */
export interface SettableOptions {
	serverTimeMs?: number | Partial<Record<RouteName, number>>;
	latencyMs?: number;
	maxConcurrentPerMailbox?: number;
	accessTokenLifetimeSec?: number;
	authCodeLifetimeSec?: number;
	budgets?: { requestsPerTenMinutes?: number; uploadBytesPerFiveMinutes?: number };
}

export function defaultSettings(): RuntimeSettings {
	return {
		serverTimeMs: 0,
		latencyMs: 0,
		maxConcurrentPerMailbox: LIMITS.maxConcurrentPerMailbox,
		accessTokenLifetimeSec: 3599,
		authCodeLifetimeSec: 600,
		requestsPerTenMinutes: LIMITS.requestsPerTenMinutes,
		uploadBytesPerFiveMinutes: LIMITS.uploadBytesPerFiveMinutes,
	};
}

function nonNegative(name: string, value: unknown): number {
	if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
		throw new Error(`${name} must be a number >= 0`);
	}
	return value;
}

function positive(name: string, value: unknown): number {
	const n = nonNegative(name, value);
	if (n < 1) throw new Error(`${name} must be >= 1`);
	return n;
}

/** Applies options onto settings in place, validating each given value. */
export function applyOptions(settings: RuntimeSettings, options: SettableOptions): void {
	if (options.serverTimeMs !== undefined) {
		if (typeof options.serverTimeMs === 'number') {
			settings.serverTimeMs = nonNegative('serverTimeMs', options.serverTimeMs);
		} else if (options.serverTimeMs && typeof options.serverTimeMs === 'object') {
			const perRoute: Partial<Record<RouteName, number>> = {};
			for (const [route, ms] of Object.entries(options.serverTimeMs)) {
				perRoute[route as RouteName] = nonNegative(`serverTimeMs.${route}`, ms);
			}
			settings.serverTimeMs = perRoute;
		} else {
			throw new Error('serverTimeMs must be a number or an object of route -> ms');
		}
	}
	if (options.latencyMs !== undefined)
		settings.latencyMs = nonNegative('latencyMs', options.latencyMs);
	if (options.maxConcurrentPerMailbox !== undefined) {
		settings.maxConcurrentPerMailbox = Math.floor(
			positive('maxConcurrentPerMailbox', options.maxConcurrentPerMailbox),
		);
	}
	if (options.accessTokenLifetimeSec !== undefined) {
		settings.accessTokenLifetimeSec = positive(
			'accessTokenLifetimeSec',
			options.accessTokenLifetimeSec,
		);
	}
	if (options.authCodeLifetimeSec !== undefined) {
		settings.authCodeLifetimeSec = positive('authCodeLifetimeSec', options.authCodeLifetimeSec);
	}
	const budgets = options.budgets;
	if (budgets?.requestsPerTenMinutes !== undefined) {
		settings.requestsPerTenMinutes = positive(
			'budgets.requestsPerTenMinutes',
			budgets.requestsPerTenMinutes,
		);
	}
	if (budgets?.uploadBytesPerFiveMinutes !== undefined) {
		settings.uploadBytesPerFiveMinutes = positive(
			'budgets.uploadBytesPerFiveMinutes',
			budgets.uploadBytesPerFiveMinutes,
		);
	}
}

export function serverTimeFor(settings: RuntimeSettings, route: RouteName): number {
	const value = settings.serverTimeMs;
	return typeof value === 'number' ? value : (value[route] ?? 0);
}

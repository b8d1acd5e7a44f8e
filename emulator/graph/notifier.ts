/**
 * The emulator's outbound side of change notifications: the validation request and the
 * notification POSTs of ../mail/resources/subscriptions.ts, over HTTP, to loopback URLs only
 * (the emulator never calls out to another machine). As Graph does:
 *  - validation: `POST <url>?validationToken=<token>` (text/plain, empty body); the endpoint must
 *    answer 200 with exactly the token as text/plain within 10 seconds;
 *  - a notification answered with anything but 2xx within 3 seconds (or not at all) is retried
 *    with a growing delay (here 3 retries: 1 s, 4 s, 16 s; Graph keeps trying for up to 4 hours).
 * Notification faults (faults.ts NOTIFICATION_KINDS) drop, delay, duplicate or reorder a POST.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

import type { FaultSpec } from '../contract';
import {
	isLoopbackHost,
	type NotificationPayload,
	type NotificationSink,
} from '../mail/resources/subscriptions';
import { NOTIFICATION_KINDS, type FaultInjector } from './faults';

export const VALIDATION_TIMEOUT_MS = 10_000;
export const NOTIFICATION_TIMEOUT_MS = 3_000;
const RETRY_DELAYS_MS = [1_000, 4_000, 16_000];
const LOG_LIMIT = 1_000;

export interface NotificationRecord {
	subscriptionId: string;
	url: string;
	/** `created` or the lifecycle event. */
	kind: string;
	messageId?: string;
	/** What happened to this POST: its HTTP status, 'dropped', 'error', or 'gaveUp' after the retries. */
	outcome: number | 'dropped' | 'error' | 'gaveUp';
	at: number;
}

function isLoopbackUrl(url: URL): boolean {
	return isLoopbackHost(url.hostname);
}

interface Answer {
	status: number;
	contentType: string;
	body: string;
}

function post(url: URL, body: string, contentType: string, timeoutMs: number): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
		const req = send(
			url,
			{
				method: 'POST',
				headers: { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) },
				timeout: timeoutMs,
				...(url.protocol === 'https:' ? { rejectUnauthorized: false } : {}),
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('end', () =>
					resolve({
						status: res.statusCode ?? 0,
						contentType: String(res.headers['content-type'] ?? ''),
						body: Buffer.concat(chunks).toString('utf8'),
					}),
				);
				res.on('error', reject);
			},
		);
		req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
		req.on('error', reject);
		req.end(body);
	});
}

export class Notifier implements NotificationSink {
	/** Recent POSTs and their outcomes, oldest first (for tests and the control API). */
	readonly log: NotificationRecord[] = [];
	/** A notification held back by a reorder fault, per URL, until the next one went out. */
	private readonly held = new Map<string, () => void>();
	private readonly timers = new Set<NodeJS.Timeout>();

	constructor(
		readonly tenantId: string,
		private readonly faults: FaultInjector,
	) {}

	async validate(
		raw: string,
		token: string,
	): Promise<{ ok: true } | { ok: false; reason: string }> {
		const url = new URL(raw);
		if (!isLoopbackUrl(url)) {
			return {
				ok: false,
				reason: `The emulator calls out to loopback addresses only; it cannot reach '${url.host}'.`,
			};
		}
		url.searchParams.set('validationToken', token);
		try {
			const answer = await post(url, '', 'text/plain; charset=utf-8', VALIDATION_TIMEOUT_MS);
			if (answer.status !== 200)
				return {
					ok: false,
					reason: `Notification endpoint must respond with 200 OK to validation request (it answered ${answer.status}).`,
				};
			if (!answer.contentType.toLowerCase().startsWith('text/plain')) {
				return { ok: false, reason: 'The validation response must be text/plain.' };
			}
			if (answer.body !== token)
				return {
					ok: false,
					reason: 'The validation response did not contain the validation token.',
				};
			return { ok: true };
		} catch (error) {
			return {
				ok: false,
				reason: `Notification endpoint did not answer the validation request in time: ${(error as Error).message}.`,
			};
		}
	}

	post(
		raw: string,
		payload: NotificationPayload,
		meta: { subscriptionId: string; mailboxId: string },
	): void {
		const url = new URL(raw);
		const first = payload.value[0] ?? {};
		const record = (outcome: NotificationRecord['outcome']) =>
			this.record({
				subscriptionId: meta.subscriptionId,
				url: raw,
				kind: String(first.lifecycleEvent ?? first.changeType ?? ''),
				...(typeof (first.resourceData as { id?: unknown } | undefined)?.id === 'string'
					? { messageId: (first.resourceData as { id: string }).id }
					: {}),
				outcome,
			});
		if (!isLoopbackUrl(url)) return record('error');
		const fault = this.faults.take(
			{
				route: 'notification',
				method: 'POST',
				mailboxId: meta.mailboxId,
				path: url.pathname,
				inBatch: false,
			},
			NOTIFICATION_KINDS,
		).fault;
		const body = JSON.stringify(payload);
		const send = () => void this.deliver(url, body, record);
		const releaseHeld = () => {
			const held = this.held.get(raw);
			if (held) {
				this.held.delete(raw);
				held();
			}
		};
		switch (fault?.kind) {
			case 'notificationDrop':
				record('dropped');
				return;
			case 'notificationDelay':
				this.later(fault.delayMs ?? 0, send);
				return;
			case 'notificationDuplicate':
				send();
				send();
				releaseHeld();
				return;
			case 'notificationReorder':
				this.hold(raw, send, fault);
				return;
			default:
				send();
				releaseHeld();
		}
	}

	/** Cancels pending delayed sends and retries (emulator stop). */
	stop(): void {
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		this.held.clear();
	}

	private hold(raw: string, send: () => void, fault: FaultSpec): void {
		const previous = this.held.get(raw);
		let done = false;
		const release = () => {
			if (done) return;
			done = true;
			send();
		};
		this.held.set(raw, release);
		previous?.();
		this.later(fault.delayMs ?? 1_000, () => {
			if (this.held.get(raw) === release) this.held.delete(raw);
			release();
		});
	}

	private later(ms: number, run: () => void): void {
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			run();
		}, ms);
		this.timers.add(timer);
	}

	private async deliver(
		url: URL,
		body: string,
		record: (outcome: NotificationRecord['outcome']) => void,
		attempt = 0,
	): Promise<void> {
		let outcome: NotificationRecord['outcome'];
		try {
			outcome = (await post(url, body, 'application/json; charset=utf-8', NOTIFICATION_TIMEOUT_MS))
				.status;
		} catch {
			outcome = 'error';
		}
		record(outcome);
		if (typeof outcome === 'number' && outcome >= 200 && outcome < 300) return;
		const delay = RETRY_DELAYS_MS[attempt];
		if (delay === undefined) return record('gaveUp');
		this.later(delay, () => void this.deliver(url, body, record, attempt + 1));
	}

	private record(entry: Omit<NotificationRecord, 'at'>): void {
		this.log.push({ ...entry, at: Date.now() });
		if (this.log.length > LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT);
	}
}

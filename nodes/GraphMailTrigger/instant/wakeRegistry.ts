import type { NotificationSignal } from './notifications';

/**
 * Hands a checked notification from the webhook (which n8n runs on a fresh copy of the workflow)
 * to the running trigger of the same node in this process. No state lives here: the trigger keeps
 * its cursors in the static data. Where no trigger runs in this process (queue mode's webhook
 * processes), the signal is not delivered and the trigger's safety catch-up reads the mail.
 */
type Wake = (signal: NotificationSignal) => void;

const running = new Map<string, Wake>();

export function triggerKey(workflowId: string | undefined, nodeId: string): string {
	return `${workflowId ?? ''}|${nodeId}`;
}

export function registerTrigger(key: string, wake: Wake): () => void {
	running.set(key, wake);
	return () => {
		if (running.get(key) === wake) running.delete(key);
	};
}

/** True when a trigger in this process took the signal. */
export function wakeTrigger(key: string, signal: NotificationSignal): boolean {
	const wake = running.get(key);
	if (!wake) return false;
	wake(signal);
	return true;
}

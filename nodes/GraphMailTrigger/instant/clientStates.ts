import type { PushState } from './pushState';

/**
 * The clientState secret of each active instant trigger in this process, keyed like the wake
 * registry (workflow id | node id). Why it is needed: n8n 2.40 may start the trigger on a copy of
 * the static data taken before the activation hooks wrote the secret, and the webhook reads the
 * copy n8n last saved. The hooks (create and checkExists, which run in the process that starts the
 * trigger) put the secret here; the trigger and the webhook also accept it from here. Holds only
 * the secret; the trigger's state lives in the static data.
 */
const known = new Map<string, string>();

export function rememberClientState(key: string, clientState: string): void {
	known.set(key, clientState);
}

export function knownClientState(key: string): string | undefined {
	return known.get(key);
}

export function forgetClientState(key: string): void {
	known.delete(key);
}

/** The secrets a notification may carry: the one saved with the subscriptions and the one handed over. */
export function acceptedClientStates(key: string | undefined, push: PushState | undefined): string[] {
	return [push?.clientState, key === undefined ? undefined : known.get(key)].filter((state): state is string => typeof state === 'string' && state !== '');
}

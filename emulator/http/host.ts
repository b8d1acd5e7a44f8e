import { isIP } from 'node:net';

/**
 * True when the `Host` header names this machine in a way a web page cannot claim: an IP literal
 * or `localhost`. A DNS-rebinding page reaches a loopback listener under its own domain name, so
 * refusing every other name keeps it from reading the mailbox or driving the emulator.
 * A request without `Host` (HTTP/1.0 tooling) never comes from a browser and is let through.
 */
export function isLocalHost(hostHeader: string | undefined): boolean {
	if (hostHeader === undefined || hostHeader === '') return true;
	const host = hostHeader.trim().toLowerCase();
	const bracketed = /^\[([0-9a-f:.%]+)\](?::\d{1,5})?$/.exec(host);
	if (bracketed) return isIP(bracketed[1]!) === 6;
	const name = host.replace(/:\d{1,5}$/, '').replace(/\.$/, '');
	return name === 'localhost' || isIP(name) === 4;
}

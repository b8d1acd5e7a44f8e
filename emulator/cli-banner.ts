import { isIP } from 'node:net';

import { CONTROL_KEY_HEADER } from './control-guard';
import type { BoundAddress, Emulator } from './server';

function isLoopback(address: string): boolean {
	return (
		address === '::1' ||
		address === 'localhost' ||
		(isIP(address) === 4 && address.startsWith('127.'))
	);
}

function shown({ address, port }: BoundAddress): string {
	return `${address.includes(':') ? `[${address}]` : address}:${port}`;
}

/** What the CLI prints at start: where it listens (as bound), the URLs, the app, the control key, the users. */
export function describeEmulator(emulator: Emulator): string {
	const { main, upload } = emulator.bound;
	const users = emulator.mail
		.listUsers()
		.map((user) => `    ${user.userPrincipalName.padEnd(40)} ${user.displayName} (${user.id})`)
		.join('\n');
	const exposed = [main, upload].filter((listener) => !isLoopback(listener.address));
	const warning = exposed.length
		? `
WARNING: listening on ${exposed.map(shown).join(' and ')}, reachable from other machines on your
  network. The web view shows every mailbox and the consent page signs anyone in, without a
  password. Use --host 127.0.0.1 unless other machines must reach the emulator.
`
		: '';
	return `Microsoft 365 emulator running
  Listening     ${shown(main)} (main), ${shown(upload)} (upload)
  Web view      ${emulator.url}/
  Login base    ${emulator.loginBaseUrl}   (e.g. ${emulator.loginBaseUrl}/common/oauth2/v2.0/authorize)
  Graph base    ${emulator.graphBaseUrl}   (Graph at ${emulator.graphBaseUrl}/v1.0)
  Upload base   ${emulator.uploadBaseUrl}
  Control API   ${emulator.url}/_emulator/   (header ${CONTROL_KEY_HEADER}: ${emulator.controlKey})
  Tenant        ${emulator.tenantId} (contoso.onmicrosoft.com)
  Default app   client id     ${emulator.app.clientId}
                client secret ${emulator.app.clientSecret}
                redirect URIs: any http(s) URL on localhost / 127.x.x.x / [::1]
  Users
${users || '    (none)'}
${warning}`;
}

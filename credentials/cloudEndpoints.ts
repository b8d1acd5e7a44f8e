/**
 * Microsoft's national clouds: the login host (identity platform) and the Graph host of each.
 * The credential derives its OAuth endpoints from these by expression, and the node derives
 * the Graph base URL from them, so both read one table.
 */
export type CloudName = 'global' | 'usGovHigh' | 'usGovDod' | 'china' | 'custom';

export const CLOUD_HOSTS: Record<
	Exclude<CloudName, 'custom' | 'china'>,
	{ login: string; graph: string }
> = {
	global: { login: 'https://login.microsoftonline.com', graph: 'https://graph.microsoft.com' },
	usGovHigh: { login: 'https://login.microsoftonline.us', graph: 'https://graph.microsoft.us' },
	usGovDod: { login: 'https://login.microsoftonline.us', graph: 'https://dod-graph.microsoft.us' },
};

export const CHINA_GRAPH = 'https://microsoftgraph.chinacloudapi.cn';
/** Microsoft's docs disagree on the China login host, so the credential lets the user pick. */
export const CHINA_LOGIN_HOSTS = [
	'https://login.chinacloudapi.cn',
	'https://login.partner.microsoftonline.cn',
] as const;

/** `common`, `organizations`, `consumers`, a tenant GUID, or a verified domain. */
export const TENANT_PATTERN =
	'^(common|organizations|consumers|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\\.)+[a-zA-Z]{2,63})$';

/** https anywhere; plain http only on a loopback host (the offline emulator). */
export const BASE_URL_PATTERN =
	'^(https://[^/?#\\s]+|http://(127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|localhost|\\[::1\\])(:\\d{1,5})?)(/[^?#\\s]*)?$';

export const INVALID_TENANT_MARKER =
	'invalid-tenant-use-common-organizations-consumers-a-guid-or-a-domain';
export const INVALID_URL_MARKER =
	'https://invalid-custom-url.invalid/use-https-or-a-loopback-http-url';

/**
 * Builds the expression (evaluated by n8n with `$self` = the credential's data) that yields the
 * login base URL, with no trailing slash, or a marker URL that names the mistake.
 */
function loginBaseExpression(): string {
	const fixed = JSON.stringify({
		global: CLOUD_HOSTS.global.login,
		usGovHigh: CLOUD_HOSTS.usGovHigh.login,
		usGovDod: CLOUD_HOSTS.usGovDod.login,
	});
	const custom = `(new RegExp(${JSON.stringify(BASE_URL_PATTERN)}).test(String($self.customLoginUrl || '').trim()) ? String($self.customLoginUrl).trim().replace(/\\/+$/, '') : ${JSON.stringify(INVALID_URL_MARKER)})`;
	return `($self.cloud === 'custom' ? ${custom} : $self.cloud === 'china' ? ($self.chinaLoginHost || ${JSON.stringify(CHINA_LOGIN_HOSTS[0])}) : ${fixed}[$self.cloud || 'global'])`;
}

function tenantExpression(): string {
	return `(new RegExp(${JSON.stringify(TENANT_PATTERN)}).test(String($self.tenantId || '').trim()) ? String($self.tenantId).trim() : ${JSON.stringify(INVALID_TENANT_MARKER)})`;
}

export function identityEndpointExpression(endpoint: 'authorize' | 'token'): string {
	return `={{ ${loginBaseExpression()} + '/' + ${tenantExpression()} + '/oauth2/v2.0/${endpoint}' }}`;
}

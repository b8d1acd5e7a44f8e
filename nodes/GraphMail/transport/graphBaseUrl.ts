import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import {
	BASE_URL_PATTERN,
	CHINA_GRAPH,
	CLOUD_HOSTS,
	TENANT_PATTERN,
	type CloudName,
} from '../../../credentials/cloudEndpoints';
import { textOf } from '../helpers/valueText';

/** The Graph origin the credential points at, checked; the only host that ever sees the token. */
export function graphBaseUrlOf(
	credentials: ICredentialDataDecryptedObject,
): string | { problem: string } {
	const cloud = (credentials.cloud as CloudName | undefined) ?? 'global';
	const tenant = textOf(credentials.tenantId ?? 'common').trim();
	if (!new RegExp(TENANT_PATTERN).test(tenant)) {
		return {
			problem: `The credential's Tenant "${tenant}" is not valid: use common, organizations, consumers, a tenant ID (GUID) or a domain`,
		};
	}
	if (cloud === 'custom') {
		const custom = textOf(credentials.customGraphUrl).trim();
		if (!new RegExp(BASE_URL_PATTERN).test(custom)) {
			return {
				problem: `The credential's Graph Base URL "${custom}" is not valid: use https, or http on a loopback host`,
			};
		}
		return custom.replace(/\/+$/, '');
	}
	if (cloud === 'china') return CHINA_GRAPH;
	const hosts = CLOUD_HOSTS[cloud];
	if (!hosts) return { problem: `The credential's Cloud "${String(cloud)}" is not known` };
	return hosts.graph;
}

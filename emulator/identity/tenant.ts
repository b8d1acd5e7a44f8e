/** The one emulated tenant. Fixed values, so a credential set up once keeps working. */
export const TENANT_ID = '3f9c2b1e-6d4a-4e8b-9c7d-1a2b3c4d5e6f';
export const TENANT_DOMAIN = 'contoso.onmicrosoft.com';
export const TENANT_NAME = 'Contoso';

const ALIASES = ['common', 'organizations', 'consumers'];

/** `common`, `organizations`, `consumers`, the tenant GUID or its domain (case-insensitive). */
export function isKnownTenant(segment: string): boolean {
	const lower = decodeURIComponent(segment).toLowerCase();
	return ALIASES.includes(lower) || lower === TENANT_ID || lower === TENANT_DOMAIN;
}

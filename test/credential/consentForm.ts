import { approveOnConsentPage } from '../../scripts/lib/consentPage';

/** Drives the emulator's consent page like a person: open it, pick a user, click a button. */
export async function approveConsent(authorizeUrl: string, userId: string, decision: 'accept' | 'cancel' = 'accept'): Promise<URL> {
	return new URL(await approveOnConsentPage(authorizeUrl, userId, decision), authorizeUrl);
}

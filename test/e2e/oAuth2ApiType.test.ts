import { realOAuth2ApiType, TRANSCRIBED_OAUTH2_PROPERTIES } from '../harness/oAuth2ApiType';

/**
 * The engine tests use a transcription of n8n's oAuth2Api fields when n8n-nodes-base is not
 * around; this compares it with the real class from the provisioned n8n so it cannot drift.
 */
describe('the transcribed oAuth2Api credential type', () => {
	it('equals the real class from the provisioned n8n-nodes-base', () => {
		const real = realOAuth2ApiType();
		if (!real)
			throw new Error('n8n is not provisioned: run `npm run provision` (npm test does it first)');
		expect(real.name).toBe('oAuth2Api');
		expect(JSON.parse(JSON.stringify(TRANSCRIBED_OAUTH2_PROPERTIES))).toEqual(
			JSON.parse(JSON.stringify(real.properties)),
		);
	});
});

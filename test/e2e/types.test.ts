import { e2e, GRAPH_MAIL } from './helpers';

/** (5) The tarball installed in <user folder>/.n8n/nodes is what n8n loads. */
describe('the package installed from its tarball in a real n8n', () => {
	it('lists the Graph Mail node and its credential among the node and credential types', async () => {
		const env = await e2e();
		const nodes = await env.client.nodeTypeNames();
		const credentials = await env.client.credentialTypeNames();
		expect(nodes).toContain(GRAPH_MAIL);
		expect(credentials).toContain('graphMailOAuth2Api');
	});

	it('takes the credential fields from the package, extending n8n\'s oAuth2Api', async () => {
		const env = await e2e();
		const types = await env.client.request<Array<{ name: string; extends?: string[]; properties: Array<{ name: string }> }>>('GET', '/types/credentials.json');
		const credential = types.find((type) => type.name === 'graphMailOAuth2Api');
		expect(credential?.extends).toEqual(['oAuth2Api']);
		expect(credential?.properties.map((property) => property.name)).toEqual(
			expect.arrayContaining(['cloud', 'customLoginUrl', 'customGraphUrl', 'tenantId', 'additionalScopes']),
		);
	});
});

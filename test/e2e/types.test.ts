import { TRIGGER_NODE_TYPE as GRAPH_MAIL_TRIGGER } from '../../scripts/lib/stack';
import { e2e, GRAPH_MAIL } from './helpers';

/** (5) The tarball installed in <user folder>/.n8n/nodes is what n8n loads. */
describe('the package installed from its tarball in a real n8n', () => {
	it("lists the Graph Mail node, the trigger and the credential among n8n's types", async () => {
		const env = await e2e();
		const nodes = await env.client.nodeTypeNames();
		const credentials = await env.client.credentialTypeNames();
		// n8n names a community node <package name>.<description.name>.
		expect(nodes).toEqual(expect.arrayContaining([GRAPH_MAIL, GRAPH_MAIL_TRIGGER]));
		expect(credentials).toContain('graphMailOAuth2Api');
	});

	it("takes the credential fields from the package, extending n8n's oAuth2Api", async () => {
		const env = await e2e();
		const types = await env.client.request<
			Array<{ name: string; extends?: string[]; properties: Array<{ name: string }> }>
		>('GET', '/types/credentials.json');
		const credential = types.find((type) => type.name === 'graphMailOAuth2Api');
		expect(credential?.extends).toEqual(['oAuth2Api']);
		expect(credential?.properties.map((property) => property.name)).toEqual(
			expect.arrayContaining([
				'cloud',
				'customLoginUrl',
				'customGraphUrl',
				'tenantId',
				'additionalScopes',
			]),
		);
	});
});

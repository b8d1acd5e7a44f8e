import { TRIGGER_NODE_TYPE as GRAPH_MAIL_TRIGGER } from '../../scripts/lib/stack';
import { e2e, GRAPH_MAIL } from './helpers';

/** (5) The tarball installed in <user folder>/.n8n/nodes is what n8n loads. */
describe('the package installed from its tarball in a real n8n', () => {
	it('lists every node of package.json and the credential among the node and credential types', async () => {
		const env = await e2e();
		const nodes = await env.client.nodeTypeNames();
		const credentials = await env.client.credentialTypeNames();
		expect(nodes).toContain(GRAPH_MAIL);
		expect(credentials).toContain('graphMailOAuth2Api');
		// The trigger too, once package.json lists it (n8n names nodes <package>.<description.name>).
		const declared = (require('../../package.json') as { n8n: { nodes: string[] } }).n8n.nodes;
		if (declared.some((file) => file.includes('GraphMailTrigger'))) expect(nodes).toContain(GRAPH_MAIL_TRIGGER);
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

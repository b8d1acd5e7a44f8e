import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { REPO_ROOT } from './paths';
import { TRIGGER_NODE_TYPE } from './stack';

export const EXAMPLES_DIR = join(REPO_ROOT, 'examples');

/** The address the examples send to (a demo user of the emulator); `npm start` keeps it. */
export const EXAMPLE_RECIPIENT = 'meganb@contoso.onmicrosoft.com';
/** The folder the examples write files to (n8n's default allowed folder in its Docker image). */
export const EXAMPLE_FILES_FOLDER = '/home/node/.n8n-files';

export interface ExampleWorkflow {
	file: string;
	id: string;
	name: string;
	nodes: Array<{
		name: string;
		type: string;
		parameters: Record<string, unknown>;
		credentials?: Record<string, { id: string; name: string }>;
	}>;
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	[key: string]: unknown;
}

export function loadExamples(): ExampleWorkflow[] {
	return readdirSync(EXAMPLES_DIR)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map(
			(file) =>
				({
					...(JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')) as Omit<
						ExampleWorkflow,
						'file'
					>),
					file,
				}) as ExampleWorkflow,
		);
}

export function usesTrigger(workflow: ExampleWorkflow): boolean {
	return workflow.nodes.some((node) => node.type === TRIGGER_NODE_TYPE);
}

/**
 * The workflow as n8n should import it here: every Graph Mail node on credential `credential`,
 * the example recipient and files folder replaced.
 */
export function prepareExample(
	workflow: ExampleWorkflow,
	credential: { id: string; name: string },
	replace: { recipient: string; filesFolder: string },
): Record<string, unknown> {
	const { file: _file, ...rest } = workflow;
	const text = JSON.stringify(rest)
		.split(EXAMPLE_RECIPIENT)
		.join(replace.recipient)
		.split(JSON.stringify(EXAMPLE_FILES_FOLDER).slice(1, -1))
		.join(JSON.stringify(replace.filesFolder).slice(1, -1));
	const prepared = JSON.parse(text) as ExampleWorkflow;
	for (const node of prepared.nodes) {
		if (node.credentials?.graphMailOAuth2Api)
			node.credentials.graphMailOAuth2Api = { id: credential.id, name: credential.name };
	}
	return prepared;
}

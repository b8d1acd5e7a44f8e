import type { INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { searchFolders } from '../GraphMail/methods/searchFolders';
import { triggerProperties } from './fields';
import { pollNewMail } from './poll';

export class GraphMailTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Graph Mail Trigger',
		name: 'graphMailTrigger',
		icon: { light: 'file:graphMailTrigger.svg', dark: 'file:graphMailTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"New Message" + ($parameter["mailbox"] === "user" ? " for " + $parameter["userId"] : "")}}',
		description:
			'Starts the workflow when a new mail arrives in Outlook (Microsoft 365), once for each mail',
		defaults: { name: 'Graph Mail Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'graphMailOAuth2Api', required: true }],
		properties: triggerProperties,
	};

	methods = { listSearch: { searchFolders } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollNewMail(this);
	}
}

import type {
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { APP_ONLY_TEST } from '../GraphMail/helpers/appOnlyMailbox';
import { graphMailAppOnlyTest } from '../GraphMail/methods/appOnlyCredentialTest';
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
		subtitle:
			'={{"New Message" + ($parameter["mailbox"] === "user" ? " for " + $parameter["userId"] : "")}}',
		description:
			'Starts the workflow when a new mail arrives in Outlook (Microsoft 365), once for each mail',
		defaults: { name: 'Graph Mail Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'graphMailOAuth2Api',
				required: true,
				displayOptions: { show: { authentication: ['delegated'] } },
			},
			{
				name: 'graphMailAppOnlyApi',
				required: true,
				displayOptions: { show: { authentication: ['appOnly'] } },
				testedBy: 'graphMailAppOnlyTest',
			},
		],
		properties: triggerProperties,
	};

	methods = {
		listSearch: { searchFolders },
		credentialTest: { [APP_ONLY_TEST]: graphMailAppOnlyTest },
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollNewMail(this);
	}
}

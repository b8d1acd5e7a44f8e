import type {
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	ITriggerFunctions,
	ITriggerResponse,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { searchFolders } from '../GraphMail/methods/searchFolders';
import { triggerProperties } from '../GraphMailTrigger/fields';
import { receiveNotification, subscriptionHooks } from '../GraphMailTrigger/instant/hooks';
import { runInstantTrigger } from '../GraphMailTrigger/instant/runner';

/**
 * Graph Mail Trigger's fields, less two: n8n's loader puts "Poll Times" into a polling node's
 * properties array in place (the array this node would share), and Authentication offers app-only
 * access, for which this node declares no credential.
 */
function instantProperties(): INodeProperties[] {
	return triggerProperties.filter(
		(property) => property.name !== 'pollTimes' && property.name !== 'authentication',
	);
}

/**
 * A separate node, not a mode of Graph Mail Trigger: n8n decides from the node type whether it is
 * polled (`polling: true`, n8n's one-minute minimum) or holds a webhook and a running trigger, and
 * the two need different descriptions. Both read mail through the same delta cursors.
 */
export class GraphMailInstantTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Graph Mail Instant Trigger',
		name: 'graphMailInstantTrigger',
		icon: {
			light: 'file:graphMailInstantTrigger.svg',
			dark: 'file:graphMailInstantTrigger.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{"New Message (Instant)" + ($parameter["mailbox"] === "user" ? " for " + $parameter["userId"] : "")}}',
		description:
			'Starts the workflow seconds after a new mail arrives in Outlook (Microsoft 365), once for each mail',
		eventTriggerDescription: 'Waiting for a new mail in the watched folders',
		defaults: { name: 'Graph Mail Instant Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'graphMailOAuth2Api', required: true }],
		webhooks: [
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
		],
		triggerPanel: {
			header: 'Send a mail to the watched folders',
			executionsHelp: {
				inactive:
					"<b>While building your workflow</b>, click 'Test this trigger' and send a mail to the watched folders: the test subscribes on n8n's test URL, runs with the newest matching mail once it arrives, and removes its subscription. <br /><br /><b>Once published</b>, the workflow starts seconds after each new mail, each mail once.",
				active:
					"<b>While building your workflow</b>, click 'Test this trigger' and send a mail to the watched folders: the test has a subscription of its own and leaves the published one alone. <br /><br /><b>Your workflow is published</b>: it starts seconds after each new mail, each mail once.",
			},
			activationHint:
				'Once you have finished building your workflow, publish it to start it seconds after each new mail.',
		},
		properties: instantProperties(),
	};

	methods = { listSearch: { searchFolders } };

	webhookMethods = { default: subscriptionHooks };

	trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		return Promise.resolve(runInstantTrigger(this));
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveNotification.call(this);
	}
}

import { NodeConnectionTypes, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import * as account from './actions/account';
import * as folder from './actions/folder';
import * as attachment from './actions/attachment';
import * as draft from './actions/draft';
import * as message from './actions/message';
import { route } from './actions/router';
import { sendAndWaitWebhook, sendAndWaitWebhooks } from './actions/message/sendAndWait/webhook';
import {
	APP_ONLY_TEST,
	appOnlyMailboxProperty,
	authenticationProperty,
} from './helpers/appOnlyMailbox';
import { graphMailAppOnlyTest } from './methods/appOnlyCredentialTest';
import { searchAttachments } from './methods/searchAttachments';
import { searchDrafts } from './methods/searchDrafts';
import { getMasterCategories } from './methods/masterCategories';
import { searchFolders } from './methods/searchFolders';
import { searchMessages } from './methods/searchMessages';

export class GraphMail implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Graph Mail',
		name: 'graphMail',
		icon: { light: 'file:graphMail.svg', dark: 'file:graphMail.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle:
			'={{ (({ account: { get: "Get Connected Account" }, attachment: { add: "Add Attachment", getAll: "Get Many Attachments", get: "Get Attachment", download: "Download Attachment", delete: "Delete Attachment" }, draft: { create: "Create Draft", get: "Get Draft", update: "Update Draft", send: "Send Draft", delete: "Delete Draft" }, folder: { create: "Create Folder", get: "Get Folder", getAll: "Get Many Folders", rename: "Rename Folder", move: "Move Folder", delete: "Delete Folder" }, message: { send: "Send Message", sendAndWait: "Send Message and Wait for Response", get: "Get Message", getAll: "Get Many Messages", reply: "Reply to Message", replyAll: "Reply All to Message", forward: "Forward Message", move: "Move Message", copy: "Copy Message", update: "Update Message", delete: "Delete Message", getMime: "Get Message MIME" } })[$parameter["resource"]] || {})[$parameter["operation"]] }}',
		description: 'Send and read Microsoft 365 mail through Microsoft Graph',
		defaults: { name: 'Graph Mail' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		webhooks: sendAndWaitWebhooks,
		waitingNodeTooltip:
			'={{ $parameter["operation"] === "sendAndWait" ? "Execution will continue after the recipient answers" : "" }}',
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
		properties: [
			authenticationProperty,
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Account', value: 'account' },
					{ name: 'Attachment', value: 'attachment' },
					{ name: 'Draft', value: 'draft' },
					{ name: 'Folder', value: 'folder' },
					{ name: 'Message', value: 'message' },
				],
				default: 'message',
			},
			appOnlyMailboxProperty,
			...account.description,
			...folder.description,
			...message.description,
			...draft.description,
			...attachment.description,
		],
	};

	methods = {
		listSearch: { searchFolders, searchMessages, searchDrafts, searchAttachments },
		loadOptions: { getMasterCategories },
		credentialTest: { [APP_ONLY_TEST]: graphMailAppOnlyTest },
	};

	execute = route;

	webhook = sendAndWaitWebhook;
}

import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { usesAppOnly } from '../../transport/appOnlyAuth';
import type { GraphClient } from '../../transport/graphClient';
import { mailboxOf } from '../../read/mailbox';
import { errorItemOrThrow } from '../itemErrors';

export const properties: INodeProperties[] = [];

/**
 * Which account the credential is connected to (GET /me): n8n does not test OAuth2 credentials.
 * App-only: the Mailbox's user (GET /users/{id}, which needs User.ReadBasic.All).
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	client: GraphClient,
): Promise<INodeExecutionData[]> {
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const ref = usesAppOnly(this.getNode()) ? mailboxOf(this, itemIndex) : { mailbox: 'me', base: '/me' };
			const { body } = await client.request<IDataObject>({
				method: 'GET',
				path: ref.base,
				qs: { $select: 'id,displayName,mail,userPrincipalName' },
				mailbox: ref.mailbox,
				itemIndex,
			});
			const { id, displayName, mail, userPrincipalName } = body;
			output.push({ json: { id, displayName, mail, userPrincipalName }, pairedItem: { item: itemIndex } });
		} catch (error) {
			output.push(errorItemOrThrow(this, error, itemIndex));
		}
	}
	return output;
}

import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { GraphClient } from '../transport/graphClient';
import * as account from './account';
import * as folder from './folder';
import * as attachment from './attachment';
import * as draft from './draft';
import * as message from './message';
import type { Operation } from './operation';

const resources: Record<string, Record<string, Operation>> = {
	account: account.operations,
	folder: folder.operations,
	message: message.operations,
	draft: draft.operations,
	attachment: attachment.operations,
};

export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0);
	const operation = this.getNodeParameter('operation', 0);
	const handler = resources[resource]?.[operation];
	if (!handler) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of "${resource}" is not supported`,
		);
	}
	// One client per node execution, configured by the operation (no state outlives the execution).
	const client = await GraphClient.create(this, handler.clientOptions?.call(this, items) ?? {});
	return [await handler.execute.call(this, items, client)];
}

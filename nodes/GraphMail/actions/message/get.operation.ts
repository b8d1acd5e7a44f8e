// PLACEHOLDER, replaced by the get implementation. Never committed.
import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import type { GraphClient } from '../../transport/graphClient';

export const properties: INodeProperties[] = [];

export async function execute(
	this: IExecuteFunctions,
	_items: INodeExecutionData[],
	_client: GraphClient,
): Promise<INodeExecutionData[]> {
	throw new NodeOperationError(this.getNode(), 'not implemented yet');
}

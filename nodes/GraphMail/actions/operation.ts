import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { GraphClient, GraphClientOptions } from '../transport/graphClient';

/**
 * One operation of one resource. `execute` receives every input item at once so that an
 * operation can batch, pace and parallelise across items; it returns one or more output items
 * per input item, each with `pairedItem`, and honours Continue On Fail itself.
 */
export interface Operation {
	properties: INodeProperties[];
	execute(
		this: IExecuteFunctions,
		items: INodeExecutionData[],
		client: GraphClient,
	): Promise<INodeExecutionData[]>;
	/** How the router configures the operation's client (concurrency, retries); defaults when absent. */
	clientOptions?(this: IExecuteFunctions, items: INodeExecutionData[]): GraphClientOptions;
}

/** Adds `displayOptions` for one resource/operation to an operation's fields. */
export function forOperation(
	resource: string,
	operation: string,
	properties: INodeProperties[],
): INodeProperties[] {
	return properties.map((property) => ({
		...property,
		displayOptions: {
			...property.displayOptions,
			show: { ...property.displayOptions?.show, resource: [resource], operation: [operation] },
		},
	}));
}

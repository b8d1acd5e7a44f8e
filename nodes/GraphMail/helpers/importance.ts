import type { INodePropertyOptions } from 'n8n-workflow';

/** Graph's message importance values, for Send and the Get Many filter. */
export const IMPORTANCE_OPTIONS: INodePropertyOptions[] = [
	{ name: 'High', value: 'high' },
	{ name: 'Low', value: 'low' },
	{ name: 'Normal', value: 'normal' },
];

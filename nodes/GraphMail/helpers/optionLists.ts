import type { INodePropertyOptions } from 'n8n-workflow';

/** Graph's message importance. */
export type Importance = 'low' | 'normal' | 'high';

/** Graph's message importance values, for Send and the Get Many filter. */
export const IMPORTANCE_OPTIONS: INodePropertyOptions[] = [
	{ name: 'High', value: 'high' },
	{ name: 'Low', value: 'low' },
	{ name: 'Normal', value: 'normal' },
];

/** Graph's body content types, for Send's body and the body format of what is read. */
export const BODY_TYPE_OPTIONS: INodePropertyOptions[] = [
	{ name: 'HTML', value: 'html' },
	{ name: 'Text', value: 'text' },
];

/** Read or unread, for the Get Many filter and Update's Read Status. */
export const READ_STATUS_OPTIONS: INodePropertyOptions[] = [
	{ name: 'Read', value: 'read' },
	{ name: 'Unread', value: 'unread' },
];

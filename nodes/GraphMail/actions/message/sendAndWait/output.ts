/**
 * Send and Wait: the items the workflow continues with (pure). `data` has n8n's Send and Wait
 * shape (`approved`, `text`, the form's fields, `respondedAt`), so expressions written for n8n's
 * nodes keep working; `timedOut` says whether anybody answered.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { ApprovalButton, ResponseSettings, ResponseType } from './settings';

function item(json: IDataObject): INodeExecutionData {
	return { json, pairedItem: { item: 0 } };
}

export function approvalItem(button: ApprovalButton, respondedAt: Date): INodeExecutionData {
	return item({
		responseType: 'approval',
		timedOut: false,
		data: {
			approved: button.approved,
			button: button.label,
			respondedAt: respondedAt.toISOString(),
		},
	});
}

export function textItem(text: string, respondedAt: Date): INodeExecutionData {
	return item({
		responseType: 'freeText',
		timedOut: false,
		data: { text, respondedAt: respondedAt.toISOString() },
	});
}

export function formItem(values: IDataObject, respondedAt: Date): INodeExecutionData {
	return item({
		responseType: 'customForm',
		timedOut: false,
		data: { ...values, respondedAt: respondedAt.toISOString() },
	});
}

/** Nobody answered before the limit: no answer, and an approval counts as not approved. */
export function timeoutItem(settings: ResponseSettings, waitedUntil: Date): INodeExecutionData {
	const type: ResponseType = settings.type;
	return item({
		responseType: type,
		timedOut: true,
		data: type === 'approval' ? { approved: false, respondedAt: null } : { respondedAt: null },
		waitedUntil: waitedUntil.toISOString(),
	});
}

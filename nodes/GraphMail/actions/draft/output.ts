import type { IDataObject } from 'n8n-workflow';

import { simplifyMessage } from '../../helpers/simplify';

/** A draft as the Draft operations return it: the simple message fields, its id first. Pure. */
export function draftOutput(message: IDataObject, mailbox: string): IDataObject {
	return {
		id: message.id,
		mailbox,
		...simplifyMessage(message),
		isDraft: message.isDraft,
		...(typeof message.internetMessageId === 'string'
			? { internetMessageId: message.internetMessageId }
			: {}),
	};
}

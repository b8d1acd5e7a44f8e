/** Shared by the Draft and Attachment tests: the recording Send environment plus direct Graph calls. */
import type { IBinaryData, IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { storePattern, patternSha256 } from '../harness/binaryData';
import { MEGAN, type SendEnvironment } from '../send/support';

export {
	ADELE,
	MEGAN,
	ALEX,
	startSendEnvironment,
	useSendEnvironment,
	uniqueSubject,
	type SendEnvironment,
} from '../send/support';

export const rl = (value: string, mode = 'id') => ({ __rl: true, mode, value });

/** A Graph request as `userId`, straight to the emulator (setting up what the node then works on). */
export async function graphCall(
	env: SendEnvironment,
	method: string,
	path: string,
	body?: unknown,
	userId = env.userId,
	immutableIds = true,
): Promise<IDataObject & { status: number }> {
	const tokens = env.emulator.control.issueTokens({
		userId,
		scopes: ['Mail.ReadWrite', 'Mail.ReadWrite.Shared', 'Mail.Send', 'User.Read'],
	});
	const response = await fetch(`${env.emulator.graphBaseUrl}/v1.0${path}`, {
		method,
		headers: {
			Authorization: `Bearer ${tokens.access_token}`,
			...(immutableIds ? { Prefer: 'IdType="ImmutableId"' } : {}),
			...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	return { status: response.status, ...(text ? (JSON.parse(text) as IDataObject) : {}) };
}

/** Draft > Create parameters with overrides. */
export function createParams(
	fields: INodeParameters = {},
	options: INodeParameters = {},
): INodeParameters {
	return {
		resource: 'draft',
		operation: 'create',
		toRecipients: MEGAN.userPrincipalName,
		subject: 'Draft',
		bodyContentType: 'text',
		bodyContent: 'Draft body',
		...fields,
		options,
	};
}

export function attachmentRows(...rows: IDataObject[]): INodeParameters {
	return { attachment: rows } as INodeParameters;
}

let seed = 500;
/** A file in n8n's binary data of `size` bytes, with the SHA-256 of its pattern. */
export async function file(
	size: number,
	fileName: string,
	mimeType?: string,
): Promise<{ binary: IBinaryData; sha: string }> {
	const next = ++seed;
	return {
		binary: await storePattern(size, next, { fileName, mimeType }),
		sha: patternSha256(size, next),
	};
}

export function itemWith(
	binary: Record<string, IBinaryData>,
	json: IDataObject = {},
): INodeExecutionData {
	return { json, binary };
}

/** Deliveries and duplicates the emulator counted since the last clear. */
export function deliveries(env: SendEnvironment): { delivered: number; duplicates: number } {
	const counters = env.emulator.control.counters();
	return { delivered: counters.delivered, duplicates: counters.duplicatesDelivered };
}

import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { mailboxFields } from '../../read/fields';
import { mailboxOf } from '../../read/mailbox';
import { messageLocator, messageOf } from '../../read/messageLocator';
import { textOf } from '../../helpers/valueText';
import { emlFileName } from '../../helpers/fileName';
import { downloadStream } from '../../transport/download';
import { IMMUTABLE_ID_HEADERS, type GraphClient } from '../../transport/graphClient';
import { graphApiError, graphErrorDetails } from '../../transport/graphError';
import { notFoundError } from './bulk/errors';
import { errorItemOrThrow } from '../itemErrors';

export const properties: INodeProperties[] = [
	...mailboxFields,
	messageLocator(
		'The message to get as an .eml file: pick a recent one, enter its ID (e.g. {{ $json.id }} after Get Many or the trigger), or paste its Outlook on the web link',
	),
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the output binary field to put the .eml file in',
	},
];

/**
 * Get MIME: the message as it would travel (GET messages/{id}/$value, RFC 822 with its
 * attachments) into a binary field as an `.eml` file. The bytes stream into n8n's binary data
 * (in filesystem or S3 mode they are never held whole, whatever the size); items one at a time.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	client: GraphClient,
): Promise<INodeExecutionData[]> {
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const ref = mailboxOf(this, itemIndex);
			const message = messageOf(this, itemIndex);
			const field =
				textOf(this.getNodeParameter('binaryPropertyName', itemIndex, 'data')).trim() || 'data';
			const path = `${ref.base}/messages/${message.segment}`;
			const found = await client.requestOutcome<IDataObject>({
				method: 'GET',
				path,
				qs: { $select: 'id,subject,internetMessageId' },
				headers: IMMUTABLE_ID_HEADERS,
				mailbox: ref.mailbox,
				itemIndex,
			});
			if ('failure' in found) {
				const details = graphErrorDetails(found.failure);
				throw details.status === 404
					? notFoundError(this.getNode(), message.id, itemIndex)
					: graphApiError(this.getNode(), details, { itemIndex });
			}
			const json = found.response.body;
			const { stream } = await downloadStream(client, {
				path: `${path}/$value`,
				mailbox: ref.mailbox,
				itemIndex,
			});
			const binary = await this.helpers.prepareBinaryData(
				stream,
				emlFileName(json.subject, 'message'),
				'message/rfc822',
			);
			output.push({
				json: {
					id: json.id,
					subject: json.subject,
					internetMessageId: json.internetMessageId,
					fileName: binary.fileName,
					fileSize: binary.fileSize,
				},
				binary: { [field]: binary },
				pairedItem: { item: itemIndex },
			});
		} catch (error) {
			output.push(errorItemOrThrow(this, error, itemIndex));
		}
	}
	return output;
}

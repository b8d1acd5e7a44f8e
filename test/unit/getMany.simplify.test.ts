import {
	SIMPLE_FIELDS,
	simplifyMessage,
	withoutAnnotations,
} from '../../nodes/GraphMail/helpers/simplify';
import { loadVectors } from '../harness/vectors';

const vectors = loadVectors<{
	title: string;
	response: { body: Record<string, unknown> };
}>('list_examples.json');

describe('simplify', () => {
	it('simplifies the documented full message', () => {
		const message = vectors.find((v) => v.title.startsWith('Get message - Example 1'))!.response
			.body;
		expect(simplifyMessage(message as never)).toEqual({
			id: 'AAMkADhMGAAA=',
			subject: '9/9/2018: concert',
			from: { name: 'Adele Vance', address: 'adelev@contoso.OnMicrosoft.com' },
			to: [{ name: 'Alex Wilber', address: 'AlexW@contoso.OnMicrosoft.com' }],
			cc: [],
			receivedDateTime: '2018-09-09T03:15:08Z',
			isRead: true,
			hasAttachments: false,
			importance: 'normal',
			bodyPreview: 'The group represents Nevada.',
			webLink:
				'https://outlook.office365.com/owa/?ItemID=AAMkADMGAAA%3D&exvsurl=1&viewmodel=ReadMessageItem',
			conversationId: 'AAQkADOUpag6yWs=',
		});
	});

	it('copes with a draft without from and missing properties', () => {
		expect(simplifyMessage({ id: 'x' })).toMatchObject({
			id: 'x',
			from: null,
			to: [],
			cc: [],
			subject: null,
		});
	});

	it('asks Graph only for what it outputs', () => {
		expect([...SIMPLE_FIELDS].sort()).toEqual(
			[
				'id',
				'subject',
				'from',
				'toRecipients',
				'ccRecipients',
				'receivedDateTime',
				'isRead',
				'hasAttachments',
				'importance',
				'bodyPreview',
				'webLink',
				'conversationId',
			].sort(),
		);
	});

	it('drops OData annotations', () => {
		expect(withoutAnnotations({ '@odata.etag': 'W/"x"', id: 'a', subject: 's' })).toEqual({
			id: 'a',
			subject: 's',
		});
	});
});


import { buildMessage, headerProblems, mailboxOf, type SendFields } from '../../nodes/GraphMail/actions/message/send/payload';
import { mailboxPath } from '../../nodes/GraphMail/helpers/pathSegment';
import { fileAttachment, sendMailBody } from '../../nodes/GraphMail/actions/message/send/plan';
import { loadVectors } from '../harness/vectors';

interface Vector {
	title: string;
	body: { message: Record<string, unknown>; saveToSentItems?: string | boolean };
}
const vectors = (file: string) =>
	loadVectors<Vector>(file);
const examples = vectors('sendmail_examples.json').filter((v) => !('historical' in v && (v as { historical?: boolean }).historical));
const extra = vectors('sendmail_extra_examples.json');
const byTitle = (list: Vector[], prefix: string) => list.find((v) => v.title.startsWith(prefix))!;

/** Compares with Graph's documented bodies; the doc's saveToSentItems "false" is a string, ours a boolean. */
function normalise(body: unknown): unknown {
	const copy = JSON.parse(JSON.stringify(body)) as { saveToSentItems?: unknown; message: { body?: { contentType?: string } } };
	if (copy.saveToSentItems !== undefined) copy.saveToSentItems = String(copy.saveToSentItems);
	if (copy.message.body?.contentType) copy.message.body.contentType = copy.message.body.contentType.toLowerCase();
	return copy;
}

function build(fields: SendFields) {
	const result = buildMessage(fields);
	if (!result.ok) throw new Error(JSON.stringify(result.problems));
	return result.value;
}

describe('buildMessage matches the documented sendMail bodies', () => {
	it('Example 1: text body, to + cc, saveToSentItems false', () => {
		const built = build({
			to: 'frannis@contoso.com',
			cc: 'danas@contoso.com',
			subject: 'Meet for lunch?',
			bodyType: 'text',
			body: 'The new cafeteria is open.',
			saveToSentItems: false,
		});
		expect(normalise(sendMailBody(built.message, built.saveToSentItems, []))).toEqual(normalise(byTitle(examples, 'Example 1').body));
	});

	it('Example 2: HTML body and custom Internet message headers', () => {
		const built = build({
			to: 'AlexW@contoso.com',
			subject: '9/9/2018: concert',
			bodyType: 'html',
			body: 'The group represents Nevada.',
			customHeaders: [
				{ name: 'x-custom-header-group-name', value: 'Nevada' },
				{ name: 'x-custom-header-group-id', value: 'NV001' },
			],
		});
		expect(sendMailBody(built.message, built.saveToSentItems, [])).toEqual(byTitle(examples, 'Example 2').body);
	});

	it('Example 3: a file attachment', () => {
		const built = build({ to: 'meganb@contoso.com', subject: 'Meet for lunch?', bodyType: 'text', body: 'The new cafeteria is open.' });
		const attachment = fileAttachment(
			{ binaryProperty: 'data', name: 'attachment.txt', contentType: 'text/plain', size: 12, isInline: false },
			Buffer.from('Hello World!').toString('base64'),
		);
		expect(sendMailBody(built.message, built.saveToSentItems, [attachment])).toEqual(byTitle(examples, 'Example 3').body);
	});

	it('from another user (send on behalf)', () => {
		const vector = byTitle(extra, 'outlook-send-mail-from-other-user Example 1');
		const built = build({
			to: 'MeganB@contoso.com',
			from: 'AllanD@contoso.com',
			subject: 'Expense reports',
			bodyType: 'text',
			body: 'Have you submitted your expense reports yet?',
		});
		expect(normalise(sendMailBody(built.message, built.saveToSentItems, []))).toEqual(normalise(vector.body));
	});
});

describe('buildMessage', () => {
	it('maps every option', () => {
		const built = build({
			to: ['a@x.com', 'Bee <b@x.com>'],
			cc: 'c@x.com',
			bcc: 'd@x.com; e@x.com',
			replyTo: 'reply@x.com',
			subject: 'S',
			bodyType: 'html',
			body: '<b>hi</b>',
			importance: 'high',
			readReceipt: true,
			deliveryReceipt: true,
			categories: 'Red, Blue, Red,',
			from: 'Sales <sales@x.com>',
			saveToSentItems: true,
		});
		expect(built.recipients).toEqual({ to: 2, cc: 1, bcc: 2 });
		expect(built.saveToSentItems).toBe(true);
		expect(built.message).toEqual({
			subject: 'S',
			body: { contentType: 'HTML', content: '<b>hi</b>' },
			toRecipients: [{ emailAddress: { address: 'a@x.com' } }, { emailAddress: { address: 'b@x.com', name: 'Bee' } }],
			ccRecipients: [{ emailAddress: { address: 'c@x.com' } }],
			bccRecipients: [{ emailAddress: { address: 'd@x.com' } }, { emailAddress: { address: 'e@x.com' } }],
			replyTo: [{ emailAddress: { address: 'reply@x.com' } }],
			from: { emailAddress: { address: 'sales@x.com', name: 'Sales' } },
			importance: 'high',
			isReadReceiptRequested: true,
			isDeliveryReceiptRequested: true,
			categories: ['Red', 'Blue'],
		});
		expect(sendMailBody(built.message, true, [])).not.toHaveProperty('saveToSentItems');
	});

	it('needs at least one recipient, but To may be empty when CC or BCC has one', () => {
		const empty = buildMessage({ to: '', subject: 'x' });
		expect(empty.ok).toBe(false);
		expect(!empty.ok && empty.problems[0]).toMatchObject({ field: 'To', message: expect.stringMatching(/no recipient/) });
		expect(buildMessage({ to: '', bcc: 'b@x.com' }).ok).toBe(true);
	});

	it('names the field of each bad address', () => {
		const result = buildMessage({ to: 'bob@', cc: 'ok@x.com, nope', replyTo: 'also bad' });
		expect(result.ok).toBe(false);
		expect(!result.ok && result.problems.map((p) => `${p.field}: ${p.message}`)).toEqual([
			"To: 'bob@' is not an email address",
			"CC: 'nope' is not an email address",
			"Reply-To: 'also bad' is not an email address",
		]);
	});

	it('refuses more than 500 recipients in all', () => {
		const many = Array.from({ length: 499 }, (_, i) => `user${i}@x.com`);
		expect(buildMessage({ to: many, cc: 'a@x.com' }).ok).toBe(true);
		const result = buildMessage({ to: many, cc: 'a@x.com', bcc: 'b@x.com' });
		expect(!result.ok && result.problems[0]).toMatchObject({ field: 'To/CC/BCC', message: expect.stringMatching(/^501 recipients/) });
	});

	it('refuses two From addresses', () => {
		const result = buildMessage({ to: 'a@x.com', from: 'b@x.com, c@x.com' });
		expect(!result.ok && result.problems[0].field).toBe('From');
	});
});

describe('headerProblems', () => {
	it('accepts x- headers', () => {
		expect(headerProblems([{ name: 'x-a', value: 'b' }, { name: 'X-Order_Number.2', value: 'ünïcode ok' }])).toEqual([]);
	});
	it.each([
		[{ name: 'Subject', value: 'x' }, /must start with x-/],
		[{ name: 'x-a b', value: 'x' }, /must start with x-/],
		[{ name: 'x-a:b', value: 'x' }, /must start with x-/],
		[{ name: '', value: 'x' }, /no name/],
		[{ name: 'x-a', value: 'one\r\nBcc: victim@x.com' }, /line break/],
		[{ name: 'x-a\n', value: 'v' }, /line break/],
		[{ name: 'x-a', value: 'bell\u0007' }, /control characters/],
	])('%j is refused', (header, message) => {
		const problems = headerProblems([header]);
		expect(problems).toHaveLength(1);
		expect(problems[0].field).toBe('Custom Headers');
		expect(problems[0].message).toMatch(message);
	});
});

describe('mailboxOf', () => {
	it('takes me, a UPN or a user id and encodes the path', () => {
		expect(mailboxOf('')).toEqual({ mailbox: 'me' });
		expect(mailboxOf(' ME ')).toEqual({ mailbox: 'me' });
		expect(mailboxOf('shared+ops@contoso.com')).toEqual({ mailbox: 'shared+ops@contoso.com' });
		expect(mailboxOf('87d349ed-44d7-43e1-9a83-5f2406dee5bd')).toEqual({ mailbox: '87d349ed-44d7-43e1-9a83-5f2406dee5bd' });
		expect(mailboxPath('shared+ops@contoso.com')).toBe('/users/shared%2Bops%40contoso.com');
		expect(mailboxPath('me')).toBe('/me');
		expect(mailboxOf('../admin')).toHaveProperty('problem.field', 'Mailbox');
	});
});

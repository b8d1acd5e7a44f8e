import {
	canonicalJson,
	earlierSend,
	idempotencyKey,
	internetMessageIdFilter,
	lookupGroups,
	messageIdFor,
	sendKeyFor,
	windowMsOf,
	type KeyInput,
} from '../../nodes/GraphMail/actions/message/send/idempotencyKey';

const input = (overrides: Partial<KeyInput> = {}): KeyInput => ({
	run: 'execution-1#0',
	workflowId: 'wf-1',
	nodeId: 'node-1',
	itemIndex: 0,
	mailbox: 'me',
	message: {
		subject: 'Hello',
		body: { contentType: 'Text', content: 'Hi' },
		toRecipients: [{ emailAddress: { address: 'a@example.com' } }],
	},
	saveToSentItems: true,
	attachments: [],
	itemJson: { name: 'Ann', order: 7 },
	...overrides,
});

/** The key the previous version of the node computed for input({ run: undefined }). */
const LEGACY_KEY = '3b081440fde0fa5e35cb134e075a5164';

describe('canonicalJson', () => {
	it('sorts keys at every level and drops undefined', () => {
		expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: undefined, x: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":2,"z":1}]},"b":1}');
		expect(canonicalJson(undefined)).toBe('null');
		expect(canonicalJson(new Date('2026-01-02T03:04:05Z'))).toBe('"2026-01-02T03:04:05.000Z"');
	});

	it('survives cycles', () => {
		const value: Record<string, unknown> = { a: 1 };
		value.self = value;
		expect(canonicalJson(value)).toBe('{"a":1,"self":"[circular]"}');
	});
});

describe('idempotencyKey', () => {
	it('without an execution identity is the content-only key of earlier versions (a Retry of their executions finds their mails)', () => {
		// Computed by the version before execution identities were part of the key.
		expect(idempotencyKey(input({ run: undefined }))).toBe(LEGACY_KEY);
	});

	it('is 32 hex digits, the same for the same mail for the same item (key order does not matter)', () => {
		const key = idempotencyKey(input());
		expect(key).toMatch(/^[0-9a-f]{32}$/);
		expect(idempotencyKey(input({ itemJson: { order: 7, name: 'Ann' } }))).toBe(key);
		// An internetMessageId already on the message does not change it.
		expect(idempotencyKey(input({ message: { ...input().message, internetMessageId: '<x@y>' } }))).toBe(key);
	});

	it.each<[string, Partial<KeyInput>]>([
		['another execution (a new run from the editor, a new trigger event)', { run: 'execution-2#0' }],
		['another run of the node in the same execution (a loop)', { run: 'execution-1#1' }],
		['no execution identity (a Retry of an execution started by an older node)', { run: undefined }],
		['another workflow', { workflowId: 'wf-2' }],
		['another node', { nodeId: 'node-2' }],
		['another item index', { itemIndex: 1 }],
		['another mailbox', { mailbox: 'shared@example.com' }],
		['another subject', { message: { ...input().message, subject: 'Hello!' } }],
		['another recipient', { message: { ...input().message, toRecipients: [{ emailAddress: { address: 'b@example.com' } }] } }],
		['Save to Sent Items off', { saveToSentItems: false }],
		['other input data', { itemJson: { name: 'Ann', order: 8 } }],
		['an attachment', { attachments: [{ name: 'a.txt', contentType: 'text/plain', size: 1, isInline: false, digest: 'aa' }] }],
	])('differs for %s', (_label, overrides) => {
		expect(idempotencyKey(input(overrides))).not.toBe(idempotencyKey(input()));
	});

	it('tells attachments apart by content digest', () => {
		const file = { name: 'a.txt', contentType: 'text/plain', size: 1, isInline: false };
		expect(idempotencyKey(input({ attachments: [{ ...file, digest: 'aa' }] }))).not.toBe(
			idempotencyKey(input({ attachments: [{ ...file, digest: 'bb' }] })),
		);
	});
});

describe('message ids and windows', () => {
	const key = '0123456789abcdef0123456789abcdef';
	const day = 24 * 60 * 60 * 1000;

	it('names the window in the message id', () => {
		expect(messageIdFor(key, 20000)).toBe(`<${key}.ffk@graph-mail.n8n>`);
		const now = Date.parse('2026-11-26T12:00:00Z');
		const sendKey = sendKeyFor(key, day, now);
		const epoch = Math.floor(now / day);
		expect(sendKey).toEqual({
			key,
			internetMessageId: messageIdFor(key, epoch),
			previousInternetMessageId: messageIdFor(key, epoch - 1),
			windowMs: day,
		});
		// Valid for Graph: <local@domain> without spaces.
		expect(sendKey.internetMessageId).toMatch(/^<[^<>\s@]+@[^<>\s@]+>$/);
	});

	it('reads the window in minutes, with the default (a week) for nonsense and a 30-day cap', () => {
		expect(windowMsOf(60)).toBe(3_600_000);
		expect(windowMsOf(undefined)).toBe(7 * day);
		expect(windowMsOf('x')).toBe(7 * day);
		expect(windowMsOf(-5)).toBe(7 * day);
		expect(windowMsOf(10 ** 9)).toBe(30 * day);
	});

	it('builds OData filters of at most 14 ids', () => {
		expect(internetMessageIdFilter(['<a@b>', "<o'k@b>"])).toBe("internetMessageId eq '<a@b>' or internetMessageId eq '<o''k@b>'");
		const ids = Array.from({ length: 30 }, (_, i) => `<${i}@x>`);
		expect(lookupGroups([...ids, ids[0]]).map((group) => group.length)).toEqual([14, 14, 2]);
	});

	it('earlierSend: a sent copy in this window counts; in the previous one only when younger than the window; drafts never', () => {
		const now = Date.parse('2026-11-26T12:00:00Z');
		const sendKey = sendKeyFor(key, day, now);
		const found = (internetMessageId: string, sentDateTime?: string, isDraft = false) => ({ id: 'm', internetMessageId, sentDateTime, isDraft });
		expect(earlierSend(sendKey, [found(sendKey.internetMessageId, '2026-11-26T00:00:01Z')], now)).toBeDefined();
		expect(earlierSend(sendKey, [found(sendKey.internetMessageId, undefined, true)], now)).toBeUndefined();
		expect(earlierSend(sendKey, [found(sendKey.previousInternetMessageId, '2026-11-25T12:00:01Z')], now)).toBeDefined();
		expect(earlierSend(sendKey, [found(sendKey.previousInternetMessageId, '2026-11-25T11:59:59Z')], now)).toBeUndefined();
		expect(earlierSend(sendKey, [found('<other@x>', '2026-11-26T11:00:00Z')], now)).toBeUndefined();
		expect(earlierSend(sendKey, [], now)).toBeUndefined();
	});
});

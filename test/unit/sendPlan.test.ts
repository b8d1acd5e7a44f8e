import { buildMessage } from '../../nodes/GraphMail/actions/message/send/payload';
import {
	MAX_MESSAGE_BYTES,
	MiB,
	SINGLE_REQUEST_BUDGET_BYTES,
	UPLOAD_SESSION_MIN_BYTES,
	base64Length,
	draftBody,
	fileAttachment,
	planSend,
	sendMailBody,
	type AttachmentSpec,
} from '../../nodes/GraphMail/actions/message/send/plan';

const built = (() => {
	const result = buildMessage({ to: 'a@x.com', subject: 'Files', bodyType: 'text', body: 'See attached.' });
	if (!result.ok) throw new Error('bad fixture');
	return result.value;
})();

const file = (name: string, size: number, extra: Partial<AttachmentSpec> = {}): AttachmentSpec => ({
	binaryProperty: name,
	name,
	contentType: 'application/octet-stream',
	size,
	isInline: false,
	...extra,
});

function plan(attachments: AttachmentSpec[], returnDetails = false, saveToSentItems = true) {
	const result = planSend({ mailbox: 'me', built: { ...built, saveToSentItems }, attachments, returnDetails });
	if (!result.ok) throw new Error(JSON.stringify(result.problems));
	return result.plan;
}

describe('planSend', () => {
	it('sends small mails in one sendMail and counts the request bytes exactly', () => {
		const attachments = [file('a.txt', 0), file('b.bin', 1024)];
		const p = plan(attachments);
		expect(p.method).toBe('sendMail');
		expect(p.attachments.map((a) => a.via)).toEqual(['inline', 'inline']);
		const real = sendMailBody(
			p.message,
			true,
			attachments.map((spec) => fileAttachment(spec, Buffer.alloc(spec.size).toString('base64'))),
		);
		expect(p.requestBytes).toBe(Buffer.byteLength(JSON.stringify(real)));
	});

	it('uses a draft when the inline request would come close to 4 MB', () => {
		// 2.9 MB is under the upload-session threshold but its base64 (3.87 MB) is over the budget.
		const p = plan([file('big.bin', 2_900_000)]);
		expect(p.method).toBe('draft');
		expect(p.attachments[0].via).toBe('attachment');
		expect(p.requestBytes).toBeLessThan(SINGLE_REQUEST_BUDGET_BYTES);
		expect(base64Length(2_900_000)).toBeGreaterThan(SINGLE_REQUEST_BUDGET_BYTES);
	});

	it('uploads files of 3,000,000 bytes or more through upload sessions, packs small ones into the draft', () => {
		const p = plan([
			file('small1', 1000),
			file('exact', UPLOAD_SESSION_MIN_BYTES),
			file('just-under', UPLOAD_SESSION_MIN_BYTES - 1),
			file('small2', 2000),
			file('big', 40_000_000, { isInline: true, contentId: 'big' }),
		]);
		expect(p.method).toBe('draft');
		expect(p.attachments.map((a) => [a.name, a.via])).toEqual([
			['small1', 'inline'],
			['exact', 'uploadSession'],
			['just-under', 'attachment'],
			['small2', 'inline'],
			['big', 'uploadSession'],
		]);
		const inline = p.attachments.filter((a) => a.via === 'inline');
		const real = draftBody(p.message, true, inline.map((spec) => fileAttachment(spec, Buffer.alloc(spec.size).toString('base64'))));
		expect(p.requestBytes).toBe(Buffer.byteLength(JSON.stringify(real)));
		expect(p.requestBytes).toBeLessThanOrEqual(SINGLE_REQUEST_BUDGET_BYTES);
	});

	it('spreads many small files between the draft and separate POSTs within the budget', () => {
		const p = plan(Array.from({ length: 6 }, (_, i) => file(`f${i}`, 1_000_000)));
		expect(p.method).toBe('draft');
		const vias = p.attachments.map((a) => a.via);
		expect(vias.filter((v) => v === 'inline').length).toBe(2);
		expect(vias.filter((v) => v === 'attachment').length).toBe(4);
		expect(p.requestBytes).toBeLessThanOrEqual(SINGLE_REQUEST_BUDGET_BYTES);
	});

	it('takes the draft path when message details are asked for, and marks unsaved drafts', () => {
		const p = plan([file('a', 10)], true, false);
		expect(p.method).toBe('draft');
		expect(draftBody(p.message, false, [])).toHaveProperty('singleValueExtendedProperties', [{ id: 'Boolean 0x0E01', value: 'true' }]);
	});

	it('refuses a message over 150 MiB before anything is uploaded', () => {
		const result = planSend({ mailbox: 'me', built, attachments: [file('huge', 151 * MiB)], returnDetails: false });
		expect(result.ok).toBe(false);
		expect(!result.ok && result.problems[0]).toMatchObject({
			field: 'Attachments',
			message: expect.stringMatching(/151\.0 MiB.*at most 150\.0 MiB/),
		});
		expect(planSend({ mailbox: 'me', built, attachments: [file('max', MAX_MESSAGE_BYTES - 100)], returnDetails: false }).ok).toBe(true);
	});

	it('refuses more than 250 attachments and a body that cannot fit in a request', () => {
		const many = planSend({ mailbox: 'me', built, attachments: Array.from({ length: 251 }, (_, i) => file(`f${i}`, 1)), returnDetails: false });
		expect(!many.ok && many.problems[0].message).toMatch(/251 attachments/);
		const huge = buildMessage({ to: 'a@x.com', body: 'x'.repeat(5 * MiB) });
		const result = planSend({ mailbox: 'me', built: huge.ok ? huge.value : built, attachments: [], returnDetails: false });
		expect(!result.ok && result.problems[0].field).toBe('Body');
	});
});

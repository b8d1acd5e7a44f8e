/**
 * Send: attachments of every size in n8n's in-memory and filesystem binary modes, byte for byte;
 * upload sessions (no Authorization to the upload URL, ranges of at most 4 MiB, resume after a
 * failed PUT); the 150 MiB limit before anything is uploaded.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';

import type { IBinaryData, IDataObject, INodeExecutionData } from 'n8n-workflow';

import { MiB } from '../../nodes/GraphMail/actions/message/send/plan';
import { DEFAULT_BACKOFF } from '../../nodes/GraphMail/transport/retryAfter';
import { binaryStoragePath, patternSha256, setBinaryMode, sha256, storePattern, type BinaryMode } from '../harness/binaryData';
import {
	ADELE,
	MEGAN,
	attachmentsOption,
	bySubject,
	runSend,
	runSendOk,
	sendParams,
	startSendEnvironment,
	uniqueSubject,
	type SendEnvironment,
} from './support';

let env: SendEnvironment;

beforeAll(async () => {
	env = await startSendEnvironment();
});
afterAll(async () => {
	await env.stop();
	rmSync(binaryStoragePath(), { recursive: true, force: true });
});
beforeEach(() => env.clear());

let seedCounter = 100;

async function file(size: number, fileName: string, mimeType?: string): Promise<{ binary: IBinaryData; sha: string }> {
	const seed = ++seedCounter;
	const binary = await storePattern(size, seed, { fileName, mimeType });
	return { binary, sha: patternSha256(size, seed) };
}

/** The attachments of the one message with `subject` in `userId`'s folder, with the SHA-256 of their bytes. */
function received(userId: string, folder: string, subject: string) {
	const messages = bySubject(env.folder(userId, folder), subject);
	expect(messages).toHaveLength(1);
	return messages[0].attachments.map((attachment) => ({
		name: attachment.name,
		size: attachment.size,
		isInline: attachment.isInline,
		contentId: attachment.contentId,
		sha: sha256(env.emulator.mail.attachmentBytes(userId, messages[0].id, attachment.id)!),
	}));
}

function uploadSessionRequests(): IDataObject[] {
	return env.graphRequests('POST', /\/attachments\/createUploadSession$/).map((r) => r.json!.AttachmentItem as IDataObject);
}

const SIZES: Array<[string, number, 'sendMail' | 'draft', string]> = [
	['0 B', 0, 'sendMail', 'inline'],
	['1 KB', 1024, 'sendMail', 'inline'],
	['2.9 MB', 2_900_000, 'draft', 'attachment'],
	['3.1 MB', 3_100_000, 'draft', 'uploadSession'],
	['40 MB', 40_000_000, 'draft', 'uploadSession'],
];

describe.each<BinaryMode>(['default', 'filesystem'])('%s binary mode', (mode) => {
	beforeAll(async () => await setBinaryMode(mode));

	it('0 B, 1 KB, 2.9 MB, 3.1 MB and 40 MB arrive byte for byte', async () => {
		const subject = uniqueSubject(`Sizes ${mode}`);
		const items: INodeExecutionData[] = [];
		const shas: string[] = [];
		for (const [label, size] of SIZES) {
			const { binary, sha } = await file(size, `file-${size}.bin`);
			if (mode === 'filesystem') {
				// What n8n's own Outlook node sends instead of the bytes (issues 17149, 23132, 23347).
				expect(binary.id).toMatch(/^filesystem-v2:/);
				expect(binary.data).toBe('filesystem-v2');
			} else {
				expect(binary.id).toBeUndefined();
			}
			items.push({ json: { subject: `${subject} ${label}` }, binary: { data: binary } });
			shas.push(sha);
		}
		const output = await runSendOk(env, sendParams({ subject: '={{ $json.subject }}' }, attachmentsOption({ binaryPropertyName: 'data' })), {
			items,
		});
		expect(output.map((item) => [item.json.method, (item.json.attachments as IDataObject[])[0].uploadedVia])).toEqual(
			SIZES.map(([, , method, via]) => [method, via]),
		);
		expect(output.map((item) => item.pairedItem)).toEqual(SIZES.map((_, item) => ({ item })));
		SIZES.forEach(([label, size], index) => {
			const expected = [{ name: `file-${size}.bin`, size, isInline: false, contentId: undefined, sha: shas[index] }];
			expect(received(MEGAN.id, 'inbox', `${subject} ${label}`)).toEqual(expected);
			expect(received(ADELE.id, 'sentitems', `${subject} ${label}`)).toEqual(expected);
		});
		const counters = env.emulator.control.counters();
		expect(counters.uploadRequestsWithAuthorization).toBe(0);
		expect(counters.bytesUploaded).toBe(3_100_000 + 40_000_000);
		// ceil(3.1 MB / 4 MiB) + ceil(40 MB / 4 MiB) PUTs, none above 4 MiB (the emulator refuses those).
		expect(counters.requestsByRoute.uploadChunk).toBe(1 + 10);
		expect(counters.duplicatesDelivered).toBe(0);
		expect(bySubject(env.folder(ADELE.id, 'drafts'), `${subject} 40 MB`)).toHaveLength(0);
	});

	it('several attachments mixing small and large in one mail', async () => {
		const subject = uniqueSubject(`Mixed ${mode}`);
		const files = {
			a: await file(1024, 'a.txt'),
			b: await file(3_100_000, 'b.bin'),
			c: await file(2_900_000, 'c.bin'),
			d: await file(500_000, 'd.bin'),
			e: await file(3_500_000, 'e.png', 'image/png'),
		};
		const binary = Object.fromEntries(Object.entries(files).map(([key, value]) => [key, value.binary]));
		const [output] = await runSendOk(
			env,
			sendParams(
				{ subject, bodyContentType: 'html', bodyContent: '<img src="cid:hero">' },
				attachmentsOption({ binaryPropertyName: 'a, b, c, d' }, { binaryPropertyName: 'e', isInline: true, contentId: 'hero' }),
			),
			{ items: [{ json: {}, binary }] },
		);
		expect(output.json.method).toBe('draft');
		expect((output.json.attachments as IDataObject[]).map((a) => [a.name, a.uploadedVia])).toEqual([
			['a.txt', 'inline'],
			['b.bin', 'uploadSession'],
			['c.bin', 'attachment'],
			['d.bin', 'inline'],
			['e.png', 'uploadSession'],
		]);
		const draft = env.graphRequests('POST', /^\/me\/messages$/)[0];
		expect(draft.bodyBytes).toBe(output.json.requestBytes);
		expect((draft.json!.attachments as IDataObject[]).map((a) => a.name)).toEqual(['a.txt', 'd.bin']);
		expect(uploadSessionRequests()).toEqual([
			{ attachmentType: 'file', name: 'b.bin', size: 3_100_000, contentType: 'application/octet-stream' },
			{ attachmentType: 'file', name: 'e.png', size: 3_500_000, contentType: 'image/png', isInline: true, contentId: 'hero' },
		]);
		const got = received(MEGAN.id, 'inbox', subject);
		expect(got.map((a) => a.name).sort()).toEqual(['a.txt', 'b.bin', 'c.bin', 'd.bin', 'e.png']);
		for (const [key, value] of Object.entries(files)) {
			const attachment = got.find((a) => a.name === value.binary.fileName)!;
			expect([key, attachment.sha]).toEqual([key, value.sha]);
		}
		expect(got.find((a) => a.name === 'e.png')).toMatchObject({ isInline: true, contentId: 'hero' });
		expect(env.emulator.control.counters().uploadRequestsWithAuthorization).toBe(0);
	});
});

it('Input Binary Field * attaches every binary field of the item', async () => {
	await setBinaryMode('filesystem');
	const subject = uniqueSubject('Star');
	const one = await file(10, 'one.txt', 'text/plain');
	const two = await file(3_000_000, 'two.bin');
	const [output] = await runSendOk(env, sendParams({ subject }, attachmentsOption({ binaryPropertyName: '*' })), {
		items: [{ json: {}, binary: { first: one.binary, second: two.binary } }],
	});
	expect((output.json.attachments as IDataObject[]).map((a) => [a.name, a.uploadedVia])).toEqual([
		['one.txt', 'inline'],
		['two.bin', 'uploadSession'],
	]);
	expect(received(MEGAN.id, 'inbox', subject).map((a) => a.sha).sort()).toEqual([one.sha, two.sha].sort());
	const none = await runSend(env, sendParams({}, attachmentsOption({ binaryPropertyName: '*' })), { items: [{ json: {} }] });
	expect(none.error?.message).toBe('Attachments: the item has no binary data to attach (Input Binary Field is *) [item 0]');
});

describe('upload sessions after a failed PUT (filesystem mode)', () => {
	beforeAll(async () => await setBinaryMode('filesystem'));

	async function sendOne(size: number, label: string) {
		const subject = uniqueSubject(label);
		const { binary, sha } = await file(size, `${label}.bin`);
		const result = await runSend(env, sendParams({ subject }, attachmentsOption({ binaryPropertyName: 'data' })), {
			items: [{ json: {}, binary: { data: binary } }],
		});
		return { subject, sha, result };
	}

	it.each([
		['connection reset before the PUT is processed', { kind: 'reset' as const }],
		['answer lost after the range was stored', { kind: 'lostResponse' as const }],
		['503 with Retry-After', { kind: '503' as const, retryAfter: '0.2' }],
		['429 with Retry-After', { kind: '429' as const, retryAfter: '0.2' }],
	])('%s: resumes and every byte arrives once', async (_label, fault) => {
		env.emulator.control.injectFault({ route: 'uploadChunk', method: 'PUT', ...fault });
		const size = 10 * MiB + 12345;
		const { subject, sha, result } = await sendOne(size, 'resume');
		expect(result.error).toBeUndefined();
		const counters = env.emulator.control.counters();
		expect(counters.faultsServed[fault.kind]).toBe(1);
		expect(counters.bytesUploaded).toBe(size);
		expect(received(MEGAN.id, 'inbox', subject)).toEqual([expect.objectContaining({ size, sha })]);
		expect(counters.duplicatesDelivered).toBe(0);
	});

	it('a lost answer and no progress to ask: the resent range overlaps (badRequest > invalidRange) and the upload resumes where the error says', async () => {
		env.emulator.control.injectFault([
			{ route: 'uploadChunk', method: 'PUT', kind: 'lostResponse' },
			{ route: 'uploadChunk', method: 'GET', kind: '504' },
		]);
		const size = 10 * MiB + 4321;
		const { subject, sha, result } = await sendOne(size, 'overlap');
		expect(result.error).toBeUndefined();
		const counters = env.emulator.control.counters();
		expect(counters.faultsServed).toMatchObject({ lostResponse: 1, '504': 1 });
		// the first range went twice: stored, then refused as an overlap; nothing after it was resent
		expect(counters.bytesUploaded).toBe(size + 4 * MiB);
		expect(received(MEGAN.id, 'inbox', subject)).toEqual([expect.objectContaining({ size, sha })]);
	});

	it('the answer to the last range is lost: the upload is complete, the mail is sent once', async () => {
		env.emulator.control.injectFault({ route: 'uploadChunk', method: 'PUT', kind: 'lostResponse' });
		const { subject, sha, result } = await sendOne(3_200_000, 'last-range');
		expect(result.error).toBeUndefined();
		expect(received(MEGAN.id, 'inbox', subject)).toEqual([expect.objectContaining({ size: 3_200_000, sha })]);
		expect(env.emulator.control.counters().bytesUploaded).toBe(3_200_000);
	});

	it('200 instead of 201 to the last range, the attachment missing: the item fails, nothing is sent', async () => {
		env.emulator.control.injectFault({
			route: 'uploadChunk',
			method: 'PUT',
			kind: 'answer',
			status: 200,
			body: { expirationDateTime: '2030-01-01T00:00:00Z', nextExpectedRanges: [] },
		});
		const { subject, result } = await sendOne(3_200_000, 'final-200');
		expect(env.emulator.control.counters().faultsServed.answer).toBe(1);
		expect(result.error?.message).toMatch(
			/Uploading 'final-200.bin' did not complete: the upload host answered 200 to the last range instead of 201, and the message has no such attachment/,
		);
		expect(env.graphRequests('POST', /\/send$/)).toHaveLength(0);
		expect(bySubject(env.folder(MEGAN.id, 'inbox'), subject)).toHaveLength(0);
		expect(bySubject(env.folder(ADELE.id, 'drafts'), subject)).toHaveLength(0);
	});

	it('a PUT that keeps failing: a clear error, the draft is removed, nothing is sent', async () => {
		env.emulator.control.injectFault({ route: 'uploadChunk', method: 'PUT', kind: '503', retryAfter: '0', times: 20 });
		const { subject, result } = await sendOne(3_300_000, 'failing');
		expect(result.error?.message).toMatch(/^Microsoft Graph refused the request: serviceNotAvailable.*\[item 0\]$/);
		expect(result.error?.description).toMatch(/failed at byte 0 of 3300000; the upload was cancelled and nothing was sent/);
		// A range is tried as often as the client's backoff policy allows (Delivery Settings > Max Attempts).
		expect(env.emulator.control.counters().faultsServed['503']).toBe(DEFAULT_BACKOFF.maxAttempts);
		expect(env.graphRequests('POST', /\/send$/)).toHaveLength(0);
		expect(env.graphRequests('DELETE', /^\/me\/messages\/[^/]+$/)).toHaveLength(1);
		expect(bySubject(env.folder(ADELE.id, 'drafts'), subject)).toHaveLength(0);
		expect(bySubject(env.folder(MEGAN.id, 'inbox'), subject)).toHaveLength(0);
	});
});

describe('the 150 MiB limit', () => {
	beforeAll(async () => await setBinaryMode('filesystem'));

	it('151 MiB is refused before anything is uploaded', async () => {
		// Streamed into the filesystem store: never 151 MiB in memory.
		const { binary } = await file(151 * MiB, 'huge.bin');
		try {
			const result = await runSend(env, sendParams({}, attachmentsOption({ binaryPropertyName: 'data' })), {
				items: [{ json: {}, binary: { data: binary } }],
			});
			expect(result.error?.message).toBe(
				'Attachments: the message would be 151.0 MiB (attachments 151.0 MiB); Outlook accepts at most 150.0 MiB per message. Nothing was uploaded. [item 0]',
			);
			expect(env.recorded).toHaveLength(0);
			expect(env.emulator.control.counters().requests).toBe(0);
		} finally {
			rmSync(join(binaryStoragePath(), 'workflows'), { recursive: true, force: true });
		}
	});
});

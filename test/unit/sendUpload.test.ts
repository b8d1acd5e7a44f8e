import { Readable } from 'node:stream';

import { Base64ByteSource, StreamByteSource } from '../../nodes/GraphMail/binary/byteSource';
import { attachmentIdFromLocation } from '../../nodes/GraphMail/actions/message/send/attachmentUpload';
import { nextExpectedOffset } from '../../nodes/GraphMail/transport/uploadSession';

describe('nextExpectedOffset', () => {
	it.each([
		[{ nextExpectedRanges: ['0-'] }, 0],
		[{ ExpirationDateTime: 'x', nextExpectedRanges: ['2097152'] }, 2097152],
		[{ NextExpectedRanges: ['4194304-8388607', '9000000-'] }, 4194304],
		[JSON.stringify({ nextExpectedRanges: ['12'] }), 12],
		[{ error: { code: 'invalidRange', nextExpectedRanges: ['77'] } }, 77],
		[{ nextExpectedRanges: [] }, undefined],
		['', undefined],
		[undefined, undefined],
	])('%j -> %s', (body, expected) => {
		expect(nextExpectedOffset(body)).toBe(expected);
	});
});

describe('attachmentIdFromLocation', () => {
	it('takes the id from Attachments(...)', () => {
		expect(
			attachmentIdFromLocation(
				"https://outlook.office.com/api/v2.0/Users('a@b')/Messages('AAMkADI5MAAIT3drCAAA=')/Attachments('AAMkADI5MAAIT3drCAAABEgAQANAqbAe7qaROhYdTnUQwXm0=')",
			),
		).toBe('AAMkADI5MAAIT3drCAAABEgAQANAqbAe7qaROhYdTnUQwXm0=');
		expect(attachmentIdFromLocation(undefined)).toBeUndefined();
	});
});

const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) % 256));

describe('Base64ByteSource', () => {
	it('decodes any range without decoding the whole file, into one reused buffer', async () => {
		const source = new Base64ByteSource(bytes.toString('base64'));
		expect(source.size).toBe(1000);
		for (const [offset, length] of [[0, 1000], [1, 2], [2, 400], [999, 1], [500, 0], [333, 334]]) {
			expect(await source.read(offset, length)).toEqual(bytes.subarray(offset, offset + length));
		}
		await expect(source.read(990, 20)).rejects.toThrow(RangeError);
		const first = await source.read(0, 300);
		const second = await source.read(300, 300);
		expect(second.buffer).toBe(first.buffer);
	});
	it('ignores line breaks in the base64', async () => {
		const wrapped = bytes.toString('base64').replace(/(.{76})/g, '$1\n');
		const source = new Base64ByteSource(wrapped);
		expect(source.size).toBe(1000);
		expect(await source.read(100, 200)).toEqual(bytes.subarray(100, 300));
	});
});

describe('StreamByteSource', () => {
	const open = (chunk: number) => async () => {
		const parts: Buffer[] = [];
		for (let i = 0; i < bytes.length; i += chunk) parts.push(bytes.subarray(i, i + chunk));
		return Readable.from(parts);
	};

	it('reads consecutive ranges from one stream whatever its chunking', async () => {
		for (const chunk of [1, 7, 100, 4096]) {
			const source = new StreamByteSource(open(chunk), bytes.length);
			const out: Buffer[] = [];
			// A range is only valid until the next read: copy it.
			for (let offset = 0; offset < bytes.length; offset += 300) out.push(Buffer.from(await source.read(offset, Math.min(300, bytes.length - offset))));
			expect(Buffer.concat(out)).toEqual(bytes);
			expect(source.opens).toBe(1);
			await source.close();
		}
	});

	it('skips forward, and reopens to go back to an earlier offset', async () => {
		const source = new StreamByteSource(open(64), bytes.length);
		expect(await source.read(100, 50)).toEqual(bytes.subarray(100, 150));
		expect(await source.read(400, 10)).toEqual(bytes.subarray(400, 410));
		expect(source.opens).toBe(1);
		expect(await source.read(120, 30)).toEqual(bytes.subarray(120, 150));
		expect(source.opens).toBe(2);
		await source.close();
	});

	it('returns fewer bytes when the stream is shorter than announced', async () => {
		const source = new StreamByteSource(open(100), 2000);
		expect((await source.read(900, 200)).length).toBe(100);
		await source.close();
	});
});

import { largeDownloadGate, mayHaveAttachments } from '../../nodes/GraphMail/read/attachments';
import { mailboxRef } from '../../nodes/GraphMail/read/mailbox';
import { mapLimited } from '../../nodes/GraphMail/helpers/concurrency';
import { outputPlan, shapeMessage } from '../../nodes/GraphMail/read/output';
import { pageOfFolders } from '../../nodes/GraphMail/methods/searchFolders';

describe('mailboxRef', () => {
	it('URL-encodes user ids and UPNs in the path', () => {
		expect(mailboxRef('me', 'ignored')).toEqual({ mailbox: 'me', base: '/me' });
		expect(mailboxRef('user', ' a+b@contoso.com ')).toEqual({
			mailbox: 'a+b@contoso.com',
			base: '/users/a%2Bb%40contoso.com',
		});
		expect(mailboxRef('user', "x/../y?$top=1'")).toMatchObject({
			base: '/users/x%2F..%2Fy%3F%24top%3D1%27',
		});
		expect(mailboxRef('user', '  ')).toHaveProperty('problem');
	});
});

describe('output plans', () => {
	const message = {
		'@odata.etag': 'W/"1"',
		id: 'm1',
		subject: 's',
		hasAttachments: true,
		isRead: false,
	};

	it('Selected Fields asks for id + fields (+ hasAttachments for downloads) and outputs only what was asked', () => {
		const plan = outputPlan('fields', ['subject', 'isRead'], true);
		expect(plan.select).toEqual(['id', 'subject', 'isRead', 'hasAttachments']);
		expect(shapeMessage(plan, message)).toEqual({ id: 'm1', subject: 's', isRead: false });
	});

	it('Raw selects nothing and keeps everything', () => {
		const plan = outputPlan('raw', [], true);
		expect(plan.select).toBeUndefined();
		expect(shapeMessage(plan, message)).toBe(message);
	});

	it('lists attachments only where they can be, unless inline ones are wanted', () => {
		expect(mayHaveAttachments({ hasAttachments: false }, { prefix: 'a', skipInline: true })).toBe(
			false,
		);
		expect(mayHaveAttachments({ hasAttachments: true }, { prefix: 'a', skipInline: true })).toBe(
			true,
		);
		expect(mayHaveAttachments({ hasAttachments: false }, { prefix: 'a', skipInline: false })).toBe(
			true,
		);
	});
});

describe('concurrency helpers', () => {
	it('mapLimited keeps order and the cap', async () => {
		let running = 0;
		let peak = 0;
		const out = await mapLimited([5, 1, 4, 2, 3, 0, 6], 3, async (n) => {
			running++;
			peak = Math.max(peak, running);
			await new Promise((resolve) => setTimeout(resolve, n));
			running--;
			return n * 2;
		});
		expect(out).toEqual([10, 2, 8, 4, 6, 0, 12]);
		expect(peak).toBe(3);
	});

	it('the large-download gate runs one task at a time', async () => {
		const gate = largeDownloadGate();
		let running = 0;
		let peak = 0;
		await Promise.all(
			[3, 1, 2].map((n) =>
				gate.run('large', async () => {
					running++;
					peak = Math.max(peak, running);
					await new Promise((resolve) => setTimeout(resolve, n));
					running--;
				}),
			),
		);
		expect(peak).toBe(1);
	});
});

describe('folder list search', () => {
	it('filters by path and pages the results', () => {
		const entries = Array.from({ length: 250 }, (_, i) => ({ id: `f${i}`, path: `Inbox/F${i}` }));
		const first = pageOfFolders(entries, undefined, undefined);
		expect(first.results).toHaveLength(100);
		expect(first.paginationToken).toBe('100');
		const last = pageOfFolders(entries, undefined, '200');
		expect(last.results).toHaveLength(50);
		expect(last.paginationToken).toBeUndefined();
		expect(pageOfFolders(entries, 'f12', undefined).results.map((r) => r.value)).toEqual([
			'f12',
			...Array.from({ length: 10 }, (_, i) => `f12${i}`),
		]);
	});
});

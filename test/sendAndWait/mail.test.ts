/**
 * Send and Wait's pure parts: the mail (HTML for Outlook and plain text) with user text escaped,
 * the form answer read against the node's own fields, and the wait limit.
 */
import { WAIT_INDEFINITELY } from 'n8n-workflow';

import { readFormAnswer } from '../../nodes/GraphMail/actions/message/sendAndWait/answer';
import { mailHtml, mailText } from '../../nodes/GraphMail/actions/message/sendAndWait/mail';
import { formPage } from '../../nodes/GraphMail/actions/message/sendAndWait/pages';
import {
	formFieldsOf,
	responseSettings,
	type FormField,
} from '../../nodes/GraphMail/actions/message/sendAndWait/settings';
import { waitLimitOf } from '../../nodes/GraphMail/actions/message/sendAndWait/waitLimit';

const APPROVE = 'https://n8n.example.com/webhook-waiting/7/node-1?approved=true&signature=abc';
const DECLINE = 'https://n8n.example.com/webhook-waiting/7/node-1?approved=false&signature=def';

describe('the mail', () => {
	const content = {
		message: 'Invoice <b>#42</b> from "ACME" & Co.\nPlease check.',
		buttons: [
			{ label: 'No <way>', url: DECLINE, style: 'secondary' as const },
			{ label: 'Yes & go', url: APPROVE, style: 'primary' as const },
		],
	};

	it('escapes the message and the labels, keeps line breaks, and carries no script', () => {
		const html = mailHtml(content);
		expect(html).toContain(
			'Invoice &lt;b&gt;#42&lt;/b&gt; from &quot;ACME&quot; &amp; Co.<br>Please check.',
		);
		expect(html).not.toContain('<b>#42');
		expect(html).toContain('>No &lt;way&gt;</a>');
		expect(html).toContain('>Yes &amp; go</a>');
		expect(html).not.toMatch(/<script|<style|javascript:|<img/i);
	});

	it('builds buttons Outlook desktop renders: a coloured table cell around each link, in order', () => {
		const html = mailHtml(content);
		const href = (url: string) => `href="${url.replace(/&/g, '&amp;')}"`;
		expect(html.indexOf(href(DECLINE))).toBeLessThan(html.indexOf(href(APPROVE)));
		expect(html).toMatch(
			/<td align="center" bgcolor="#0f6cbd"[^>]*><a href="[^"]*approved=true[^"]*"/,
		);
		expect(html).toMatch(
			/<td align="center" bgcolor="#ffffff"[^>]*><a href="[^"]*approved=false[^"]*"/,
		);
		// Each link is also written out for clients that show no buttons.
		expect(html).toContain('If the buttons do not work, open one of these links:');
		expect(html.split(href(APPROVE))).toHaveLength(3);
	});

	it('has a plain-text form with the message and one line per link', () => {
		expect(mailText(content)).toBe(
			`Invoice <b>#42</b> from "ACME" & Co.\nPlease check.\n\nNo <way>: ${DECLINE}\nYes & go: ${APPROVE}\n`,
		);
	});

	it('reads n8n-style approval settings: approve only by default, disapprove first when both', () => {
		const read = (values: Record<string, unknown>) => (name: string, fallback: unknown) =>
			name in values ? values[name] : fallback;
		expect(responseSettings(read({})).buttons).toEqual([
			{ label: 'Approve', style: 'primary', approved: true },
		]);
		expect(
			responseSettings(
				read({
					approvalOptions: {
						values: { approvalType: 'double', approveLabel: 'OK', disapproveLabel: 'Nope' },
					},
				}),
			).buttons,
		).toEqual([
			{ label: 'Nope', style: 'secondary', approved: false },
			{ label: 'OK', style: 'primary', approved: true },
		]);
	});
});

describe('a form answer', () => {
	const fields: FormField[] = formFieldsOf({
		field: [
			{ fieldLabel: 'Name', fieldType: 'text', requiredField: true },
			{ fieldLabel: 'Amount', fieldType: 'number' },
			{ fieldLabel: 'Email', fieldType: 'email' },
			{ fieldLabel: 'When', fieldType: 'date' },
			{ fieldLabel: 'Decision', fieldType: 'dropdown', fieldOptions: 'Yes, No' },
			{ fieldLabel: 'Teams', fieldType: 'checkboxes', fieldOptions: 'Red, Blue, Green' },
			{ fieldLabel: '', fieldType: 'text' },
		],
	});

	it('is keyed by the labels, typed, and ignores fields the node does not define', () => {
		expect(fields).toHaveLength(6);
		expect(
			readFormAnswer(fields, {
				f0: ' Ada ',
				f1: '12.5',
				f2: 'ada@example.com',
				f3: '2026-12-31',
				f4: 'No',
				f5: ['Red', 'Green'],
				approved: 'true',
				f9: 'extra',
			}),
		).toEqual({
			ok: true,
			values: {
				Name: 'Ada',
				Amount: 12.5,
				Email: 'ada@example.com',
				When: '2026-12-31',
				Decision: 'No',
				Teams: ['Red', 'Green'],
			},
		});
	});

	it('is refused with one problem per field: required, number, email, date, choices', () => {
		const answer = readFormAnswer(fields, {
			f0: '  ',
			f1: '12abc',
			f2: 'not-an-address',
			f3: '2026-02-30',
			f4: 'Maybe',
			f5: ['Purple'],
		});
		expect(answer).toEqual({
			ok: false,
			problems: {
				f0: 'This field is required',
				f1: 'Enter a number',
				f2: 'Enter an email address',
				f3: 'Enter a date (YYYY-MM-DD)',
				f4: 'Pick one of the choices shown',
				f5: 'Pick from the choices shown',
			},
			given: {
				f0: '  ',
				f1: '12abc',
				f2: 'not-an-address',
				f3: '2026-02-30',
				f4: 'Maybe',
				f5: ['Purple'],
			},
		});
		// The refused form is shown again with what was typed, escaped, and the problems.
		const page = formPage(
			'T',
			'D',
			fields,
			'Send',
			{ f0: '"><script>x</script>' },
			{ f0: 'This field is required' },
		);
		expect(page).toContain('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
		expect(page).toContain('<p class="error" id="f0-error">This field is required</p>');
		expect(page).not.toMatch(/<script/);
	});

	it('leaves optional fields empty as null', () => {
		expect(readFormAnswer(fields, { f0: 'Ada' })).toEqual({
			ok: true,
			values: { Name: 'Ada', Amount: null, Email: null, When: null, Decision: null, Teams: [] },
		});
	});
});

describe('the wait limit', () => {
	const now = new Date('2026-12-01T10:00:00Z');
	it('is none by default, an interval, or a date in the future', () => {
		expect(waitLimitOf({}, now)).toEqual({ until: WAIT_INDEFINITELY, limited: false });
		expect(
			waitLimitOf(
				{ values: { limitType: 'afterTimeInterval', resumeAmount: 1.5, resumeUnit: 'hours' } },
				now,
			),
		).toEqual({ until: new Date('2026-12-01T11:30:00Z'), limited: true });
		expect(
			waitLimitOf(
				{ values: { limitType: 'atSpecifiedTime', maxDateAndTime: '2026-12-02T08:00:00Z' } },
				now,
			),
		).toEqual({ until: new Date('2026-12-02T08:00:00Z'), limited: true });
	});
	it('refuses a date that passed, a date that is none, and an amount of 0', () => {
		expect(
			waitLimitOf(
				{ values: { limitType: 'atSpecifiedTime', maxDateAndTime: '2026-11-30T08:00:00Z' } },
				now,
			),
		).toEqual({ problem: '2026-11-30T08:00:00.000Z has passed already' });
		expect(
			waitLimitOf({ values: { limitType: 'atSpecifiedTime', maxDateAndTime: 'soon' } }, now),
		).toEqual({
			problem: '"soon" is not a date and time',
		});
		expect(
			waitLimitOf({ values: { limitType: 'afterTimeInterval', resumeAmount: 0 } }, now),
		).toEqual({
			problem: 'the amount must be a number above 0',
		});
	});
});

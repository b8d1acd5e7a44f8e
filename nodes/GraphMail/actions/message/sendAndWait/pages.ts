/**
 * Send and Wait: the pages the recipient's browser sees (pure). No script and no outside
 * resources, so they pass the strict Content-Security-Policy the webhook sends with them. Forms
 * post back to the page's own address, which carries n8n's signature.
 */
import { escapeHtml, escapeHtmlLines } from '../../../helpers/html';
import type { ApprovalButton, FormField } from './settings';

/** Sent with every page: nothing may load or run but the page's own inline styles. */
export const PAGE_CSP =
	"default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'";

/** The HTML form control name of field `index` (labels stay out of names). */
export const fieldName = (index: number) => `f${index}`;

function page(title: string, body: string): string {
	return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{margin:0;background:#f5f5f5;font-family:'Segoe UI',Arial,sans-serif;color:#242424}
main{max-width:32rem;margin:3rem auto;background:#fff;border:1px solid #e0e0e0;border-radius:8px;padding:1.5rem 1.75rem}
h1{font-size:1.25rem;font-weight:600;margin:0 0 .75rem}
p{line-height:1.45;margin:0 0 1rem}
.muted{color:#616161;font-size:.9rem}
label{display:block;font-weight:600;margin:1rem 0 .35rem}
input[type=text],input[type=email],input[type=number],input[type=date],select,textarea{box-sizing:border-box;width:100%;padding:.5rem;border:1px solid #8a8886;border-radius:4px;font:inherit}
textarea{min-height:7rem}
.choice{font-weight:400;margin:.25rem 0}
.error{color:#a4262c;font-size:.9rem;margin:.35rem 0 0}
button{margin-top:1.25rem;padding:.6rem 1.5rem;border-radius:4px;border:1px solid #0f6cbd;background:#0f6cbd;color:#fff;font:inherit;font-weight:600;cursor:pointer}
button.secondary{background:#fff;color:#242424;border-color:#8a8886}
</style></head>
<body><main>
${body}
</main></body></html>`;
}

/** Approval: the link only opens this page; the answer counts when the button is pressed (link scanners only open links). */
export function confirmPage(subject: string, message: string, button: ApprovalButton): string {
	return page(
		subject || 'Your answer',
		`<h1>${escapeHtml(subject || 'Your answer')}</h1>
<p>${escapeHtmlLines(message)}</p>
<form method="post">
<p class="muted">Press the button to send your answer.</p>
<button type="submit" id="confirm" class="${button.style}">${escapeHtml(button.label)}</button>
</form>`,
	);
}

function control(field: FormField, index: number, value: string | string[] | undefined): string {
	const name = fieldName(index);
	const required = field.required ? ' required' : '';
	const placeholder = field.placeholder ? ` placeholder="${escapeHtml(field.placeholder)}"` : '';
	const single = Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
	switch (field.type) {
		case 'textarea':
			return `<textarea id="${name}" name="${name}"${placeholder}${required}>${escapeHtml(single)}</textarea>`;
		case 'dropdown':
			return `<select id="${name}" name="${name}"${required}><option value=""></option>${field.choices
				.map(
					(choice) =>
						`<option value="${escapeHtml(choice)}"${choice === single ? ' selected' : ''}>${escapeHtml(choice)}</option>`,
				)
				.join('')}</select>`;
		case 'checkboxes': {
			const chosen = Array.isArray(value) ? value : value ? [value] : [];
			return field.choices
				.map(
					(choice, choiceIndex) =>
						`<label class="choice"><input type="checkbox" id="${name}-${choiceIndex}" name="${name}" value="${escapeHtml(choice)}"${chosen.includes(choice) ? ' checked' : ''}> ${escapeHtml(choice)}</label>`,
				)
				.join('');
		}
		default:
			return `<input type="${field.type}" id="${name}" name="${name}" value="${escapeHtml(single)}"${field.type === 'number' ? ' step="any"' : ''}${placeholder}${required}>`;
	}
}

/** Free Text and Custom Form: the form, with the answer given so far and its problems when it was refused. */
export function formPage(
	title: string,
	description: string,
	fields: FormField[],
	submitLabel: string,
	given: Record<string, string | string[]> = {},
	problems: Record<string, string> = {},
): string {
	const controls = fields
		.map((field, index) => {
			const name = fieldName(index);
			const problem = problems[name];
			const labelFor = field.type === 'checkboxes' ? '' : ` for="${name}"`;
			return `<label${labelFor}>${escapeHtml(field.label)}${field.required ? ' *' : ''}</label>
${control(field, index, given[name])}${problem ? `\n<p class="error" id="${name}-error">${escapeHtml(problem)}</p>` : ''}`;
		})
		.join('\n');
	return page(
		title || 'Your answer',
		`${title ? `<h1>${escapeHtml(title)}</h1>` : ''}
${description ? `<p>${escapeHtmlLines(description)}</p>` : ''}
<form method="post">
${controls}
<button type="submit" id="submit">${escapeHtml(submitLabel)}</button>
</form>`,
	);
}

export function recordedPage(): string {
	return page(
		'Answer recorded',
		`<h1>Thank you, your answer was recorded</h1>
<p class="muted">This page can be closed now. The link in the mail cannot be used again.</p>`,
	);
}

export function invalidLinkPage(): string {
	return page(
		'Link not valid',
		`<h1>This link is not valid</h1>
<p class="muted">Open the link from the mail as it was sent.</p>`,
	);
}

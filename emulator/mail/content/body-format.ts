/** Body conversions Exchange applies: HTML envelope on save, html<->text for `Prefer: outlook.body-content-type`. */
import type { ItemBody } from '../types';

const HTML_HEAD =
	'<html>\r\n<head>\r\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\r\n<meta content="text/html; charset=us-ascii">\r\n</head>\r\n<body>\r\n';
const HTML_TAIL = '\r\n</body>\r\n</html>\r\n';

/** Exchange stores an HTML fragment inside a full document (see the draft vector's body). */
export function wrapHtmlDocument(fragment: string): string {
	return /<html[\s>]/i.test(fragment) ? fragment : `${HTML_HEAD}${fragment}${HTML_TAIL}`;
}

export function escapeHtml(text: string): string {
	return text
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;');
}

export function textToHtml(text: string): string {
	const escaped = escapeHtml(text).replace(/\r?\n/g, '<br>\r\n');
	return `${HTML_HEAD}<div class="PlainText">${escaped}</div>${HTML_TAIL}`;
}

const NAMED_ENTITIES: Record<string, string> = {
	amp: '&',
	lt: '<',
	gt: '>',
	quot: '"',
	apos: "'",
	nbsp: ' ',
	copy: '©',
	reg: '®',
	hellip: '…',
	mdash: '—',
	ndash: '–',
};

export function decodeEntities(text: string): string {
	return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
		if (entity[0] === '#') {
			const code =
				entity[1] === 'x' || entity[1] === 'X'
					? parseInt(entity.slice(2), 16)
					: parseInt(entity.slice(1), 10);
			return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
		}
		return NAMED_ENTITIES[entity.toLowerCase()] ?? whole;
	});
}

/** Strips markup the way a reader sees it: source whitespace collapses, block tags break lines. */
export function htmlToText(html: string): string {
	const text = html
		.replace(/<!--[\s\S]*?-->/g, '')
		.replace(/<(head|style|script|title)[\s>][\s\S]*?<\/\1\s*>/gi, '')
		.replace(/\s+/g, ' ')
		.replace(/<br\s*\/?>/gi, '\n')
		.replace(/<\/(p|div|tr|li|h[1-6]|table|blockquote)\s*>/gi, '\n')
		.replace(/<[^>]*>/g, '');
	return decodeEntities(text)
		.split('\n')
		.map((line) => line.trim())
		.join('\r\n')
		.replace(/^(\r\n)+|(\r\n)+$/g, '')
		.trim();
}

export function bodyAsText(body: ItemBody): string {
	return body.contentType === 'text' ? body.content : htmlToText(body.content);
}

/** Graph's bodyPreview: the first 255 characters of the body as text. */
export function previewOf(body: ItemBody): string {
	return bodyAsText(body).trim().slice(0, 255);
}

/** The body in the requested format (Graph answers HTML unless `Prefer: outlook.body-content-type="text"`). */
export function bodyInFormat(body: ItemBody, format: 'text' | 'html'): ItemBody {
	if (body.contentType === format) return body;
	return format === 'text'
		? { contentType: 'text', content: htmlToText(body.content) }
		: { contentType: 'html', content: textToHtml(body.content) };
}

/** Escapes text for HTML element content and double-quoted attribute values (pure). */
export function escapeHtml(text: string): string {
	return text
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&#39;');
}

/** Escaped text whose line breaks are kept as <br> (a typed "\n" counts as one too, as in n8n). */
export function escapeHtmlLines(text: string): string {
	return escapeHtml(text.replace(/\\n/g, '\n').replace(/\r\n?/g, '\n')).replace(/\n/g, '<br>');
}

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: unknown): string {
	return String(text ?? '')
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&#39;');
}

export function htmlDocument(title: string, body: string): string {
	return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1b1b1b; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; }
table { border-collapse: collapse; width: 100%; } td, th { border-bottom: 1px solid #ddd; padding: .35rem .5rem; text-align: left; vertical-align: top; }
.muted { color: #666; } .error { color: #a4262c; } label { display: block; margin: .3rem 0; }
button { margin-right: .5rem; padding: .4rem 1.2rem; } iframe { width: 100%; min-height: 34rem; border: 1px solid #ddd; }
pre { white-space: pre-wrap; background: #f6f6f6; padding: .75rem; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/**
 * Send and Wait: the mail's HTML and plain text (pure). The HTML is built for Outlook's three
 * renderers (desktop's Word engine, web, mobile): table layout, inline styles, "bulletproof"
 * buttons (a coloured table cell around the link), no script, no style sheet, no images. Every
 * button's link is also written out below the buttons, so that a client that shows no buttons
 * (plain-text view, a strict viewer) still offers the answer. User text is always escaped.
 */
import { escapeHtml, escapeHtmlLines } from '../../../helpers/html';
import type { ButtonStyle } from './settings';

export interface MailButton {
	label: string;
	url: string;
	style: ButtonStyle;
}

export interface MailContent {
	message: string;
	buttons: MailButton[];
}

const FONT = "'Segoe UI', Arial, Helvetica, sans-serif";
const COLOURS: Record<ButtonStyle, { fill: string; border: string; text: string }> = {
	primary: { fill: '#0f6cbd', border: '#0f6cbd', text: '#ffffff' },
	secondary: { fill: '#ffffff', border: '#8a8886', text: '#242424' },
};

function buttonCell(button: MailButton): string {
	const colour = COLOURS[button.style];
	return `<td style="padding:0 12px 0 0;"><table role="presentation" cellspacing="0" cellpadding="0" border="0"><tr><td align="center" bgcolor="${colour.fill}" style="background-color:${colour.fill};border:1px solid ${colour.border};border-radius:4px;padding:10px 22px;"><a href="${escapeHtml(button.url)}" style="color:${colour.text};font-family:${FONT};font-size:15px;font-weight:600;line-height:20px;text-decoration:none;display:inline-block;">${escapeHtml(button.label)}</a></td></tr></table></td>`;
}

function linkLine(button: MailButton): string {
	return `<p style="margin:0 0 6px 0;font-family:${FONT};font-size:12px;line-height:18px;color:#616161;word-break:break-all;">${escapeHtml(button.label)}: <a href="${escapeHtml(button.url)}" style="color:#0f6cbd;text-decoration:underline;">${escapeHtml(button.url)}</a></p>`;
}

/** The HTML body: the message, the buttons, then the same links written out. */
export function mailHtml(content: MailContent): string {
	const buttons = content.buttons.map(buttonCell).join('');
	const links = content.buttons.map(linkLine).join('');
	return `<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="margin:0;padding:0;background-color:#ffffff;">
<table role="presentation" width="100%" cellspacing="0" cellpadding="0" border="0" style="background-color:#ffffff;"><tr><td align="left" style="padding:16px;">
<table role="presentation" cellspacing="0" cellpadding="0" border="0" style="max-width:600px;width:100%;">
<tr><td style="padding:0 0 20px 0;font-family:${FONT};font-size:15px;line-height:22px;color:#242424;">${escapeHtmlLines(content.message)}</td></tr>
<tr><td style="padding:0 0 20px 0;"><table role="presentation" cellspacing="0" cellpadding="0" border="0"><tr>${buttons}</tr></table></td></tr>
<tr><td style="padding:12px 0 0 0;border-top:1px solid #e0e0e0;"><p style="margin:0 0 6px 0;font-family:${FONT};font-size:12px;line-height:18px;color:#616161;">If the ${content.buttons.length > 1 ? 'buttons do' : 'button does'} not work, open ${content.buttons.length > 1 ? 'one of these links' : 'this link'}:</p>${links}</td></tr>
</table>
</td></tr></table>
</body></html>`;
}

/** The plain-text body, for recipients who read mail as text: the message and one line per link. */
export function mailText(content: MailContent): string {
	const message = content.message.replace(/\\n/g, '\n').replace(/\r\n?/g, '\n').trim();
	const links = content.buttons.map((button) => `${button.label}: ${button.url}`).join('\n');
	return `${message}\n\n${links}\n`;
}

/** Renders a stored message as RFC 5322 MIME for `GET .../messages/{id}/$value` (CRLF, UTF-8). */
import { createHash } from 'node:crypto';
import { toRfc5322Date } from '../time';
import type { Address, StoredAttachment, StoredMessage } from '../types';

function encodeWord(text: string): string {
	// only non-ASCII header text needs RFC 2047 encoding
	return /^[\x20-\x7e]*$/.test(text)
		? text
		: `=?utf-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

function formatAddress(address: Address): string {
	if (!address.name || address.name === address.address) return address.address;
	const name = /^[\w .-]*$/.test(address.name) ? address.name : encodeWord(address.name);
	return `${/[.,]/.test(name) ? `"${name}"` : name} <${address.address}>`;
}

export function encodeQuotedPrintable(text: string): string {
	const bytes = Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf8');
	const lines: string[] = [];
	let line = '';
	const push = (chunk: string) => {
		if (line.length + chunk.length > 75) {
			lines.push(`${line}=`);
			line = '';
		}
		line += chunk;
	};
	for (let i = 0; i < bytes.length; i++) {
		const b = bytes.readUInt8(i);
		if (b === 0x0d && bytes[i + 1] === 0x0a) {
			lines.push(
				line.replace(
					/[ \t]$/,
					(c) => `=${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
				),
			);
			line = '';
			i++;
			continue;
		}
		const printable = (b >= 33 && b <= 126 && b !== 61) || b === 32 || b === 9;
		push(printable ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`);
	}
	lines.push(line);
	return lines.join('\r\n');
}

function wrapBase64(bytes: Buffer): string {
	return (bytes.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

function attachmentPart(attachment: StoredAttachment): string {
	const type = attachment.contentType ?? 'application/octet-stream';
	const lines = [
		`Content-Type: ${type}; name="${encodeWord(attachment.name)}"`,
		`Content-Description: ${encodeWord(attachment.name)}`,
		`Content-Disposition: ${attachment.isInline ? 'inline' : 'attachment'}; filename="${encodeWord(attachment.name)}"; size=${attachment.size}`,
	];
	if (attachment.contentId) lines.push(`Content-ID: <${attachment.contentId}>`);
	lines.push('Content-Transfer-Encoding: base64', '', wrapBase64(attachment.bytes));
	return lines.join('\r\n');
}

export function buildMime(message: StoredMessage): Buffer {
	const headers: string[] = [];
	if (message.from) headers.push(`From: ${formatAddress(message.from)}`);
	if (
		message.sender &&
		message.from &&
		message.sender.address.toLowerCase() !== message.from.address.toLowerCase()
	) {
		headers.push(`Sender: ${formatAddress(message.sender)}`);
	}
	if (message.to.length) headers.push(`To: ${message.to.map(formatAddress).join(', ')}`);
	if (message.cc.length) headers.push(`CC: ${message.cc.map(formatAddress).join(', ')}`);
	if (message.bcc.length) headers.push(`BCC: ${message.bcc.map(formatAddress).join(', ')}`);
	if (message.replyTo.length)
		headers.push(`Reply-To: ${message.replyTo.map(formatAddress).join(', ')}`);
	headers.push(`Subject: ${encodeWord(message.subject)}`);
	headers.push(`Date: ${toRfc5322Date(message.sentAt)}`);
	headers.push(`Message-ID: ${message.internetMessageId}`);
	if (message.importance !== 'normal') headers.push(`Importance: ${message.importance}`);
	for (const h of message.headers) headers.push(`${h.name}: ${encodeWord(h.value)}`);
	headers.push('MIME-Version: 1.0');

	const bodyType = message.body.contentType === 'html' ? 'text/html' : 'text/plain';
	const bodyPart = [
		`Content-Type: ${bodyType}; charset="utf-8"`,
		'Content-Transfer-Encoding: quoted-printable',
		'',
		encodeQuotedPrintable(message.body.content),
	].join('\r\n');

	if (message.attachments.length === 0) {
		return Buffer.from(`${headers.join('\r\n')}\r\n${bodyPart}\r\n`, 'utf8');
	}
	const boundary = `_emu_${createHash('sha1').update(message.id).digest('hex').slice(0, 24)}_`;
	headers.push(`Content-Type: multipart/mixed;\r\n\tboundary="${boundary}"`);
	const parts = [bodyPart, ...message.attachments.map(attachmentPart)];
	const body = parts.map((p) => `--${boundary}\r\n${p}\r\n`).join('') + `--${boundary}--\r\n`;
	return Buffer.from(`${headers.join('\r\n')}\r\n\r\n${body}`, 'utf8');
}

/**
 * The message id in an Outlook on the web link: Graph's webLink
 * (`https://outlook.office365.com/owa/?ItemID=<id>&exvsurl=1&viewmodel=ReadMessageItem`) or the
 * address bar of Outlook on the web (`https://outlook.office.com/mail/inbox/id/<id>`), URL-decoded.
 * Pure: no I/O.
 */
export const MESSAGE_LINK_REGEX = '(?:[?&]ItemID=|/id/)([^&/?#]+)';

export function messageIdFromLink(link: string): string | undefined {
	const id = new RegExp(MESSAGE_LINK_REGEX, 'i').exec(link.trim())?.[1];
	if (id === undefined) return undefined;
	try {
		return decodeURIComponent(id);
	} catch {
		return id;
	}
}

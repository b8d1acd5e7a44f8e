/** How messages name items and join sentences, the same way everywhere. Pure: no I/O. */

/**
 * Items are numbered as n8n numbers them: from 0, as the `itemIndex` of its errors and the
 * "[item 0]" its own nodes append to their messages. Every message of this package names the item
 * this one way.
 */
export function itemMessage(message: string, itemIndex: number): string {
	// One failure can stand for several items (a sign-in refused for good): name this one, once.
	return `${message.replace(/ \[item \d+\]$/, '')} [item ${itemIndex}]`;
}

/** "item 4" / "items 2, 5 and 7" (from 0, as in [item N]), shortened after ten. */
export function itemList(indexes: number[]): string {
	if (indexes.length === 1) return `item ${indexes[0]}`;
	if (indexes.length > 10) return `items ${indexes.slice(0, 10).join(', ')} and ${indexes.length - 10} more`;
	return `items ${indexes.slice(0, -1).join(', ')} and ${indexes[indexes.length - 1]}`;
}

/** Capitalised for the start of a sentence. */
export function capitalised(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * A description with one more sentence. n8n's editor shows descriptions as one paragraph (line
 * breaks are dropped and text in angle brackets is taken for a tag), so sentences are joined with
 * a full stop and a space.
 */
export function addSentence(description: string | null | undefined, sentence: string): string {
	const asSentence = (text: string) => (/[.!?:]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);
	return description && description.trim() ? `${asSentence(description)} ${asSentence(sentence)}` : asSentence(sentence);
}

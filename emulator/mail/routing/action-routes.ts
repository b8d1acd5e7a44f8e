/** Operations of the message actions, folder changes and master categories (issues 15 and 16): route names and access. */
import type { RouteName } from '../../contract';
import type { AccessKind } from './access';

export type MessageActionOperation =
	| 'reply'
	| 'replyAll'
	| 'forward'
	| 'createReply'
	| 'createReplyAll'
	| 'createForward'
	| 'copyMessage'
	| 'permanentDeleteMessage';

export type FolderActionOperation = 'updateFolder' | 'moveFolder' | 'deleteFolder';

export type CategoryOperation =
	| 'listMasterCategories'
	| 'createMasterCategory'
	| 'getMasterCategory'
	| 'updateMasterCategory'
	| 'deleteMasterCategory';

type Table<T extends string> = Record<T, { route: RouteName; access: AccessKind }>;

/** reply, replyAll and forward send at once (Mail.Send); the create* drafts need Mail.ReadWrite (message-createreply.md). */
export const MESSAGE_ACTION_OPERATIONS: Table<MessageActionOperation> = {
	reply: { route: 'replyMessage', access: 'send' },
	replyAll: { route: 'replyMessage', access: 'send' },
	forward: { route: 'forwardMessage', access: 'send' },
	createReply: { route: 'createReplyDraft', access: 'write' },
	createReplyAll: { route: 'createReplyDraft', access: 'write' },
	createForward: { route: 'createReplyDraft', access: 'write' },
	copyMessage: { route: 'copyMessage', access: 'write' },
	permanentDeleteMessage: { route: 'permanentDeleteMessage', access: 'write' },
};

export const FOLDER_ACTION_OPERATIONS: Table<FolderActionOperation> = {
	updateFolder: { route: 'updateFolder', access: 'write' },
	moveFolder: { route: 'moveFolder', access: 'write' },
	deleteFolder: { route: 'deleteFolder', access: 'write' },
};

/** outlookuser-post-mastercategories.md: MailboxSettings.ReadWrite; reading: MailboxSettings.Read. */
export const CATEGORY_OPERATIONS: Table<CategoryOperation> = {
	listMasterCategories: { route: 'masterCategories', access: 'settingsRead' },
	getMasterCategory: { route: 'masterCategories', access: 'settingsRead' },
	createMasterCategory: { route: 'masterCategories', access: 'settingsWrite' },
	updateMasterCategory: { route: 'masterCategories', access: 'settingsWrite' },
	deleteMasterCategory: { route: 'masterCategories', access: 'settingsWrite' },
};

const ACTION_SEGMENTS: Record<string, MessageActionOperation> = {
	reply: 'reply',
	replyall: 'replyAll',
	forward: 'forward',
	createreply: 'createReply',
	createreplyall: 'createReplyAll',
	createforward: 'createForward',
	copy: 'copyMessage',
	permanentdelete: 'permanentDeleteMessage',
};

/** Lower-case action segment after messages/{id} -> operation. */
export function messageActionOf(segment: string): MessageActionOperation | undefined {
	return Object.prototype.hasOwnProperty.call(ACTION_SEGMENTS, segment)
		? ACTION_SEGMENTS[segment]
		: undefined;
}

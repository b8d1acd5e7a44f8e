import type { IDataObject } from 'n8n-workflow';

/** What every Folder operation returns about a folder, in this order. */
export const FOLDER_OUTPUT_FIELDS = [
	'id',
	'displayName',
	'parentFolderId',
	'childFolderCount',
	'unreadItemCount',
	'totalItemCount',
	'isHidden',
] as const;

/** `$select` of the folder reads. */
export const FOLDER_SELECT = FOLDER_OUTPUT_FIELDS.join(',');

/** Graph's folder without OData annotations, with its path when known (`Inbox/Projects/2026`). */
export function folderOutput(folder: IDataObject, extra: IDataObject = {}): IDataObject {
	// The path right after the name: it is what a reader looks for first in the table view.
	const { path, ...rest } = extra;
	const json: IDataObject = {};
	for (const field of FOLDER_OUTPUT_FIELDS) {
		if (folder[field] !== undefined) json[field] = folder[field];
		if (field === 'displayName' && path !== undefined) json.path = path;
	}
	return { ...json, ...rest };
}

/** What a Graph handler gets: the service state, the request, the caller and the resolved mailbox. */
import type { Caller, RawRequest, UrlContext } from '../../contract';
import type { DirectoryUser, Mailbox, MailState, ServiceConfig } from '../types';

export interface RequestContext {
	state: MailState;
	config: ServiceConfig;
	req: RawRequest;
	caller: Caller;
	urls: UrlContext;
	/** Owner of the mailbox in the path (`/me` = the caller). */
	owner: DirectoryUser;
	mailbox: Mailbox;
	now: number;
}

/**
 * Send's error wording, in one place: Graph's typed refusals (a GraphRequestError's details:
 * status, Graph's code and message, whether the outcome is uncertain) turned into messages that
 * name the item, the field and the fix. Nothing here sends a request or parses a message.
 */
import { NodeApiError, NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { addSentence, itemMessage } from '../../../helpers/itemText';
import { asNodeError, withSentence } from '../../../helpers/nodeError';
import { appOnlyRefusal } from '../../../transport/appOnlyAuth';
import type { BatchSubResult } from '../../../transport/batch';
import { describeAttempts } from '../../../transport/graphClient';
import { graphApiError, graphDetailsOf, graphErrorDetails, type GraphErrorDetails } from '../../../transport/graphError';
import type { PreparedSend } from './prepare';

export const MAYBE_SENT =
	'No definite answer came back to the send request: the message may have been sent. Check Sent Items before running the node again.';

export type Stage = 'sendMail' | 'createDraft' | 'addAttachment' | 'uploadSession' | 'sendDraft';

/** Whether `error` is a Graph request whose outcome is unknown (it may have been carried out). */
export function isUncertain(error: unknown): boolean {
	return graphDetailsOf(error)?.uncertain === true;
}

/** Graph's refusal as an error that says which item, which field, and how to fix it. */
export function explainSendError(
	ctx: IExecuteFunctions,
	error: unknown,
	prepared: PreparedSend,
	stage: Stage,
): NodeApiError | NodeOperationError {
	const { itemIndex, plan } = prepared;
	const tag = (text: string) => itemMessage(text, itemIndex);
	const details = graphDetailsOf(error);
	const code = details?.code;
	const status = details?.status;
	const otherMailbox = plan.mailbox !== 'me';
	const from = plan.message.from?.emailAddress.address;
	const reworded = (graph: GraphErrorDetails, message: string, description: string | undefined) =>
		graphApiError(ctx.getNode(), graph, { itemIndex, message, description });

	if (details && code === 'ErrorSendAsDenied') {
		return reworded(
			details,
			tag(`From: the connected account has no Send As or Send on Behalf permission on ${from ? `'${from}'` : `mailbox '${plan.mailbox}'`}`),
			"Graph answered 403 ErrorSendAsDenied. An Exchange admin must give the connected account Send As or Send on Behalf permission on that mailbox, and the credential needs the Mail.Send.Shared scope: add it under Additional Scopes in the credential and reconnect.",
		);
	}
	const appOnly = details && appOnlyRefusal(ctx.getNode(), details);
	if (details && appOnly) return reworded(details, tag(`Mailbox '${plan.mailbox}': ${appOnly.message}`), appOnly.description);
	if (details && stage === 'uploadSession' && otherMailbox && (status === 403 || code === 'ErrorAccessDenied')) {
		return reworded(
			details,
			tag(`Attachments: Graph refused to upload a large attachment into mailbox '${plan.mailbox}'`),
			'With delegated permissions Graph only accepts upload sessions (files of 3 MB or more) in the signed-in user\'s own mailbox. Send the mail from the connected account (empty Mailbox, set From instead) or keep each file under 3 MB.',
		);
	}
	if (details && otherMailbox && (status === 403 || code === 'ErrorAccessDenied')) {
		return reworded(
			details,
			tag(`Mailbox: the connected account may not send through mailbox '${plan.mailbox}'`),
			'Graph answered 403. Sending through another mailbox needs Full Access to it for the connected account, and the Mail.Send.Shared and Mail.ReadWrite.Shared scopes: add them under Additional Scopes in the credential and reconnect.',
		);
	}
	if (details && otherMailbox && (code === 'ErrorInvalidUser' || code === 'MailboxNotEnabledForRESTAPI' || status === 404) && stage !== 'addAttachment') {
		return reworded(
			details,
			tag(`Mailbox: Graph found no usable mailbox '${plan.mailbox}'`),
			`Graph answered ${code ?? status}: ${details.message} Check the user principal name or ID; the mailbox must be an Exchange Online mailbox.`,
		);
	}
	if (details && code === 'ErrorMessageSizeExceeded') {
		return reworded(
			details,
			tag(`Attachments: the message is larger than the mailbox accepts`),
			'Exchange Online limits the message size per mailbox (35 MB by default, up to 150 MB when an admin raises it). Send smaller or fewer files.',
		);
	}
	if (details && code === 'ErrorInvalidRecipients') {
		return reworded(details, tag(`To: Graph refused a recipient: ${details.message}`), undefined);
	}
	return asNodeError(ctx.getNode(), error, itemIndex);
}

/** Graph's definite refusal of one send (a `$batch` sub-request's answer), explained for the item. */
export function refusal(
	ctx: IExecuteFunctions,
	prepared: PreparedSend,
	result: Extract<BatchSubResult, { kind: 'response' }>,
): NodeApiError | NodeOperationError {
	const details = graphErrorDetails({ status: result.status, headers: result.headers, body: result.body });
	const error = graphApiError(ctx.getNode(), details, {
		itemIndex: prepared.itemIndex,
		description: result.gaveUp
			? `Graph still answered ${result.status} ${describeAttempts(result.attempts, result.waitedMs)}; nothing was sent. Raise Max Attempts or Max Retry Wait (Seconds) in the node's Delivery Settings, or lower Max Parallel Requests.`
			: undefined,
	});
	return explainSendError(ctx, error, prepared, 'sendMail');
}

/** A send without a definite answer: the mail may have gone out. */
export function maybeSent(ctx: IExecuteFunctions, prepared: PreparedSend, reason: string, extra?: string): NodeOperationError {
	const message = itemMessage(`No definite answer to the send (${reason})`, prepared.itemIndex);
	const error = new NodeOperationError(ctx.getNode(), message, {
		itemIndex: prepared.itemIndex,
		description: extra ? addSentence(MAYBE_SENT, extra) : MAYBE_SENT,
	});
	// Set after construction: n8n would swap a message naming a network code for a generic one.
	error.message = message;
	return error;
}

/** Thrown when the mailbox could not be searched: Exactly Once cannot tell what was sent. */
export function lookupError(ctx: IExecuteFunctions, mailbox: string, cause: unknown): NodeApiError | NodeOperationError {
	const details = graphDetailsOf(cause);
	const status = details?.status;
	const where = mailbox === 'me' ? "the connected account's mailbox" : `mailbox '${mailbox}'`;
	const description =
		status === 403 || status === 401
			? `Don't Resend on Retry looks for this execution's earlier sends in the mailbox before sending, which needs read access: the Mail.ReadWrite scope${mailbox === 'me' ? '' : ', and Mail.ReadWrite.Shared for another mailbox'}. Add the scope in the credential and reconnect, or switch Don't Resend on Retry off in the node's Delivery Settings.`
			: "Don't Resend on Retry looks for this execution's earlier sends in the mailbox before sending and after a lost answer; without that look it cannot tell what was already sent. Run the node again, or switch Don't Resend on Retry off in the node's Delivery Settings.";
	const original = cause instanceof Error ? cause.message : String(cause);
	const graphWords = details ? `${details.code}: ${details.message}` : original;
	const message = `Could not look for earlier sends in ${where}: ${graphWords}`;
	if (details) return graphApiError(ctx.getNode(), details, { message, description });
	if (cause instanceof NodeApiError) {
		return new NodeApiError(ctx.getNode(), { message: original }, { message, description, httpCode: cause.httpCode ?? undefined });
	}
	return new NodeOperationError(ctx.getNode(), message, { description });
}

/**
 * The item's error when its mailbox could not be searched before sending: another mailbox that is
 * missing or not accessible is explained as for the send itself (the send would fail the same
 * way); anything else as Exactly Once's problem.
 */
export function lookupFailure(ctx: IExecuteFunctions, prepared: PreparedSend, cause: unknown): NodeApiError | NodeOperationError {
	const details = graphDetailsOf(cause);
	const mailboxProblem =
		prepared.plan.mailbox !== 'me' &&
		details !== undefined &&
		(details.status === 403 || details.status === 404 || ['ErrorAccessDenied', 'ErrorInvalidUser', 'MailboxNotEnabledForRESTAPI'].includes(details.code));
	if (mailboxProblem) {
		return withSentence(
			explainSendError(ctx, cause, prepared, 'sendMail'),
			"Don't Resend on Retry looks for this execution's earlier sends in the mailbox before sending; that look failed, so nothing was sent.",
		);
	}
	return lookupError(ctx, prepared.plan.mailbox, cause);
}

/**
 * Send and Wait: the response settings read from the node's parameters, shared by the operation
 * (which builds the mail) and the webhook (which shows the page and reads the answer). Pure: the
 * caller passes a parameter reader, so both n8n contexts use the same rules.
 */
export type ResponseType = 'approval' | 'freeText' | 'customForm';
export type ButtonStyle = 'primary' | 'secondary';
export type FormFieldType =
	| 'text'
	| 'textarea'
	| 'number'
	| 'email'
	| 'date'
	| 'dropdown'
	| 'checkboxes';

export interface ApprovalButton {
	label: string;
	style: ButtonStyle;
	approved: boolean;
}

export interface FormField {
	label: string;
	type: FormFieldType;
	required: boolean;
	/** Choices of a dropdown or checkboxes field. */
	choices: string[];
	placeholder: string;
}

export interface ResponseSettings {
	type: ResponseType;
	/** Approval: the buttons in the mail, disapprove first as n8n shows them. */
	buttons: ApprovalButton[];
	/** Free Text and Custom Form: the mail's button that opens the form. */
	respondLabel: string;
	formTitle: string;
	formDescription: string;
	submitLabel: string;
	fields: FormField[];
}

export type ParameterReader = (name: string, fallback: unknown) => unknown;

const FIELD_TYPES: FormFieldType[] = [
	'text',
	'textarea',
	'number',
	'email',
	'date',
	'dropdown',
	'checkboxes',
];

function text(value: unknown, fallback: string): string {
	const result = typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
	return result === '' ? fallback : result;
}

function record(value: unknown): Record<string, unknown> {
	return value && typeof value === 'object' && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: {};
}

function style(value: unknown, fallback: ButtonStyle): ButtonStyle {
	return value === 'primary' || value === 'secondary' ? value : fallback;
}

/** The form's fields as the node defines them; a row without a label is left out. */
export function formFieldsOf(value: unknown): FormField[] {
	const rows = record(value).field;
	if (!Array.isArray(rows)) return [];
	return rows.flatMap((row): FormField[] => {
		const entry = record(row);
		const label = text(entry.fieldLabel, '');
		if (!label) return [];
		const type = FIELD_TYPES.includes(entry.fieldType as FormFieldType)
			? (entry.fieldType as FormFieldType)
			: 'text';
		const choices = text(entry.fieldOptions, '')
			.split(',')
			.map((choice) => choice.trim())
			.filter(Boolean);
		return [
			{
				label,
				type,
				required: entry.requiredField === true,
				choices,
				placeholder: text(entry.placeholder, ''),
			},
		];
	});
}

export function responseSettings(read: ParameterReader): ResponseSettings {
	const type = read('responseType', 'approval');
	const responseType: ResponseType =
		type === 'freeText' || type === 'customForm' ? type : 'approval';
	const options = record(read('options', {}));
	const approval = record(record(read('approvalOptions', {})).values);
	const approve: ApprovalButton = {
		label: text(approval.approveLabel, 'Approve'),
		style: style(approval.buttonApprovalStyle, 'primary'),
		approved: true,
	};
	const buttons: ApprovalButton[] =
		approval.approvalType === 'double'
			? [
					{
						label: text(approval.disapproveLabel, 'Decline'),
						style: style(approval.buttonDisapprovalStyle, 'secondary'),
						approved: false,
					},
					approve,
				]
			: [approve];
	return {
		type: responseType,
		buttons,
		respondLabel: text(options.messageButtonLabel, 'Respond'),
		formTitle: text(options.responseFormTitle, ''),
		formDescription: text(options.responseFormDescription, ''),
		submitLabel: text(options.responseFormButtonLabel, 'Submit'),
		fields: responseType === 'customForm' ? formFieldsOf(read('formFields', {})) : [],
	};
}

/** The demo tenant: Adele, Megan and Alex (contoso), well-known folders each, a few mails in Adele's Inbox. */
import type { SeedMessage } from '../../contract';
import { deliverSeed } from './seeding';
import { createMailbox } from '../storage/store';
import { makeDirectoryUser } from '../storage/users';
import type { MailState } from '../types';

export const DEMO_USERS = {
	adele: {
		id: '5d0d3f7e-4c1a-4f0e-9b7a-2f6e8c1d4a01',
		userPrincipalName: 'adelev@contoso.onmicrosoft.com',
		displayName: 'Adele Vance',
		givenName: 'Adele',
		surname: 'Vance',
		jobTitle: 'Retail Manager',
		officeLocation: '18/2111',
		businessPhones: ['+1 425 555 0109'],
		proxyAddresses: ['adelev@contoso.com'],
	},
	megan: {
		id: '8a4c2e61-3b7d-4e92-a5f0-6c1d9e2b7f02',
		userPrincipalName: 'meganb@contoso.onmicrosoft.com',
		displayName: 'Megan Bowen',
		givenName: 'Megan',
		surname: 'Bowen',
		jobTitle: 'Marketing Manager',
		officeLocation: '12/1110',
		businessPhones: ['+1 412 555 0109'],
		proxyAddresses: ['meganb@contoso.com'],
	},
	alex: {
		id: 'c3e9b1d4-7f2a-4b6e-8d05-9a7e3c2f1b03',
		userPrincipalName: 'alexw@contoso.onmicrosoft.com',
		displayName: 'Alex Wilber',
		givenName: 'Alex',
		surname: 'Wilber',
		jobTitle: 'Marketing Assistant',
		officeLocation: '131/1104',
		businessPhones: ['+1 858 555 0110'],
		proxyAddresses: ['alexw@contoso.com'],
	},
} as const;

/** A 1x1 transparent PNG, small enough to read in a test failure. */
const PIXEL_PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
	'base64',
);

const HOUR = 60 * 60 * 1000;

function demoMessages(now: number): SeedMessage[] {
	const at = (hoursAgo: number) => new Date(now - hoursAgo * HOUR).toISOString();
	const adele = { address: DEMO_USERS.adele.userPrincipalName };
	return [
		{
			subject: 'Your weekly digest',
			body: {
				contentType: 'html',
				content: '<html><body><p>Here is what happened in your tenant this week.</p></body></html>',
			},
			from: { name: 'Microsoft Azure', address: 'azure-noreply@microsoft.com' },
			toRecipients: [adele],
			receivedDateTime: at(30),
			isRead: true,
		},
		{
			subject: 'Q3 marketing plan',
			body: {
				contentType: 'html',
				content:
					'<html><body><p>Hi Adele,</p><p>the <b>Q3 plan</b> is attached. Comments welcome.</p></body></html>',
			},
			from: { address: DEMO_USERS.megan.userPrincipalName },
			toRecipients: [adele],
			ccRecipients: [{ address: DEMO_USERS.alex.userPrincipalName }],
			receivedDateTime: at(26),
			attachments: [
				{
					name: 'q3-plan.txt',
					contentType: 'text/plain',
					bytes: Buffer.from('Q3 plan\n1. Launch\n2. Grow\n'),
				},
			],
		},
		{
			subject: 'Lunch on Friday?',
			body: {
				contentType: 'text',
				content: 'The new cafeteria is open. Shall we try it on Friday?',
			},
			from: { address: DEMO_USERS.alex.userPrincipalName },
			toRecipients: [adele],
			receivedDateTime: at(20),
			isRead: true,
		},
		{
			subject: 'Koala image',
			body: {
				contentType: 'html',
				content: '<html><body><p>The picture you asked for.</p></body></html>',
			},
			from: { address: DEMO_USERS.megan.userPrincipalName },
			toRecipients: [adele],
			receivedDateTime: at(8),
			attachments: [{ name: 'koala.png', contentType: 'image/png', bytes: PIXEL_PNG }],
		},
		{
			subject: 'Newsletter: store openings',
			body: {
				contentType: 'html',
				content:
					'<html><body><p>Two new stores open this month.</p><img src="cid:banner"></body></html>',
			},
			from: { name: 'Contoso News', address: 'news@contoso.com' },
			toRecipients: [adele],
			receivedDateTime: at(4),
			attachments: [
				{
					name: 'banner.png',
					contentType: 'image/png',
					bytes: PIXEL_PNG,
					isInline: true,
					contentId: 'banner',
				},
			],
		},
		{
			subject: 'Team offsite agenda',
			body: {
				contentType: 'text',
				content: 'Agenda for the offsite: strategy in the morning, hiking in the afternoon.',
			},
			from: { address: DEMO_USERS.alex.userPrincipalName },
			toRecipients: [adele, { address: DEMO_USERS.megan.userPrincipalName }],
			receivedDateTime: at(1),
			importance: 'high',
			categories: ['Blue category'],
		},
	];
}

export function seedDemoTenant(state: MailState, now: number): void {
	for (const user of Object.values(DEMO_USERS)) {
		const directoryUser = makeDirectoryUser({
			...user,
			proxyAddresses: [...user.proxyAddresses],
			businessPhones: [...user.businessPhones],
		});
		state.users.set(directoryUser.id, directoryUser);
		createMailbox(state, directoryUser.id);
	}
	for (const seed of demoMessages(now)) deliverSeed(state, now, DEMO_USERS.adele.id, 'inbox', seed);
}

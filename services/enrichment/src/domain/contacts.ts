import type { Debtor } from '@regua/contracts';
import { assessEmail, type EmailAssessment } from './emails.ts';
import { assessPhone, type PhoneAssessment } from './phones.ts';

/** 'mobile': takes SMS and WhatsApp (and calls); 'landline': calls only (fixed lines, radio and company numbers). */
export type PhoneKind = 'mobile' | 'landline';

export interface NormalizedPhone {
  e164: string;
  kind: PhoneKind;
}

/** A Brazilian phone in E.164 with what it can receive, or undefined when it is not a valid Brazilian number. */
export function normalizePhone(raw: string): NormalizedPhone | undefined {
  const phone = assessPhone(raw);
  if (!phone.valid) return undefined;
  return { e164: phone.e164, kind: phone.channels.includes('sms') ? 'mobile' : 'landline' };
}

/** The address as stored (trimmed, lower case) when a message may be sent to it: valid, no suspected typo, not disposable. */
export function normalizeEmail(raw: string): string | undefined {
  const email = assessEmail(raw);
  return email.valid && email.channels.includes('email') ? email.address : undefined;
}

export interface ContactAssessments {
  /** One per value sent, in the order sent: the original is always kept beside what was made of it. */
  phones: PhoneAssessment[];
  emails: EmailAssessment[];
}

export function assessContacts(debtor: Pick<Debtor, 'emails' | 'phones'>): ContactAssessments {
  return { phones: debtor.phones.map(assessPhone), emails: debtor.emails.map(assessEmail) };
}

export interface CleanContacts {
  /** Addresses a message may be sent to. */
  emails: string[];
  /** Mobiles that take SMS and WhatsApp. */
  mobilePhones: string[];
  /** Valid numbers that take calls only. */
  landlines: string[];
  /** Values that reach no channel (invalid, suspected typo, disposable); duplicates are merged, not counted. */
  discarded: number;
}

/** The usable contacts, each once, from the assessments. */
export function cleanContacts(assessed: ContactAssessments): CleanContacts {
  const emails = new Set<string>();
  const mobiles = new Set<string>();
  const landlines = new Set<string>();
  let discarded = 0;
  for (const email of assessed.emails) {
    if (email.valid && email.channels.includes('email')) emails.add(email.address);
    else discarded++;
  }
  for (const phone of assessed.phones) {
    if (!phone.valid) discarded++;
    else (phone.channels.includes('sms') ? mobiles : landlines).add(phone.e164);
  }
  return { emails: [...emails], mobilePhones: [...mobiles], landlines: [...landlines], discarded };
}

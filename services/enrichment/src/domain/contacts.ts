import type { Debtor } from '@regua/contracts';

// Valid Brazilian area codes (DDD), from Anatel's numbering plan.
const VALID_DDD = new Set([
  11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 24, 27, 28, 31, 32, 33, 34, 35, 37, 38, 41, 42, 43, 44, 45, 46, 47, 48, 49,
  51, 53, 54, 55, 61, 62, 63, 64, 65, 66, 67, 68, 69, 71, 73, 74, 75, 77, 79, 81, 82, 83, 84, 85, 86, 87, 88, 89,
  91, 92, 93, 94, 95, 96, 97, 98, 99,
]);

export type PhoneKind = 'mobile' | 'landline';

export interface NormalizedPhone {
  e164: string;
  kind: PhoneKind;
}

/**
 * Brings a Brazilian phone to E.164 (+55 DDD number). Accepts the shapes creditors send: with or
 * without +55, a trunk 0, spaces, dashes and brackets. Mobiles have 9 digits starting with 9.
 */
export function normalizePhone(raw: string): NormalizedPhone | undefined {
  let digits = raw.replace(/\D/g, '');
  if (digits.startsWith('55') && (digits.length === 12 || digits.length === 13)) digits = digits.slice(2);
  if (digits.startsWith('0') && (digits.length === 11 || digits.length === 12)) digits = digits.slice(1);
  if (digits.length !== 10 && digits.length !== 11) return undefined;
  const ddd = Number(digits.slice(0, 2));
  if (!VALID_DDD.has(ddd)) return undefined;
  const subscriber = digits.slice(2);
  if (subscriber.length === 9) return subscriber.startsWith('9') ? { e164: `+55${digits}`, kind: 'mobile' } : undefined;
  // Eight-digit numbers starting 2–5 are landlines; 6–9 were mobiles before the ninth digit and are obsolete.
  return /^[2-5]/.test(subscriber) ? { e164: `+55${digits}`, kind: 'landline' } : undefined;
}

export function normalizeEmail(raw: string): string | undefined {
  const email = raw.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? email : undefined;
}

export interface CleanContacts {
  emails: string[];
  mobilePhones: string[];
  landlines: string[];
  discarded: number;
}

export function cleanContacts(debtor: Pick<Debtor, 'emails' | 'phones'>): CleanContacts {
  const emails = new Set<string>();
  const mobiles = new Set<string>();
  const landlines = new Set<string>();
  let discarded = 0;
  for (const raw of debtor.emails) {
    const email = normalizeEmail(raw);
    if (email) emails.add(email);
    else discarded++;
  }
  for (const raw of debtor.phones) {
    const phone = normalizePhone(raw);
    if (!phone) discarded++;
    else (phone.kind === 'mobile' ? mobiles : landlines).add(phone.e164);
  }
  return { emails: [...emails], mobilePhones: [...mobiles], landlines: [...landlines], discarded };
}

import { calendarDay } from '@regua/contracts';
import type { z } from 'zod';
import type { DebtorEnrichedV1, SegmentSchema } from '@regua/contracts';

type Profile = z.infer<typeof DebtorEnrichedV1.data>;
export type Segment = z.infer<typeof SegmentSchema>;

export const MODEL_VERSION = 'rules-2026.11';

const DAY_MS = 86_400_000;

/** Days past due on `today` in the debtor's own calendar (negative before the due date). */
export function daysPastDue(dueDate: string, today: Date, timeZone = 'UTC'): number {
  const due = Date.parse(`${dueDate}T00:00:00Z`);
  const localDay = calendarDay(today, timeZone);
  return Math.round((Date.parse(`${localDay}T00:00:00Z`) - due) / DAY_MS);
}

/** The invoice-level factors of the rules score, from what they depend on. */
export function invoiceFactors(input: { daysPastDue: number; amountCents: number; contactability: 'mobile' | 'email' | 'landline' | 'none'; productType: string }) {
  const overdue = Math.max(0, input.daysPastDue);
  return {
    base: 700,
    delay: -Math.min(400, Math.round(overdue * 2.5)),
    amount: -Math.min(150, Math.round(Math.log10(Math.max(1, input.amountCents / 100)) * 35)),
    reachable: input.contactability === 'mobile' ? 80 : input.contactability === 'email' ? 30 : -120,
    product: input.productType === 'utility' || input.productType === 'telecom' ? 40 : input.productType === 'loan' ? -40 : 0,
  };
}

/**
 * A transparent rules score (0–1000, higher = likelier to pay) until a trained model replaces it:
 * the longer and larger the debt, the lower; reachable debtors score higher. Each factor is capped so
 * no single one decides alone.
 */
export function scoreDebtor(profile: Profile, today: Date): { score: number; segment: Segment; factors: Record<string, number> } {
  const contacts = profile.contacts;
  const factors = invoiceFactors({
    daysPastDue: daysPastDue(profile.dueDate, today, profile.timeZone),
    amountCents: profile.amountCents,
    contactability: contacts.mobilePhones.length > 0 ? 'mobile' : contacts.emails.length > 0 ? 'email' : 'none',
    productType: profile.productType,
  });
  const score = clampScore(Object.values(factors).reduce((a, b) => a + b, 0));
  return { score, segment: segmentFor(score), factors };
}

export function clampScore(raw: number): number {
  return Math.max(0, Math.min(1000, Math.round(raw)));
}

export function segmentFor(score: number): Segment {
  if (score >= 600) return 'low_risk';
  if (score >= 350) return 'medium_risk';
  return 'high_risk';
}

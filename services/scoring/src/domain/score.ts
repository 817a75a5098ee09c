import type { z } from 'zod';
import type { DebtorEnrichedV1, SegmentSchema } from '@regua/contracts';

type Profile = z.infer<typeof DebtorEnrichedV1.data>;
export type Segment = z.infer<typeof SegmentSchema>;

export const MODEL_VERSION = 'rules-2026.11';

const DAY_MS = 86_400_000;

/** Days past due on `today` in the debtor's own calendar (negative before the due date). */
export function daysPastDue(dueDate: string, today: Date, timeZone = 'UTC'): number {
  const due = Date.parse(`${dueDate}T00:00:00Z`);
  // en-CA formats as YYYY-MM-DD: the local calendar date at that instant.
  const localDay = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(today);
  return Math.round((Date.parse(`${localDay}T00:00:00Z`) - due) / DAY_MS);
}

/**
 * A transparent rules score (0–1000, higher = likelier to pay) until a trained model replaces it:
 * the longer and larger the debt, the lower; reachable debtors score higher. Each factor is capped so
 * no single one decides alone.
 */
export function scoreDebtor(profile: Profile, today: Date): { score: number; segment: Segment; factors: Record<string, number> } {
  const overdue = Math.max(0, daysPastDue(profile.dueDate, today, profile.timeZone));
  const factors = {
    base: 700,
    delay: -Math.min(400, Math.round(overdue * 2.5)),
    amount: -Math.min(150, Math.round(Math.log10(Math.max(1, profile.amountCents / 100)) * 35)),
    reachable: profile.contacts.mobilePhones.length > 0 ? 80 : profile.contacts.emails.length > 0 ? 30 : -120,
    product: profile.productType === 'utility' || profile.productType === 'telecom' ? 40 : profile.productType === 'loan' ? -40 : 0,
  };
  const raw = Object.values(factors).reduce((a, b) => a + b, 0);
  const score = Math.max(0, Math.min(1000, raw));
  return { score, segment: segmentFor(score), factors };
}

export function segmentFor(score: number): Segment {
  if (score >= 600) return 'low_risk';
  if (score >= 350) return 'medium_risk';
  return 'high_risk';
}

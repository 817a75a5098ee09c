/** What payment-reconciliation reports of an agreement: made, an installment paid, broken, or kept (settled). */
export const AGREEMENT_STATUSES = ['created', 'installmentPaid', 'broken', 'settled'] as const;
export type AgreementStatus = (typeof AGREEMENT_STATUSES)[number];

/**
 * A debtor's agreements with the creditor, from payment-reconciliation's events: each agreement counted once per
 * status however often its event comes (an installment once per number), and when the latest was broken.
 */
export interface AgreementRecord {
  made: number;
  installmentsPaid: number;
  broken: number;
  /** Settled: every installment paid. */
  kept: number;
  /** ISO instant of the latest broken agreement (when its event was published: the event carries no date of its own). */
  lastBrokenAt: string | null;
}

export const NO_AGREEMENTS: AgreementRecord = { made: 0, installmentsPaid: 0, broken: 0, kept: 0, lastBrokenAt: null };

/** The record's counter each status moves. */
export const COUNTER_OF: Record<AgreementStatus, 'made' | 'installmentsPaid' | 'broken' | 'kept'> = { created: 'made', installmentPaid: 'installmentsPaid', broken: 'broken', settled: 'kept' };

export interface AgreementFeatures {
  /** Agreements the debtor broke (an installment unpaid past the grace period). */
  agreementsBroken: number;
  /** Agreements the debtor kept to the end. */
  agreementsKept: number;
}

export function agreementFeatures(record: AgreementRecord): AgreementFeatures {
  return { agreementsBroken: record.broken, agreementsKept: record.kept };
}

/** One agreement event as the history counts it: `key` once per status (an installment's is `agreementId#number`). */
export interface AgreementFact {
  key: string;
  /** When it happened, for broken agreements (`lastBrokenAt`). */
  at?: string;
}

/** One run of one status for one debtor: each key once, and the latest instant (normalised to ISO). */
export function summariseAgreements(facts: readonly AgreementFact[]): { keys: string[]; latestAt: string | null } {
  const keys = [...new Set(facts.map((f) => f.key))];
  const instants = facts.flatMap((f) => (f.at === undefined ? [] : [Date.parse(f.at)])).filter((t) => !Number.isNaN(t));
  return { keys, latestAt: instants.length === 0 ? null : new Date(Math.max(...instants)).toISOString() };
}

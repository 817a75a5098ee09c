import type { Invoice, InvoiceSubmissionV1 } from '@regua/contracts';

/** What ingestion keeps of an invoice to decide on the next submission for it. */
export interface StoredInvoiceState {
  lastEventId: string;
  lastOccurredAt: string;
  invoice: Invoice;
}

export type IngestDecision =
  | { kind: 'register' }
  | { kind: 'update'; changedFields: string[] }
  | { kind: 'unchanged' }
  | { kind: 'stale'; storedOccurredAt: string };

const TRACKED_FIELDS = ['amountCents', 'dueDate', 'status', 'debtor', 'paymentInstruments', 'installment'] as const;

/**
 * Decides what a submission does to the stored invoice. Submissions are ordered by the creditor's
 * `occurredAt`: an older one never overwrites newer data, whatever order they arrive in.
 */
export function decideIngest(stored: StoredInvoiceState | undefined, submission: InvoiceSubmissionV1): IngestDecision {
  if (!stored) return { kind: 'register' };
  if (stored.lastEventId === submission.eventId) return { kind: 'unchanged' };
  if (Date.parse(submission.occurredAt) < Date.parse(stored.lastOccurredAt)) {
    return { kind: 'stale', storedOccurredAt: stored.lastOccurredAt };
  }
  const changedFields = TRACKED_FIELDS.filter((field) => JSON.stringify(stored.invoice[field]) !== JSON.stringify(submission.invoice[field]));
  return changedFields.length === 0 ? { kind: 'unchanged' } : { kind: 'update', changedFields };
}

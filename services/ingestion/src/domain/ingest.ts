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

const TRACKED_FIELDS = ['amountCents', 'dueDate', 'status', 'issueDate', 'productType', 'creditor', 'debtor', 'paymentInstruments', 'installment'] as const;

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

export type InvoiceEventKind = 'registered' | 'updated' | 'settled-by-creditor';

/** Which event an accepted change publishes: a move to paid/cancelled tells collection to stop. */
export function eventKindFor(previous: Invoice | undefined, next: Invoice): InvoiceEventKind {
  if (!previous) return 'registered';
  const closing = next.status === 'paid' || next.status === 'cancelled';
  return closing && previous.status !== next.status ? 'settled-by-creditor' : 'updated';
}

export interface InvoiceTransition {
  submission: InvoiceSubmissionV1;
  outcome: 'registered' | 'updated' | 'unchanged' | 'stale';
  event?: { kind: InvoiceEventKind; changedFields: string[] };
}

/**
 * Folds the submissions for one invoice (in arrival order) over its stored state. Used for a batch, so
 * two events for the same invoice in one request behave as if sent one after the other.
 */
export function foldSubmissions(stored: StoredInvoiceState | undefined, submissions: InvoiceSubmissionV1[]): { transitions: InvoiceTransition[]; final: StoredInvoiceState | undefined } {
  let state = stored;
  const transitions: InvoiceTransition[] = [];
  for (const submission of submissions) {
    const decision = decideIngest(state, submission);
    if (decision.kind === 'register' || decision.kind === 'update') {
      const changedFields = decision.kind === 'update' ? decision.changedFields : [];
      transitions.push({ submission, outcome: decision.kind === 'register' ? 'registered' : 'updated', event: { kind: eventKindFor(state?.invoice, submission.invoice), changedFields } });
      state = { lastEventId: submission.eventId, lastOccurredAt: submission.occurredAt, invoice: submission.invoice };
    } else {
      transitions.push({ submission, outcome: decision.kind });
      // Same content but newer: remember the time, so an older change arriving later is still stale.
      if (decision.kind === 'unchanged' && state && Date.parse(submission.occurredAt) > Date.parse(state.lastOccurredAt)) {
        state = { ...state, lastEventId: submission.eventId, lastOccurredAt: submission.occurredAt };
      }
    }
  }
  return { transitions, final: state };
}

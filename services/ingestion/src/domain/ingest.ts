import type { Invoice, InvoiceSubmissionV1 } from '@regua/contracts';

/** What ingestion keeps of an invoice to decide on the next submission for it. */
export interface StoredInvoiceState {
  lastEventId: string;
  lastOccurredAt: string;
  invoice: Invoice;
  /**
   * Events published for the invoice so far: 1 after its registration, +1 per accepted change. Consumers on
   * different topics order the events by it. Absent only on invoices stored before revisions existed (the store
   * derives it from their history); a state without it counts as revision 1, its registration.
   */
  revision?: number | undefined;
  /** What the submission `lastEventId` did, if it published an event: enough to publish it again after a crash. */
  lastEvent?: AcceptedEvent | undefined;
}

export interface AcceptedEvent {
  outcome: 'registered' | 'updated';
  kind: InvoiceEventKind;
  changedFields: string[];
  /** The revision that event carried, so that publishing it again after a crash carries the same one. */
  revision?: number | undefined;
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
  event?: { kind: InvoiceEventKind; changedFields: string[]; revision: number };
}

/** The revision of the last event published for a stored invoice (one stored without it has had at least its registration). */
const revisionOf = (state: StoredInvoiceState | undefined): number => (state ? (state.revision ?? 1) : 0);

/**
 * Folds the submissions for one invoice (in arrival order) over its stored state. Used for a batch, so
 * two events for the same invoice in one request behave as if sent one after the other.
 *
 * Every submission given here has no receipt yet (the caller drops those it has already answered). So one
 * whose event id is already the stored state's was interrupted after the state was written and before its
 * receipt: its event is produced again (the outbox and every consumer key it by a derived event id, so a
 * copy that did get out is not doubled), and the creditor gets the first answer again.
 */
export function foldSubmissions(stored: StoredInvoiceState | undefined, submissions: InvoiceSubmissionV1[]): { transitions: InvoiceTransition[]; final: StoredInvoiceState | undefined } {
  let state = stored;
  const transitions: InvoiceTransition[] = [];
  for (const submission of submissions) {
    if (state?.lastEventId === submission.eventId && state.lastEvent) {
      const { outcome, kind, changedFields } = state.lastEvent;
      // The same revision as the first time: a copy that did get out is not taken for a newer change.
      transitions.push({ submission, outcome, event: { kind, changedFields, revision: state.lastEvent.revision ?? revisionOf(state) } });
      continue;
    }
    const decision = decideIngest(state, submission);
    if (decision.kind === 'register' || decision.kind === 'update') {
      const changedFields = decision.kind === 'update' ? decision.changedFields : [];
      const outcome = decision.kind === 'register' ? 'registered' : 'updated';
      const kind = eventKindFor(state?.invoice, submission.invoice);
      const revision = revisionOf(state) + 1;
      transitions.push({ submission, outcome, event: { kind, changedFields, revision } });
      state = { lastEventId: submission.eventId, lastOccurredAt: submission.occurredAt, invoice: submission.invoice, revision, lastEvent: { outcome, kind, changedFields, revision } };
    } else {
      transitions.push({ submission, outcome: decision.kind });
      // Same content but newer: remember the time, so an older change arriving later is still stale.
      if (decision.kind === 'unchanged' && state && Date.parse(submission.occurredAt) > Date.parse(state.lastOccurredAt)) {
        state = { lastEventId: submission.eventId, lastOccurredAt: submission.occurredAt, invoice: state.invoice, revision: revisionOf(state) };
      }
    }
  }
  return { transitions, final: state };
}

import { buildEnvelope, debtorKey, invoiceId as toInvoiceId, InvoiceRegisteredV1, InvoiceSettledByCreditorV1, InvoiceUpdatedV1, type EnvelopeContext, type InvoiceSubmissionV1 } from '@regua/contracts';
import { RetriableError } from '@regua/errors';
import { currentTraceparent } from '@regua/kafka-bus';
import { forEachConcurrently } from '@regua/mongo';
import { derivedEventId, type Clock } from '@regua/service-kit';
import { withSpan } from '@regua/telemetry';
import { RecentSet } from './domain/recent-set.ts';
import { foldSubmissions, type InvoiceTransition, type StoredInvoiceState } from './domain/ingest.ts';
import type { InvoiceStore, PendingEvent } from './store/invoice-store.ts';
import type { HistoryEntry } from './store/models.ts';

export type Door = 'http' | 'kafka' | 'csv';
export type Outcome = 'registered' | 'updated' | 'unchanged' | 'stale' | 'duplicate';

export interface IngestResult {
  eventId: string;
  invoiceId: string;
  outcome: Outcome;
}

interface InvoiceGroup {
  invoiceId: string;
  /** Positions in the batch, in arrival order. */
  positions: number[];
}

const MAX_CONFLICT_ROUNDS = 5;
/** Invoices read and updated at once, each by `_id` (the database's connections are shared with the rest). */
const UPDATE_CONCURRENCY = 16;
/** Invoice ids remembered as existing: ~5 MB. A miss costs only the slower insert path, never a wrong answer. */
const RECENTLY_SEEN_INVOICES = 50_000;

/**
 * Accepts submissions, one or a thousand at a time. Writes happen in an order that is safe to repeat
 * after a crash at any point (FerretDB has no transactions): invoice state, then outbox events, then the
 * receipts that mark the submissions done and make a retry of the same event id a no-op.
 */
export function createIngestService(deps: { store: InvoiceStore; clock: Clock; source: string; enqueue(events: PendingEvent[]): Promise<void> }) {
  const { store, clock } = deps;
  const recentlySeen = new RecentSet(RECENTLY_SEEN_INVOICES);

  function ingestBatch(tenant: string, submissions: InvoiceSubmissionV1[], door: Door): Promise<IngestResult[]> {
    return withSpan('ingest invoices', { attributes: { 'regua.tenant': tenant, 'regua.door': door, 'regua.batch_size': submissions.length } }, () => ingestInSpan(tenant, submissions, door));
  }

  async function ingestInSpan(tenant: string, submissions: InvoiceSubmissionV1[], door: Door): Promise<IngestResult[]> {
    const now = clock.now();
    const receiptId = (s: InvoiceSubmissionV1) => `${tenant}:${s.eventId}`;
    const results: IngestResult[] = submissions.map((s) => ({ eventId: s.eventId, invoiceId: toInvoiceId(tenant, s.invoice.externalId), outcome: 'duplicate' }));

    // The same event id twice in this batch: the first one counts, the rest are duplicates.
    const firstSeen = new Set<string>();
    const groups = new Map<string, InvoiceGroup>();
    submissions.forEach((submission, position) => {
      const id = receiptId(submission);
      if (firstSeen.has(id)) return;
      firstSeen.add(id);
      const invoiceId = results[position]!.invoiceId;
      const group = groups.get(invoiceId) ?? { invoiceId, positions: [] };
      group.positions.push(position);
      groups.set(invoiceId, group);
    });

    const transitions = await applyToInvoices(tenant, [...groups.values()], submissions, door, now);
    const events = transitions.flatMap(({ invoiceId, transition }) => (transition.event ? [eventFor(tenant, invoiceId, transition, now)] : []));
    if (events.length > 0) {
      await deps.enqueue(events);
    }

    const receipts = transitions.map(({ invoiceId, position, transition }) => ({ _id: receiptId(transition.submission), tenant, invoiceId, door, outcome: transition.outcome, occurredAt: new Date(transition.submission.occurredAt), receivedAt: now, position }));
    const raced = await store.insertReceipts(receipts.map(({ position: _position, ...receipt }) => receipt), now);
    for (const receipt of receipts) {
      results[receipt.position]!.outcome = raced.has(receipt._id) ? 'duplicate' : receipt.outcome;
    }
    return results;
  }

  /**
   * Applies each invoice's submissions. Most invoices in a bank's feed are new, so those not known to exist are
   * first inserted as if new: one insert, no read (a submission answered before has a receipt, written after its
   * invoice, so a new invoice has none). Only those that exist are read, by `_id`, and updated on the version
   * read; one that another writer changed meanwhile is read and folded again.
   */
  async function applyToInvoices(tenant: string, groups: InvoiceGroup[], submissions: InvoiceSubmissionV1[], door: Door, now: Date) {
    const applied: Array<{ invoiceId: string; position: number; transition: InvoiceTransition }> = [];
    const accept = (group: InvoiceGroup, transitions: InvoiceTransition[]) => transitions.forEach((transition, i) => applied.push({ invoiceId: group.invoiceId, position: group.positions[i]!, transition }));
    const historyOf = (transitions: InvoiceTransition[]): HistoryEntry[] =>
      transitions.map(({ submission, outcome }) => ({ eventId: submission.eventId, door, outcome, occurredAt: new Date(submission.occurredAt), receivedAt: now }));

    // Invoices this replica wrote or read lately are known to exist: they skip the insert, which on FerretDB costs
    // most when it fails (each 100 documents with a duplicate among them are inserted again one by one).
    const assumedNew = groups.filter((group) => !recentlySeen.has(group.invoiceId)).map((group) => ({ group, ...foldSubmissions(undefined, group.positions.map((p) => submissions[p]!)) }));
    const existing = new Set(groups.filter((group) => recentlySeen.has(group.invoiceId)).map((group) => group.invoiceId));
    const failed = await store.insertInvoices(
      assumedNew.map(({ group, final, transitions }) => ({ invoiceId: group.invoiceId, tenant, state: final!, history: historyOf(transitions) })),
      now,
    );
    for (const { group, transitions } of assumedNew) {
      if (failed.has(group.invoiceId)) existing.add(group.invoiceId);
      else accept(group, transitions);
    }
    for (const group of groups) recentlySeen.add(group.invoiceId);

    const receiptOf = (position: number) => `${tenant}:${submissions[position]!.eventId}`;
    let pending = groups.filter((group) => existing.has(group.invoiceId));
    for (let round = 0; pending.length > 0; round++) {
      if (round === MAX_CONFLICT_ROUNDS) throw new RetriableError(`invoices kept changing under concurrent writes: ${pending.map((g) => g.invoiceId).join(', ')}`);
      const states = await store.findStates(pending.map((g) => g.invoiceId));
      // Answered before: the event id is in the invoice's history. Except the latest, which a crash may have cut
      // short between the invoice write and the receipt: for it alone, the receipt says whether it was answered.
      const latest = pending.flatMap((g) => g.positions.filter((p) => states.get(g.invoiceId)?.state.lastEventId === submissions[p]!.eventId).map(receiptOf));
      const answered = await store.existingReceipts(latest, now);
      const unanswered = (group: InvoiceGroup): InvoiceGroup => {
        const found = states.get(group.invoiceId);
        const positions = group.positions.filter((p) => {
          const eventId = submissions[p]!.eventId;
          if (!found) return true;
          return eventId === found.state.lastEventId ? !answered.has(receiptOf(p)) : !found.eventIds.has(eventId);
        });
        return { invoiceId: group.invoiceId, positions };
      };
      pending = pending.map(unanswered).filter((g) => g.positions.length > 0);
      const conflicted = new Set<string>();
      await forEachConcurrently(pending, UPDATE_CONCURRENCY, async (group) => {
        const stored = states.get(group.invoiceId)?.state;
        const { transitions, final } = foldSubmissions(stored, group.positions.map((p) => submissions[p]!));
        // A submission done again after a crash is in the history already.
        const history = historyOf(transitions.filter((t) => t.submission.eventId !== stored?.lastEventId));
        const write = final && final.lastEventId !== stored?.lastEventId ? { invoiceId: group.invoiceId, tenant, state: final, history } : undefined;
        let written = true;
        if (!write) await store.appendHistory(group.invoiceId, history);
        // Absent here means deleted since the insert failed: rare enough to go round again.
        else written = stored ? await store.updateInvoice(write, stored.lastEventId, now) : !(await store.insertInvoices([write], now)).has(write.invoiceId);
        if (written) accept(group, transitions);
        else conflicted.add(group.invoiceId);
      });
      pending = pending.filter((g) => conflicted.has(g.invoiceId));
    }
    return applied.sort((a, b) => a.position - b.position);
  }

  function eventFor(tenant: string, invoiceId: string, transition: InvoiceTransition, now: Date): PendingEvent {
    const { submission, event } = transition;
    const traceparent = currentTraceparent();
    const context = (type: string): EnvelopeContext => ({
      id: derivedEventId(`${tenant}:${submission.eventId}`, type),
      occurredAt: now,
      source: deps.source,
      tenant,
      correlationId: submission.eventId,
      ...(traceparent ? { traceparent } : {}),
    });
    const key = debtorKey(tenant, submission.invoice.debtor.externalId);
    const invoice = submission.invoice;
    switch (event!.kind) {
      case 'registered': {
        const envelope = buildEnvelope(InvoiceRegisteredV1, context(InvoiceRegisteredV1.type), { invoiceId, invoice, revision: event!.revision });
        return { id: envelope.id, topic: InvoiceRegisteredV1.topic, key, envelope };
      }
      case 'updated': {
        const envelope = buildEnvelope(InvoiceUpdatedV1, context(InvoiceUpdatedV1.type), { invoiceId, invoice, changedFields: event!.changedFields, revision: event!.revision });
        return { id: envelope.id, topic: InvoiceUpdatedV1.topic, key, envelope };
      }
      case 'settled-by-creditor': {
        const status = invoice.status === 'paid' ? 'paid' : 'cancelled';
        const envelope = buildEnvelope(InvoiceSettledByCreditorV1, context(InvoiceSettledByCreditorV1.type), { invoiceId, debtorId: invoice.debtor.externalId, status, revision: event!.revision });
        return { id: envelope.id, topic: InvoiceSettledByCreditorV1.topic, key, envelope };
      }
    }
  }

  return {
    ingestBatch,
    async ingest(tenant: string, submission: InvoiceSubmissionV1, door: Door): Promise<IngestResult> {
      const [result] = await ingestBatch(tenant, [submission], door);
      return result!;
    },
  };
}

export type IngestService = ReturnType<typeof createIngestService>;
export type { StoredInvoiceState };

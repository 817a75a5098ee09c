import { buildEnvelope, debtorKey, invoiceId as toInvoiceId, InvoiceRegisteredV1, type InvoiceSubmissionV1 } from '@regua/contracts';
import { currentTraceparent } from '@regua/kafka-bus';
import { derivedEventId, type Clock } from '@regua/service-kit';
import { withSpan } from '@regua/telemetry';
import { decideIngest } from './domain/ingest.ts';
import type { InvoiceStore, PendingEvent } from './store/invoice-store.ts';

export type Door = 'http' | 'kafka' | 'csv';

export interface IngestResult {
  eventId: string;
  invoiceId: string;
  /** registered | updated | unchanged | stale, or duplicate when the event id was seen before. */
  outcome: 'registered' | 'updated' | 'unchanged' | 'stale' | 'duplicate';
}

/**
 * Accepts one submission. Writes happen in an order that is safe to repeat after a crash at any point
 * (no transactions: FerretDB has none): invoice state, then outbox, then the receipt that marks it done.
 */
export function createIngestService(deps: { store: InvoiceStore; clock: Clock; source: string; onEnqueued(): void }) {
  const { store, clock } = deps;

  function ingest(tenant: string, submission: InvoiceSubmissionV1, door: Door): Promise<IngestResult> {
    return withSpan('ingest invoice', { 'regua.tenant': tenant, 'regua.door': door }, () => ingestInSpan(tenant, submission, door));
  }

  async function ingestInSpan(tenant: string, submission: InvoiceSubmissionV1, door: Door): Promise<IngestResult> {
    const invoiceId = toInvoiceId(tenant, submission.invoice.externalId);
    const receiptId = `${tenant}:${submission.eventId}`;
    const base = { eventId: submission.eventId, invoiceId };

    if (await store.findReceipt(receiptId)) return { ...base, outcome: 'duplicate' };

    const now = clock.now();
    const outcome = await applyToInvoice(tenant, invoiceId, submission, now);
    const stored = await store.insertReceipt({ _id: receiptId, tenant, invoiceId, door, outcome, occurredAt: new Date(submission.occurredAt), receivedAt: now });
    return { ...base, outcome: stored ? outcome : 'duplicate' };
  }

  async function applyToInvoice(tenant: string, invoiceId: string, submission: InvoiceSubmissionV1, now: Date): Promise<Exclude<IngestResult['outcome'], 'duplicate'>> {
    // Two attempts: a concurrent first submission of the same invoice can win the insert.
    for (let attempt = 0; attempt < 2; attempt++) {
      const decision = decideIngest(await store.findState(invoiceId), submission);
      switch (decision.kind) {
        case 'register':
          if (!(await store.insertInvoice(tenant, invoiceId, submission, now))) continue;
          await enqueue([registeredEvent(tenant, invoiceId, submission, now)], now);
          return 'registered';
        case 'update':
          if (!(await store.updateInvoiceIfNotNewer(invoiceId, submission, now))) return 'stale';
          return 'updated';
        case 'unchanged':
          return 'unchanged';
        case 'stale':
          return 'stale';
      }
    }
    return 'stale';
  }

  async function enqueue(events: PendingEvent[], now: Date) {
    await store.enqueue(events, now);
    deps.onEnqueued();
  }

  function registeredEvent(tenant: string, invoiceId: string, submission: InvoiceSubmissionV1, now: Date): PendingEvent {
    const traceparent = currentTraceparent();
    const envelope = buildEnvelope(
      InvoiceRegisteredV1,
      {
        id: derivedEventId(`${tenant}:${submission.eventId}`, InvoiceRegisteredV1.type),
        occurredAt: now,
        source: deps.source,
        tenant,
        correlationId: submission.eventId,
        ...(traceparent ? { traceparent } : {}),
      },
      { invoiceId, invoice: submission.invoice },
    );
    return { id: envelope.id, topic: InvoiceRegisteredV1.topic, key: debtorKey(tenant, submission.invoice.debtor.externalId), envelope };
  }

  return { ingest };
}

export type IngestService = ReturnType<typeof createIngestService>;

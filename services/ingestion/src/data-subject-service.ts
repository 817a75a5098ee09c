import { buildEnvelope, DataSubjectErasureRequestedV1, debtorKey, ERASURE_INVOICES_PER_EVENT, type DataSubjectRequestV1 } from '@regua/contracts';
import { NotFoundError } from '@regua/errors';
import { currentTraceparent } from '@regua/kafka-bus';
import { forEachConcurrently } from '@regua/mongo';
import { derivedEventId, type Clock, type IdGenerator } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import { anonymiseInvoice, erasureParts } from './domain/data-subjects.ts';
import type { Actor, DataSubjectRequestDoc, DataSubjectStore } from './store/data-subject-store.ts';
import type { PendingEvent } from './store/invoice-store.ts';

export interface ExportedInvoice {
  invoiceId: string;
  invoice: Record<string, unknown>;
  lastOccurredAt: Date;
  receivedFirstAt: Date;
  history: Array<{ eventId: string; door: string; outcome: string; occurredAt: Date; receivedAt: Date }>;
}

/** Invoices anonymised at once, each by `_id`. */
const ERASE_CONCURRENCY = 8;

/**
 * Data-subject requests (LGPD art. 18) of one creditor: export what ingestion holds about a person, or erase it here
 * and ask every other service to do the same (`DataSubjectErasureRequested`, ids only). Each request is recorded in
 * `data_subject_requests` and in the insert-only `audit_log`, and logged, never with the tax id.
 */
export function createDataSubjectService(deps: { store: DataSubjectStore; clock: Clock; newId: IdGenerator; logger: Logger; source: string; enqueue(events: PendingEvent[]): Promise<void> }) {
  const { store, clock, logger } = deps;

  async function record(kind: DataSubjectRequestDoc['kind'], actor: Actor, request: DataSubjectRequestV1, requestId: string, invoiceIds: string[], parts: number, at: Date) {
    await store.recordRequest({ _id: requestId, tenant: actor.tenant, kind, reason: request.reason, requestedAt: at, invoiceIds, parts, status: 'received' });
    await store.appendAudit({ _id: deps.newId(), at, action: kind === 'export' ? 'data-subject.export' : 'data-subject.erasure', tenant: actor.tenant, actor, requestId, reason: request.reason, documents: invoiceIds.length, invoiceIds });
  }

  return {
    /** What ingestion holds about the person, for the authenticated creditor only. */
    async exportData(actor: Actor, request: DataSubjectRequestV1): Promise<{ requestId: string; invoices: ExportedInvoice[] }> {
      const now = clock.now();
      const requestId = deps.newId();
      const docs = await store.invoicesOfTaxId(actor.tenant, request.taxId.number);
      // Audited before anything is answered: no export leaves without its trail.
      await record('export', actor, request, requestId, docs.map((d) => d._id), 0, now);
      await store.completeRequest(requestId, clock.now());
      logger.info({ requestId, tenant: actor.tenant, credential: actor.credential, invoices: docs.length }, 'data-subject export answered');
      return {
        requestId,
        invoices: docs.map((doc) => ({
          invoiceId: doc._id,
          invoice: doc.invoice,
          lastOccurredAt: doc.lastOccurredAt,
          receivedFirstAt: doc.createdAt,
          history: (doc.history ?? []).map(({ eventId, door, outcome, occurredAt, receivedAt }) => ({ eventId, door, outcome, occurredAt, receivedAt })),
        })),
      };
    },

    /**
     * Erases the person's data of the authenticated creditor: the request and its audit line first, then the events
     * that tell the other services (in the outbox, so they go out even if Kafka is down now), then ingestion's own
     * invoices, anonymised by `_id`. A crash part-way leaves the request `received`; asking again finds what is
     * left and erases it (anonymising twice changes nothing).
     */
    async erase(actor: Actor, request: DataSubjectRequestV1): Promise<{ requestId: string; invoices: number }> {
      const now = clock.now();
      const requestId = deps.newId();
      const docs = await store.invoicesOfTaxId(actor.tenant, request.taxId.number);
      const parts = erasureParts(docs.map((d) => ({ invoiceId: d._id, debtorId: d.debtorExternalId })), ERASURE_INVOICES_PER_EVENT);
      await record('erasure', actor, request, requestId, docs.map((d) => d._id), parts.length, now);

      const traceparent = currentTraceparent();
      const events: PendingEvent[] = parts.map((invoices, part) => {
        const envelope = buildEnvelope(
          DataSubjectErasureRequestedV1,
          { id: derivedEventId(requestId, `${DataSubjectErasureRequestedV1.type}:${part}`), occurredAt: now, source: deps.source, tenant: actor.tenant, correlationId: requestId, ...(traceparent ? { traceparent } : {}) },
          { requestId, invoices, part, parts: parts.length },
        );
        return { id: envelope.id, topic: DataSubjectErasureRequestedV1.topic, key: debtorKey(actor.tenant, invoices[0]!.debtorId), envelope };
      });
      if (events.length > 0) await deps.enqueue(events);

      await forEachConcurrently(docs, ERASE_CONCURRENCY, async (doc) => void (await store.anonymiseInvoice(doc, anonymiseInvoice, requestId, now)));
      await store.completeRequest(requestId, clock.now());
      logger.info({ requestId, tenant: actor.tenant, credential: actor.credential, invoices: docs.length, parts: parts.length }, 'data-subject erasure requested: ingestion anonymised, other services told');
      return { requestId, invoices: docs.length };
    },

    /** A request of this creditor; another creditor's answers 404, as if it did not exist. */
    async status(tenant: string, requestId: string) {
      const doc = await store.findRequest(requestId);
      if (!doc || doc.tenant !== tenant) throw new NotFoundError(`no data-subject request ${requestId} for this creditor`);
      return {
        requestId: doc._id,
        kind: doc.kind,
        reason: doc.reason,
        requestedAt: doc.requestedAt,
        invoices: doc.invoiceIds.length,
        ingestion: { status: doc.status, ...(doc.completedAt ? { completedAt: doc.completedAt } : {}) },
        ...(doc.kind === 'erasure' ? { eventsPublished: doc.parts } : {}),
      };
    },
  };
}

export type DataSubjectService = ReturnType<typeof createDataSubjectService>;

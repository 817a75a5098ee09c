import { findByIds, insertManyIfAbsent } from '@regua/mongo';
import type { InvoiceSubmissionV1 } from '@regua/contracts';
import type { StoredInvoiceState } from '../domain/ingest.ts';
import type { IngestionModels, InvoiceDoc, OutboxDoc, ReceiptDoc } from './models.ts';

export interface PendingEvent {
  id: string;
  topic: string;
  key: string;
  envelope: Record<string, unknown>;
}

export interface InvoiceWrite {
  invoiceId: string;
  tenant: string;
  state: StoredInvoiceState;
}

/** Ingestion's port onto its own collections. Batch-shaped: FerretDB rewards few, large writes. */
export function createInvoiceStore(models: IngestionModels) {
  return {
    async existingReceipts(receiptIds: string[]): Promise<Set<string>> {
      if (receiptIds.length === 0) return new Set();
      const found = await findByIds<{ _id: string }>(models.receipts, receiptIds, { projection: { _id: 1 } });
      return new Set(found.map((r) => r._id));
    },

    async findStates(invoiceIds: string[]): Promise<Map<string, StoredInvoiceState>> {
      const docs = await findByIds<InvoiceDoc>(models.invoices, invoiceIds);
      return new Map(docs.map((doc) => [doc._id, { lastEventId: doc.lastEventId, lastOccurredAt: doc.lastOccurredAt.toISOString(), invoice: doc.invoice as unknown as StoredInvoiceState['invoice'], lastEvent: doc.lastEvent ?? undefined }]));
    },

    async findInvoice(tenant: string, externalId: string): Promise<InvoiceDoc | null> {
      return models.invoices.findOne({ tenant, externalId }).lean<InvoiceDoc>().exec();
    },

    async receiptsFor(invoiceId: string): Promise<ReceiptDoc[]> {
      return models.receipts.find({ invoiceId }).sort({ receivedAt: 1, _id: 1 }).lean<ReceiptDoc[]>().exec();
    },

    /** Inserts new invoices; returns the ids another writer created first. */
    async insertInvoices(writes: InvoiceWrite[], now: Date): Promise<Set<string>> {
      if (writes.length === 0) return new Set();
      const docs = writes.map((w) => ({ _id: w.invoiceId, tenant: w.tenant, ...stateFields(w.state), createdAt: now, updatedAt: now }));
      return duplicateIds(docs, await insertManyIfAbsent(models.invoices, docs));
    },

    /**
     * Writes the new state only if the invoice is still at the version that was read (optimistic
     * concurrency on lastEventId, since FerretDB has no transactions). False if someone else won.
     */
    async updateInvoice(write: InvoiceWrite, expectedLastEventId: string, now: Date): Promise<boolean> {
      const result = await models.invoices.updateOne({ _id: write.invoiceId, lastEventId: expectedLastEventId }, { $set: { ...stateFields(write.state), updatedAt: now } });
      return result.matchedCount === 1;
    },

    /** Idempotent: the same event id is stored once however often it is enqueued. */
    async enqueue(events: PendingEvent[], now: Date): Promise<void> {
      if (events.length === 0) return;
      // Plain inserts that skip duplicates: on FerretDB, bulk upserts cost a scan each and grow with the table.
      await insertManyIfAbsent(
        models.outbox,
        events.map((event, seq) => ({ _id: event.id, topic: event.topic, key: event.key, envelope: event.envelope, createdAt: now, seq })),
      );
    },

    /** Returns the receipt ids that already existed (a concurrent duplicate won). */
    async insertReceipts(receipts: ReceiptDoc[]): Promise<Set<string>> {
      if (receipts.length === 0) return new Set();
      return duplicateIds(receipts, await insertManyIfAbsent(models.receipts, receipts));
    },

    async pendingEvents(limit: number): Promise<OutboxDoc[]> {
      return models.outbox.find({}).sort({ createdAt: 1, seq: 1 }).limit(limit).lean<OutboxDoc[]>().exec();
    },

    /** Published events leave the outbox (one deleteMany; per-document updates are slow on FerretDB). */
    async removePublished(ids: string[]): Promise<void> {
      await models.outbox.deleteMany({ _id: { $in: ids } });
    },

    async countPending(): Promise<number> {
      return models.outbox.countDocuments({});
    },
  };
}

export type InvoiceStore = ReturnType<typeof createInvoiceStore>;

function stateFields(state: StoredInvoiceState) {
  return {
    externalId: state.invoice.externalId,
    debtorExternalId: state.invoice.debtor.externalId,
    invoice: state.invoice as InvoiceSubmissionV1['invoice'],
    lastEventId: state.lastEventId,
    lastOccurredAt: new Date(state.lastOccurredAt),
    lastEvent: state.lastEvent ?? null,
  };
}

/** The ids of `docs` that were not inserted because they existed already. */
function duplicateIds(docs: Array<{ _id: string }>, inserted: Set<string>): Set<string> {
  return new Set(docs.map((d) => d._id).filter((id) => !inserted.has(id)));
}

import type { InvoiceSubmissionV1 } from '@regua/contracts';
import { isDuplicateKeyError } from '@regua/mongo';
import type { StoredInvoiceState } from '../domain/ingest.ts';
import type { IngestionModels, InvoiceDoc, OutboxDoc, ReceiptDoc } from './models.ts';

export interface PendingEvent {
  id: string;
  topic: string;
  key: string;
  envelope: Record<string, unknown>;
}

/** Ingestion's port onto its own collections. */
export function createInvoiceStore(models: IngestionModels) {
  return {
    async findReceipt(receiptId: string): Promise<ReceiptDoc | null> {
      return models.receipts.findById(receiptId).lean<ReceiptDoc>().exec();
    },

    async findState(invoiceId: string): Promise<StoredInvoiceState | undefined> {
      const doc = await models.invoices.findById(invoiceId).lean<InvoiceDoc>().exec();
      if (!doc) return undefined;
      return { lastEventId: doc.lastEventId, lastOccurredAt: doc.lastOccurredAt.toISOString(), invoice: doc.invoice as unknown as StoredInvoiceState['invoice'] };
    },

    async findInvoice(tenant: string, externalId: string): Promise<InvoiceDoc | null> {
      return models.invoices.findOne({ tenant, externalId }).lean<InvoiceDoc>().exec();
    },

    async receiptsFor(invoiceId: string): Promise<ReceiptDoc[]> {
      return models.receipts.find({ invoiceId }).sort({ receivedAt: 1 }).lean<ReceiptDoc[]>().exec();
    },

    /** False when another submission created the invoice first (the caller then decides again). */
    async insertInvoice(tenant: string, invoiceId: string, submission: InvoiceSubmissionV1, now: Date): Promise<boolean> {
      try {
        await models.invoices.create({
          _id: invoiceId,
          tenant,
          externalId: submission.invoice.externalId,
          debtorExternalId: submission.invoice.debtor.externalId,
          invoice: submission.invoice,
          lastEventId: submission.eventId,
          lastOccurredAt: new Date(submission.occurredAt),
          createdAt: now,
          updatedAt: now,
        });
        return true;
      } catch (error) {
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
    },

    /** Applies the submission only if nothing newer was stored meanwhile; false if it lost that race. */
    async updateInvoiceIfNotNewer(invoiceId: string, submission: InvoiceSubmissionV1, now: Date): Promise<boolean> {
      const result = await models.invoices.updateOne(
        { _id: invoiceId, lastOccurredAt: { $lte: new Date(submission.occurredAt) } },
        { $set: { invoice: submission.invoice, debtorExternalId: submission.invoice.debtor.externalId, lastEventId: submission.eventId, lastOccurredAt: new Date(submission.occurredAt), updatedAt: now } },
      );
      return result.matchedCount === 1;
    },

    /** Idempotent: the same event id is stored once however often it is enqueued. */
    async enqueue(events: PendingEvent[], now: Date): Promise<void> {
      if (events.length === 0) return;
      await models.outbox.bulkWrite(
        events.map((event) => ({
          updateOne: {
            filter: { _id: event.id },
            update: { $setOnInsert: { topic: event.topic, key: event.key, envelope: event.envelope, createdAt: now, publishedAt: null } },
            upsert: true,
          },
        })),
        { ordered: false },
      );
    },

    /** False if the receipt already exists: a concurrent duplicate won. */
    async insertReceipt(receipt: ReceiptDoc): Promise<boolean> {
      try {
        await models.receipts.create(receipt);
        return true;
      } catch (error) {
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
    },

    async pendingEvents(limit: number): Promise<OutboxDoc[]> {
      return models.outbox.find({ publishedAt: null }).sort({ createdAt: 1 }).limit(limit).lean<OutboxDoc[]>().exec();
    },

    async markPublished(ids: string[], now: Date): Promise<void> {
      await models.outbox.updateMany({ _id: { $in: ids } }, { $set: { publishedAt: now } });
    },
  };
}

export type InvoiceStore = ReturnType<typeof createInvoiceStore>;

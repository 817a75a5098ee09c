import { Schema, type Connection } from 'mongoose';
import type { AcceptedEvent } from '../domain/ingest.ts';

/** The invoice as the creditor last sent it (ingestion's own copy; other services keep their own views). */
export interface InvoiceDoc {
  _id: string;
  tenant: string;
  externalId: string;
  debtorExternalId: string;
  invoice: Record<string, unknown>;
  lastEventId: string;
  lastOccurredAt: Date;
  /** Events published for it so far (1 = registration); absent on invoices stored before revisions (see `findStates`). */
  revision?: number;
  /** The event the last accepted submission published (null if none): published again if its receipt is missing. */
  lastEvent: AcceptedEvent | null;
  /** Every submission received for it, in order (duplicates of one already here excepted): read with the invoice, by `_id`. */
  history: HistoryEntry[];
  createdAt: Date;
  updatedAt: Date;
}

export interface HistoryEntry {
  eventId: string;
  door: 'http' | 'kafka' | 'csv';
  outcome: string;
  occurredAt: Date;
  receivedAt: Date;
}

/** One per submission received, whatever its outcome: the support trail and the idempotency key. */
export interface ReceiptDoc {
  _id: string;
  tenant: string;
  invoiceId: string;
  door: 'http' | 'kafka' | 'csv';
  outcome: string;
  occurredAt: Date;
  receivedAt: Date;
}

export interface OutboxEvent {
  id: string;
  topic: string;
  key: string;
  envelope: Record<string, unknown>;
}

/**
 * Events waiting to be published, written before the 202 so that nothing accepted is lost, deleted once Kafka
 * acknowledged them. One document holds up to a few hundred events of one write, in order: the relay then reads,
 * and deletes by `_id`, a handful of documents instead of one per event (each a scan or a commit on FerretDB).
 */
export interface OutboxDoc {
  _id: string;
  events: OutboxEvent[];
  createdAt: Date;
  /** Order within one write, so the documents of one request keep their order at equal createdAt. */
  seq: number;
}

/**
 * An outbox document as stored: its events as one JSON string. Nothing ever queries inside them, and FerretDB
 * converts a nested document field by field on every write, read and delete, but a string in one go.
 */
export interface StoredOutboxDoc {
  _id: string;
  payload: string;
  count: number;
  createdAt: Date;
  seq: number;
}

export function registerModels(db: Connection) {
  const invoices = db.model<InvoiceDoc>(
    'Invoice',
    new Schema<InvoiceDoc>(
      {
        _id: String,
        tenant: { type: String, required: true },
        externalId: { type: String, required: true },
        debtorExternalId: { type: String, required: true },
        invoice: { type: Schema.Types.Mixed, required: true },
        lastEventId: { type: String, required: true },
        lastOccurredAt: { type: Date, required: true },
        revision: Number,
        lastEvent: { type: Schema.Types.Mixed, default: null },
        history: { type: Schema.Types.Mixed, default: [] },
        createdAt: { type: Date, required: true },
        updatedAt: { type: Date, required: true },
      },
      { collection: 'invoices', versionKey: false, minimize: false },
    ),
  );

  const receiptSchema = new Schema<ReceiptDoc>(
    {
      _id: String,
      tenant: { type: String, required: true },
      invoiceId: { type: String, required: true },
      door: { type: String, required: true },
      outcome: { type: String, required: true },
      occurredAt: { type: Date, required: true },
      receivedAt: { type: Date, required: true },
    },
    { versionKey: false },
  );
  /** The receipts of one month (domain/receipt-buckets.ts). */
  const receipts = (bucket: string) => db.models[bucket] ?? db.model<ReceiptDoc>(bucket, receiptSchema, bucket);

  const outbox = db.model<StoredOutboxDoc>(
    'Outbox',
    new Schema<StoredOutboxDoc>(
      {
        _id: String,
        payload: { type: String, required: true },
        count: { type: Number, required: true },
        createdAt: { type: Date, required: true },
        seq: { type: Number, default: 0 },
      },
      { collection: 'outbox', versionKey: false, minimize: false },
    ).index({ createdAt: 1, seq: 1 }),
  );

  return { db, invoices, receipts, outbox };
}

export type IngestionModels = ReturnType<typeof registerModels>;

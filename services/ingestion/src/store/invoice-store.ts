import { createHash } from 'node:crypto';
import { findByIds, forEachConcurrently, insertManyIfAbsent } from '@regua/mongo';
import type { InvoiceSubmissionV1 } from '@regua/contracts';
import type { StoredInvoiceState } from '../domain/ingest.ts';
import { expiredBuckets, keptBuckets, receiptBucket } from '../domain/receipt-buckets.ts';
import type { HistoryEntry, IngestionModels, InvoiceDoc, OutboxDoc, OutboxEvent, ReceiptDoc, StoredOutboxDoc } from './models.ts';

/** An event to publish, as the outbox keeps it. */
export type PendingEvent = OutboxEvent;

export interface InvoiceWrite {
  invoiceId: string;
  tenant: string;
  state: StoredInvoiceState;
  /** The submissions this write answers, appended to the invoice's history. */
  history: HistoryEntry[];
}

/**
 * Ingestion's port onto its own collections. Batch-shaped: FerretDB rewards few, large writes. Receipts are kept
 * `receiptMonths` months (domain/receipt-buckets.ts).
 */
export function createInvoiceStore(models: IngestionModels, options: { receiptMonths: number }) {
  return {
    /** The receipts among `receiptIds` written in the months kept: newest month first, then only what is still missing. */
    async existingReceipts(receiptIds: string[], now: Date): Promise<Set<string>> {
      const found = new Set<string>();
      let missing = [...new Set(receiptIds)];
      for (const bucket of keptBuckets(now, options.receiptMonths)) {
        if (missing.length === 0) break;
        for (const r of await findByIds<{ _id: string }>(models.receipts(bucket), missing, { projection: { _id: 1 } })) found.add(r._id);
        missing = missing.filter((id) => !found.has(id));
      }
      return found;
    },

    /** Invoices by `_id`: the state to fold submissions over, and the event ids of the submissions in their history. */
    async findStates(invoiceIds: string[]): Promise<Map<string, { state: StoredInvoiceState; eventIds: Set<string> }>> {
      const docs = await findByIds<InvoiceDoc>(models.invoices, invoiceIds);
      return new Map(
        docs.map((doc) => [
          doc._id,
          {
            state: {
              lastEventId: doc.lastEventId,
              lastOccurredAt: doc.lastOccurredAt.toISOString(),
              invoice: doc.invoice as unknown as StoredInvoiceState['invoice'],
              revision: doc.revision ?? acceptedInHistory(doc.history ?? []),
              lastEvent: doc.lastEvent ?? undefined,
            },
            eventIds: new Set((doc.history ?? []).map((entry) => entry.eventId)),
          },
        ]),
      );
    },

    /** One invoice with its history, by `_id`: the cost does not grow with the portfolio. */
    async findInvoice(invoiceId: string): Promise<InvoiceDoc | null> {
      return models.invoices.findById(invoiceId).lean<InvoiceDoc>().exec();
    },

    /** Inserts new invoices; returns the ids another writer created first. */
    async insertInvoices(writes: InvoiceWrite[], now: Date): Promise<Set<string>> {
      if (writes.length === 0) return new Set();
      const docs = writes.map((w) => ({ _id: w.invoiceId, tenant: w.tenant, ...stateFields(w.state), history: w.history, createdAt: now, updatedAt: now }));
      return duplicateIds(docs, await insertManyIfAbsent(models.invoices, docs));
    },

    /**
     * Writes the new state only if the invoice is still at the version that was read (optimistic
     * concurrency on lastEventId, since FerretDB has no transactions). False if someone else won.
     */
    async updateInvoice(write: InvoiceWrite, expectedLastEventId: string, now: Date): Promise<boolean> {
      const result = await models.invoices.updateOne({ _id: write.invoiceId, lastEventId: expectedLastEventId }, { $set: { ...stateFields(write.state), updatedAt: now }, $push: { history: { $each: write.history } } });
      return result.matchedCount === 1;
    },

    /** Submissions that changed nothing (stale, unchanged) still go into the invoice's history. */
    async appendHistory(invoiceId: string, entries: HistoryEntry[]): Promise<void> {
      if (entries.length > 0) await models.invoices.updateOne({ _id: invoiceId }, { $push: { history: { $each: entries } } });
    },

    /**
     * Idempotent for a retried write: a document's `_id` is derived from its events' ids, which are derived from
     * the submissions'. Consumers key what they store by event id, so an event enqueued twice is not doubled.
     */
    async enqueue(events: PendingEvent[], beforeInsert?: (docIds: string[]) => void): Promise<OutboxDoc[]> {
      if (events.length === 0) return [];
      // Wall-clock time, not the service clock: the relay's staleness is about real seconds, also in tests.
      const createdAt = new Date();
      const docs: OutboxDoc[] = chunk(events, OUTBOX_EVENTS_PER_DOCUMENT).map((part, seq) => ({ _id: outboxDocId(part), events: part, createdAt, seq }));
      beforeInsert?.(docs.map((doc) => doc._id));
      const inserted = await insertManyIfAbsent(models.outbox, docs.map(toStored));
      return docs.filter((doc) => inserted.has(doc._id));
    },

    /** Returns the receipt ids that already existed (a concurrent duplicate won). */
    async insertReceipts(receipts: ReceiptDoc[], now: Date): Promise<Set<string>> {
      if (receipts.length === 0) return new Set();
      return duplicateIds(receipts, await insertManyIfAbsent(models.receipts(receiptBucket(now)), receipts));
    },

    /** Drops the months of receipts older than those kept; returns the buckets dropped. */
    async dropExpiredReceipts(now: Date): Promise<string[]> {
      const names = (await models.db.db!.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
      const expired = expiredBuckets(names, now, options.receiptMonths);
      // Another replica may drop the same bucket at the same time: gone is what was wanted.
      for (const name of expired) await models.db.db!.dropCollection(name).catch(() => undefined);
      return expired;
    },

    /** The oldest pending documents written before `writtenBefore`, up to about `maxEvents` events (at least one document). */
    async pendingBatches(maxEvents: number, writtenBefore: Date): Promise<OutboxDoc[]> {
      // The outbox holds only what is in flight and the backlog, so this scan (FerretDB filters and sorts in memory) stays small.
      const docs = await models.outbox.find({ createdAt: { $lt: writtenBefore } }).sort({ createdAt: 1, seq: 1 }).limit(Math.max(1, Math.ceil(maxEvents / OUTBOX_EVENTS_PER_DOCUMENT) + 1)).lean<Array<StoredOutboxDoc | LegacyOutboxRow>>().exec();
      const taken: OutboxDoc[] = [];
      let events = 0;
      for (const doc of docs.map(fromStored)) {
        if (taken.length > 0 && events + doc.events.length > maxEvents) break;
        taken.push(doc);
        events += doc.events.length;
      }
      return taken;
    },

    /** Published documents leave the outbox, each deleted by `_id`. */
    async removePublished(docIds: string[]): Promise<void> {
      await forEachConcurrently(docIds, 8, async (_id) => void (await models.outbox.deleteOne({ _id })));
    },

    async countPending(): Promise<number> {
      const docs = await models.outbox.find({}).lean<Array<StoredOutboxDoc | LegacyOutboxRow>>().exec();
      return docs.map(fromStored).reduce((sum, doc) => sum + doc.events.length, 0);
    },
  };
}

/** Events per outbox document: ~1 KB each, so a document stays well below MongoDB's 16 MB. */
export const OUTBOX_EVENTS_PER_DOCUMENT = 250;

function outboxDocId(events: PendingEvent[]): string {
  return createHash('sha256').update(events.map((e) => e.id).join('\n')).digest('base64url');
}

function chunk<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

function toStored(doc: OutboxDoc): StoredOutboxDoc {
  return { _id: doc._id, payload: JSON.stringify(doc.events), count: doc.events.length, createdAt: doc.createdAt, seq: doc.seq };
}

type LegacyOutboxRow = OutboxEvent & { _id: string; createdAt: Date; seq: number };

/** Also reads the outbox's earlier shape (one row per event), so a store upgraded with a backlog drains it. */
function fromStored(doc: StoredOutboxDoc | LegacyOutboxRow): OutboxDoc {
  if ('payload' in doc) return { _id: doc._id, createdAt: doc.createdAt, seq: doc.seq, events: JSON.parse(doc.payload) as OutboxEvent[] };
  return { _id: doc._id, createdAt: doc.createdAt, seq: doc.seq, events: [{ id: doc._id, topic: doc.topic, key: doc.key, envelope: doc.envelope }] };
}

export type InvoiceStore = ReturnType<typeof createInvoiceStore>;

function stateFields(state: StoredInvoiceState) {
  return {
    externalId: state.invoice.externalId,
    debtorExternalId: state.invoice.debtor.externalId,
    invoice: state.invoice as InvoiceSubmissionV1['invoice'],
    lastEventId: state.lastEventId,
    lastOccurredAt: new Date(state.lastOccurredAt),
    ...(state.revision === undefined ? {} : { revision: state.revision }),
    lastEvent: state.lastEvent ?? null,
  };
}

/**
 * The revision of an invoice stored before revisions existed: one per submission of its history that published
 * an event (the registration and each accepted change), at least 1.
 */
function acceptedInHistory(history: HistoryEntry[]): number {
  return Math.max(1, history.filter((entry) => entry.outcome === 'registered' || entry.outcome === 'updated').length);
}

/** The ids of `docs` that were not inserted because they existed already. */
function duplicateIds(docs: Array<{ _id: string }>, inserted: Set<string>): Set<string> {
  return new Set(docs.map((d) => d._id).filter((id) => !inserted.has(id)));
}

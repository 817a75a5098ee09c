import { LRUCache } from 'lru-cache';
import type { CaseDoc, ContactDoc, InvoiceDoc } from './documents.ts';
import type { ReadModelStore } from './read-model.ts';

/** The store as the projection sees it: documents by `_id` through the cache, the rest as is. */
export interface CachedProjectionStore extends ReadModelStore {
  /** Forgets every cached document: the group reassigned partitions, so another replica may have written some. */
  dropCachedDocuments(): void;
  cacheStats(): { hits: number; misses: number; documents: number; chars: number };
}

/**
 * The projection's invoices, cases and contacts as this replica last read or wrote them, kept as JSON (a bounded
 * number of characters, least recently used out first), so that an invoice's next event does not read it back:
 * on FerretDB a read by `_id` costs about as much as the write, and each invoice is read for each of its 4–5 events.
 *
 * Safe because a debtor's documents have one writer: runs are applied one at a time in a replica, and every topic's
 * partition p is assigned to one member of the group (kafka-bus's co-partitioned assigner), so another replica writes
 * a debtor's documents only after a reassignment, which drops the cache. A write that fails drops what it was
 * writing (some of it may be stored); a run that fails mid-way leaves the cache as the store is: each document is
 * cached only once its own write succeeded. A document is handed out as a fresh copy, so a run that changes one and
 * then fails changes nothing here.
 */
export function withDocumentCache(store: ReadModelStore, maxChars: number): CachedProjectionStore {
  let hits = 0;
  let misses = 0;
  const cache = maxChars > 0 ? new LRUCache<string, string>({ maxSize: maxChars, sizeCalculation: (json, key) => json.length + key.length }) : null;

  const cached = <T extends { _id: string }>(kind: string, read: (id: string) => Promise<T | null>) =>
    async (id: string): Promise<T | null> => {
      const json = cache?.get(`${kind}:${id}`);
      if (json !== undefined) {
        hits++;
        return JSON.parse(json) as T;
      }
      misses++;
      const doc = await read(id);
      if (doc) cache?.set(`${kind}:${id}`, JSON.stringify(doc));
      return doc;
    };

  const saved = <T extends { _id: string }>(kind: string, save: (docs: readonly T[], fresh?: ReadonlySet<string>) => Promise<void>) =>
    async (docs: readonly T[], fresh?: ReadonlySet<string>): Promise<void> => {
      try {
        await save(docs, fresh);
      } catch (error) {
        for (const doc of docs) cache?.delete(`${kind}:${doc._id}`);
        throw error;
      }
      for (const doc of docs) cache?.set(`${kind}:${doc._id}`, JSON.stringify(doc));
    };

  return {
    ...store,
    invoice: cached<InvoiceDoc>('invoice', store.invoice),
    case: cached<CaseDoc>('case', store.case),
    contact: cached<ContactDoc>('contact', store.contact),
    saveInvoices: saved<InvoiceDoc>('invoice', store.saveInvoices),
    saveCases: saved<CaseDoc>('case', store.saveCases),
    saveContacts: saved<ContactDoc>('contact', store.saveContacts),
    dropCachedDocuments: () => cache?.clear(),
    cacheStats: () => ({ hits, misses, documents: cache?.size ?? 0, chars: cache?.calculatedSize ?? 0 }),
  };
}

import type { CollectionStatistics } from '@regua/local-infra';

/** What one collection cost the store during a run (PostgreSQL's counters, end minus start). */
export interface StoreOps {
  collection: string;
  indexScans: number;
  rowsScanned: number;
  inserted: number;
  updated: number;
  deleted: number;
}

const FIELDS = ['indexScans', 'rowsScanned', 'inserted', 'updated', 'deleted'] as const;

/**
 * The services' collections (databases `regua_*`) that did anything between the two reads, the busiest first (by
 * index scans, then rows scanned). A collection created during the run counts from zero.
 */
export function storeOpsBetween(before: readonly CollectionStatistics[], after: readonly CollectionStatistics[]): StoreOps[] {
  const start = new Map(before.map((s) => [s.collection, s]));
  return after
    .filter((s) => s.collection.startsWith('regua_'))
    .map((s) => {
      const from = start.get(s.collection);
      const ops: StoreOps = { collection: s.collection, indexScans: 0, rowsScanned: 0, inserted: 0, updated: 0, deleted: 0 };
      for (const field of FIELDS) ops[field] = s[field] - (from?.[field] ?? 0);
      return ops;
    })
    .filter((ops) => FIELDS.some((field) => ops[field] > 0))
    .sort((a, b) => b.indexScans - a.indexScans || b.rowsScanned - a.rowsScanned || a.collection.localeCompare(b.collection));
}

/** The sums over collections. */
export function storeOpsTotal(ops: readonly StoreOps[]): Omit<StoreOps, 'collection'> {
  const total = { indexScans: 0, rowsScanned: 0, inserted: 0, updated: 0, deleted: 0 };
  for (const o of ops) for (const field of FIELDS) total[field] += o[field];
  return total;
}

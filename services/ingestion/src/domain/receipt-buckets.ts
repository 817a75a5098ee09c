/**
 * Receipts (one per submission answered: the idempotency key) are kept in one collection per UTC month, so that
 * retention drops a whole month at once: FerretDB has no TTL index, and deleting old documents one by one would
 * scan. A receipt is looked for in the months still kept, newest first; older months are dropped.
 */
const PREFIX = 'ingestion_receipts_';

/** `ingestion_receipts_202611`: the month of `at`, UTC. */
export function receiptBucket(at: Date): string {
  return PREFIX + at.toISOString().slice(0, 7).replace('-', '');
}

/** The buckets a receipt written in the last `months` months (this one included) can be in, newest first. */
export function keptBuckets(now: Date, months: number): string[] {
  return Array.from({ length: months }, (_, back) => receiptBucket(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1))));
}

/** Receipt buckets among `names` older than the kept months. */
export function expiredBuckets(names: readonly string[], now: Date, months: number): string[] {
  const oldestKept = keptBuckets(now, months).at(-1)!;
  return names.filter((name) => /^ingestion_receipts_\d{6}$/.test(name) && name < oldestKept);
}

/**
 * Bureau answers are cached in one collection per span of `ttlDays` (`bureau_cache_<yyyymmdd>`, the span's first UTC
 * day), so that expiry drops whole collections: FerretDB has no TTL index and deleting documents one by one would
 * scan. An answer written in span n expires before span n+2 starts, so a lookup reads the current span and the one
 * before (by `_id`), and every older span is dropped.
 */
const PREFIX = 'bureau_cache_';
const DAY_MS = 86_400_000;

/** The collection an answer fetched at `at` goes to. */
export function cacheBucket(at: Date, ttlDays: number): string {
  const span = Math.floor(at.getTime() / DAY_MS / ttlDays);
  return PREFIX + new Date(span * ttlDays * DAY_MS).toISOString().slice(0, 10).replace(/-/g, '');
}

/** The buckets an answer still fresh at `now` can be in, newest first. */
export function liveCacheBuckets(now: Date, ttlDays: number): [string, string] {
  return [cacheBucket(now, ttlDays), cacheBucket(new Date(now.getTime() - ttlDays * DAY_MS), ttlDays)];
}

/** Cache buckets among `names` that can hold nothing fresh any more. */
export function expiredCacheBuckets(names: readonly string[], now: Date, ttlDays: number): string[] {
  const oldestLive = liveCacheBuckets(now, ttlDays)[1];
  return names.filter((name) => /^bureau_cache_\d{8}$/.test(name) && name < oldestLive);
}

/**
 * The counters of lookups per tenant and day live in one collection per UTC month (`bureau_budget_<yyyymm>`); a
 * month is dropped once the next is over.
 */
export function budgetBucket(day: string): string {
  return `bureau_budget_${day.slice(0, 7).replace('-', '')}`;
}

/** Budget months among `names` older than last month's. */
export function expiredBudgetBuckets(names: readonly string[], now: Date): string[] {
  const lastMonth = `bureau_budget_${new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7).replace('-', '')}`;
  return names.filter((name) => /^bureau_budget_\d{6}$/.test(name) && name < lastMonth);
}

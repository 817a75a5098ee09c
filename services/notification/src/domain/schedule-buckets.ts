/**
 * The reminder schedule is cut into time buckets, one MongoDB collection each, so that a dispatcher tick
 * reads what falls due now and never the whole portfolio: FerretDB answers every range query with a scan,
 * so the collection scanned must be small. Ten minutes is a bucket: a tick scans at most that much of the
 * future, and a 30-day cadence needs at most 4,320 of them.
 */
export const BUCKET_MS = 10 * 60_000;
const PREFIX = 'schedule_';

/** `schedule_202611241350`: UTC, sortable as text, a legal collection name everywhere. */
export function bucketName(at: Date): string {
  const start = new Date(Math.floor(at.getTime() / BUCKET_MS) * BUCKET_MS);
  return PREFIX + start.toISOString().slice(0, 16).replace(/[-T:]/g, '');
}

export function isBucketName(name: string): boolean {
  return /^schedule_\d{12}$/.test(name);
}

export function bucketStart(name: string): Date {
  const digits = name.slice(PREFIX.length);
  return new Date(`${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}T${digits.slice(8, 10)}:${digits.slice(10, 12)}:00Z`);
}

/** Buckets that may hold something due at `now`, oldest first. */
export function dueBuckets(names: readonly string[], now: Date): string[] {
  return names.filter((n) => isBucketName(n) && bucketStart(n).getTime() <= now.getTime()).sort();
}

/**
 * A bucket that ended more than a grace period ago gets no new entries (writers never schedule into the
 * past), so once drained it can be dropped whole. The grace covers a writer that read the clock just before
 * the bucket ended.
 */
export const DROP_GRACE_MS = 60_000;
export function isClosedBucket(name: string, now: Date): boolean {
  return bucketStart(name).getTime() + BUCKET_MS + DROP_GRACE_MS <= now.getTime();
}

/**
 * Due bureau steps are cut into one collection per UTC day, so a tick reads what falls due today and never every
 * registration: FerretDB answers a range query with a scan, so the collection scanned must stay small. Legal steps
 * are counted in days (waiting periods, business-day deadlines, five-year limits), so a day is a bucket.
 */
const PREFIX = 'legal_due_';
const DAY_MS = 86_400_000;

export function bucketName(at: Date): string {
  return PREFIX + at.toISOString().slice(0, 10).replace(/-/g, '');
}

export function isBucketName(name: string): boolean {
  return /^legal_due_\d{8}$/.test(name);
}

export function bucketStart(name: string): Date {
  const digits = name.slice(PREFIX.length);
  return new Date(`${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}T00:00:00Z`);
}

/** Buckets that may hold something due at `now`, oldest first. */
export function dueBuckets(names: readonly string[], now: Date): string[] {
  return names.filter((n) => isBucketName(n) && bucketStart(n).getTime() <= now.getTime()).sort();
}

/** A day over for more than a minute gets no new entries (writers never schedule into the past): once drained, it goes. */
export function isClosedBucket(name: string, now: Date): boolean {
  return bucketStart(name).getTime() + DAY_MS + 60_000 <= now.getTime();
}

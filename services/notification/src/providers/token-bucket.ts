/**
 * A provider's send rate, pure: a bucket of `burst` tokens refilled at `perSecond`. A send takes a token, and when
 * none is left reserves the next one (the count goes below zero) and waits until it is due, so that concurrent sends
 * queue in order instead of polling. A wait beyond `maxWaitMs` is refused and reserves nothing.
 */
export interface TokenBucketSettings {
  perSecond: number;
  burst: number;
}

export interface TokenBucket {
  tokens: number;
  /** When `tokens` was counted (ms since the epoch). */
  at: number;
}

export type Reservation = { granted: true; bucket: TokenBucket; waitMs: number } | { granted: false; bucket: TokenBucket; waitMs: number };

export function fullBucket(settings: TokenBucketSettings, now: number): TokenBucket {
  return { tokens: settings.burst, at: now };
}

export function refill(bucket: TokenBucket, settings: TokenBucketSettings, now: number): TokenBucket {
  if (now <= bucket.at) return bucket;
  return { tokens: Math.min(settings.burst, bucket.tokens + ((now - bucket.at) * settings.perSecond) / 1000), at: now };
}

/** One token at `now`: granted after `waitMs` (0: at once), or refused when that would be longer than `maxWaitMs`. */
export function reserve(bucket: TokenBucket, settings: TokenBucketSettings, now: number, maxWaitMs: number): Reservation {
  const current = refill(bucket, settings, now);
  const after = current.tokens - 1;
  const waitMs = after >= 0 ? 0 : Math.ceil((-after * 1000) / settings.perSecond);
  if (waitMs > maxWaitMs) return { granted: false, bucket: current, waitMs };
  return { granted: true, bucket: { tokens: after, at: current.at }, waitMs };
}

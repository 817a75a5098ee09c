export interface RetryPolicy {
  /** Attempts after the first one. */
  retries: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** Longest pause between tries while waiting out an outage, which has no retry limit. Default 30 s. */
  outageMaxDelayMs?: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 5, initialDelayMs: 200, maxDelayMs: 10_000 };
export const DEFAULT_OUTAGE_MAX_DELAY_MS = 30_000;

/** Exponential backoff with full jitter; `random` is injected so tests can pin it. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

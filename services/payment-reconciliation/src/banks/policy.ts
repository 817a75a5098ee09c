/**
 * When the bank adapter tries again, pure: time and randomness come in. Only idempotent calls reach it (a
 * registration names its nosso número, a write-off its boleto), so a 5xx or a timeout whose outcome is unknown is
 * safe to repeat.
 */
export type AttemptFailure = { kind: 'network' | 'timeout' | 'breaker-open' | 'invalid-answer' } | { kind: 'status'; status: number; retryAfter?: string };

export interface RetryPolicy {
  /** Attempts after the first. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: string };

export function decideRetry(failure: AttemptFailure, attempt: number, policy: RetryPolicy, now: Date, random: () => number): RetryDecision {
  if (failure.kind === 'breaker-open') return { retry: false, reason: 'circuit open' };
  if (failure.kind === 'invalid-answer') return { retry: false, reason: 'answer does not match the contract' };
  const what = failure.kind === 'status' ? `HTTP ${failure.status}` : failure.kind;
  if (failure.kind === 'status' && failure.status < 500 && failure.status !== 429) return { retry: false, reason: what };
  if (attempt >= policy.retries) return { retry: false, reason: `gave up after ${attempt + 1} attempts (${what})` };
  if (failure.kind === 'status' && failure.status === 429) {
    const waitMs = retryAfterMs(failure.retryAfter, now);
    if (waitMs === undefined || waitMs > policy.maxDelayMs) return { retry: false, reason: '429 without a Retry-After within the cap' };
    return { retry: true, delayMs: waitMs };
  }
  // Full jitter: uniform in [0, min(cap, base·2^attempt)].
  return { retry: true, delayMs: Math.round(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt)) };
}

function retryAfterMs(header: string | undefined, now: Date): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

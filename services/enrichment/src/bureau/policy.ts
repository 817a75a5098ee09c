/**
 * The adapter's decisions, pure: which failures are worth another attempt, after how long, and when to stop. The HTTP
 * client (http-bureau.ts) feeds them what happened; time and randomness come in as arguments.
 */

/** What one attempt ended with, as far as retrying cares. */
export type AttemptFailure =
  | { kind: 'network'; code?: string }
  | { kind: 'timeout' }
  | { kind: 'status'; status: number; retryAfter?: string }
  | { kind: 'breaker-open' }
  | { kind: 'invalid-answer' };

export interface RetryPolicy {
  /** Attempts after the first. */
  retries: number;
  /** First backoff; doubles with each attempt, with full jitter. */
  baseDelayMs: number;
  /** No wait is longer: neither a backoff nor a Retry-After (a longer Retry-After gives up instead). */
  maxDelayMs: number;
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: string };

/**
 * After failed attempt number `attempt` (0 for the first): retry the network, timeouts, 5xx and a 429 that says when
 * (Retry-After within the cap); never a breaker that is open, a 4xx, or an answer that does not parse.
 */
export function decideRetry(failure: AttemptFailure, attempt: number, policy: RetryPolicy, now: Date, random: () => number): RetryDecision {
  if (failure.kind === 'breaker-open') return { retry: false, reason: 'circuit open' };
  if (failure.kind === 'invalid-answer') return { retry: false, reason: 'answer does not match the contract' };
  if (attempt >= policy.retries) return { retry: false, reason: `gave up after ${attempt + 1} attempts (${describe(failure)})` };
  if (failure.kind === 'status') {
    if (failure.status === 429) {
      const waitMs = retryAfterMs(failure.retryAfter, now);
      if (waitMs === undefined) return { retry: false, reason: '429 without Retry-After' };
      if (waitMs > policy.maxDelayMs) return { retry: false, reason: `429, Retry-After ${waitMs} ms is beyond the cap` };
      return { retry: true, delayMs: waitMs };
    }
    if (failure.status < 500) return { retry: false, reason: `HTTP ${failure.status}` };
  }
  return { retry: true, delayMs: backoffDelay(attempt, policy, random) };
}

/** Exponential backoff with full jitter: uniform in [0, min(cap, base·2^attempt)]. */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number): number {
  return Math.round(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt));
}

/** Retry-After as delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now: Date): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

function describe(failure: AttemptFailure): string {
  switch (failure.kind) {
    case 'network':
      return `network${failure.code ? ` ${failure.code}` : ''}`;
    case 'status':
      return `HTTP ${failure.status}`;
    default:
      return failure.kind;
  }
}

import { backoffDelay, decideRetry, retryAfterMs, type RetryPolicy } from './policy.ts';

const NOW = new Date('2026-11-26T12:00:00Z');
const policy: RetryPolicy = { retries: 2, baseDelayMs: 100, maxDelayMs: 1_000 };
const top = () => 0.999999;

describe('bureau retry decisions', () => {
  test.each([
    ['a timeout', { kind: 'timeout' } as const],
    ['a reset connection', { kind: 'network', code: 'ECONNRESET' } as const],
    ['a 503', { kind: 'status', status: 503 } as const],
  ])('Given %s on the first attempt, then it is retried after a backoff', (_, failure) => {
    expect(decideRetry(failure, 0, policy, NOW, top)).toEqual({ retry: true, delayMs: 100 });
  });

  test('Given failures, then the backoff doubles per attempt up to the cap, with full jitter', () => {
    expect([0, 1, 2, 5].map((n) => backoffDelay(n, policy, top))).toEqual([100, 200, 400, 1000]);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
  });

  test('Given the retries are used up, then it gives up', () => {
    expect(decideRetry({ kind: 'timeout' }, 2, policy, NOW, top)).toEqual({ retry: false, reason: 'gave up after 3 attempts (timeout)' });
  });

  test.each([400, 401, 403, 404, 422])('Given HTTP %i, then it is not retried', (status) => {
    expect(decideRetry({ kind: 'status', status }, 0, policy, NOW, top).retry).toBe(false);
  });

  test('Given a 429 with Retry-After within the cap, then it waits that long; without one, or beyond the cap, it gives up', () => {
    expect(decideRetry({ kind: 'status', status: 429, retryAfter: '1' }, 0, policy, NOW, top)).toEqual({ retry: true, delayMs: 1000 });
    expect(decideRetry({ kind: 'status', status: 429, retryAfter: new Date(NOW.getTime() + 500).toUTCString() }, 0, policy, NOW, top)).toEqual({ retry: true, delayMs: 0 });
    expect(decideRetry({ kind: 'status', status: 429 }, 0, policy, NOW, top).retry).toBe(false);
    expect(decideRetry({ kind: 'status', status: 429, retryAfter: '60' }, 0, policy, NOW, top).retry).toBe(false);
  });

  test('Given an open circuit or an answer outside the contract, then it does not retry', () => {
    expect(decideRetry({ kind: 'breaker-open' }, 0, policy, NOW, top)).toEqual({ retry: false, reason: 'circuit open' });
    expect(decideRetry({ kind: 'invalid-answer' }, 0, policy, NOW, top).retry).toBe(false);
  });

  test('Retry-After reads seconds and HTTP dates', () => {
    expect(retryAfterMs('3', NOW)).toBe(3000);
    expect(retryAfterMs('Thu, 26 Nov 2026 12:00:05 GMT', NOW)).toBe(5000);
    expect(retryAfterMs('soon', NOW)).toBeUndefined();
    expect(retryAfterMs(undefined, NOW)).toBeUndefined();
  });
});

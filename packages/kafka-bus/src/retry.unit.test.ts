import { backoffDelay, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.ts';

const POLICY: RetryPolicy = { retries: 10, initialDelayMs: 100, maxDelayMs: 1_000 };
const lowest = () => 0;
const highest = () => 1;

describe('backoffDelay', () => {
  test('Given the highest jitter, then the delay doubles per attempt: 100, 200, 400, 800 ms', () => {
    // ceiling = initialDelayMs × 2^attempt
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(attempt, POLICY, highest))).toEqual([100, 200, 400, 800]);
  });

  test('Given attempts whose ceiling passes maxDelayMs, then the delay stays at maxDelayMs', () => {
    // 100 × 2^4 = 1600 > 1000, and so on
    expect([4, 5, 10, 30].map((attempt) => backoffDelay(attempt, POLICY, highest))).toEqual([1_000, 1_000, 1_000, 1_000]);
  });

  test('Given the lowest jitter, then the delay is half the ceiling', () => {
    expect([0, 1, 2, 3, 4, 10].map((attempt) => backoffDelay(attempt, POLICY, lowest))).toEqual([50, 100, 200, 400, 500, 500]);
  });

  test('Given any jitter, then the delay stays within [ceiling/2, ceiling]', () => {
    for (let attempt = 0; attempt < 8; attempt++) {
      const ceiling = Math.min(POLICY.maxDelayMs, POLICY.initialDelayMs * 2 ** attempt);
      for (const r of [0, 0.25, 0.5, 0.999, 1]) {
        const delay = backoffDelay(attempt, POLICY, () => r);
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  test('Given a middle jitter, then the delay lies three quarters of the way to the ceiling', () => {
    // ceiling 400 at attempt 2: 400/2 + 0.5 × 400/2 = 300
    expect(backoffDelay(2, POLICY, () => 0.5)).toBe(300);
  });

  test('Given no random source, then Math.random is used and the bounds still hold', () => {
    const delay = backoffDelay(0, DEFAULT_RETRY_POLICY);
    expect(delay).toBeGreaterThanOrEqual(DEFAULT_RETRY_POLICY.initialDelayMs / 2);
    expect(delay).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.initialDelayMs);
  });
});

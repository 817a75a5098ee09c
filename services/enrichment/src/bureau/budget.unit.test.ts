import { allowance, budgetDay } from './budget.ts';
import { budgetBucket, cacheBucket, expiredBudgetBuckets, expiredCacheBuckets, liveCacheBuckets } from './cache-buckets.ts';

describe('the per-tenant daily budget', () => {
  test('Given a reservation that fits, then all of it is allowed', () => {
    expect(allowance(10, 10, 100)).toBe(10);
    expect(allowance(10, 100, 100)).toBe(10);
  });

  test('Given a reservation that crosses the budget, then only what was left is allowed; past it, nothing', () => {
    expect(allowance(10, 105, 100)).toBe(5);
    expect(allowance(10, 140, 100)).toBe(0);
    expect(allowance(3, 3, 0)).toBe(0);
  });

  test('The billing day is São Paulo\'s: 01:00 UTC is still the day before', () => {
    expect(budgetDay(new Date('2026-11-27T01:00:00Z'))).toBe('2026-11-26');
    expect(budgetDay(new Date('2026-11-27T03:00:00Z'))).toBe('2026-11-27');
    expect(budgetBucket('2026-11-26')).toBe('bureau_budget_202611');
  });

  test('Budget months older than last month are dropped', () => {
    expect(expiredBudgetBuckets(['bureau_budget_202609', 'bureau_budget_202610', 'bureau_budget_202611', 'other'], new Date('2026-11-26T12:00:00Z'))).toEqual(['bureau_budget_202609']);
  });
});

describe('cache spans', () => {
  const TTL = 30;
  const now = new Date('2026-11-26T12:00:00Z');

  test('Given an answer cached now, then it is in the first live span, and a fresh one can only be in the last two spans', () => {
    const [current, previous] = liveCacheBuckets(now, TTL);
    expect(cacheBucket(now, TTL)).toBe(current);
    expect(cacheBucket(new Date(now.getTime() - TTL * 86_400_000), TTL)).toBe(previous);
    expect(current).toMatch(/^bureau_cache_\d{8}$/);
    expect(previous < current).toBe(true);
  });

  test('Given an answer written at the very start of the previous span, then it has expired by the time its span is dropped', () => {
    const [, previous] = liveCacheBuckets(now, TTL);
    const older = cacheBucket(new Date(now.getTime() - 2 * TTL * 86_400_000), TTL);
    expect(expiredCacheBuckets([older, previous, 'bureau_cache_x'], now, TTL)).toEqual([older]);
  });
});

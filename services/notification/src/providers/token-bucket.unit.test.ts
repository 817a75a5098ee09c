import { fullBucket, refill, reserve, type TokenBucketSettings } from './token-bucket.ts';

const TEN_A_SECOND: TokenBucketSettings = { perSecond: 10, burst: 3 };

describe('the token bucket', () => {
  test('Given a full bucket, then a burst goes at once and the next send waits for the refill', () => {
    let bucket = fullBucket(TEN_A_SECOND, 0);
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      const turn = reserve(bucket, TEN_A_SECOND, 0, 1_000);
      expect(turn.granted).toBe(true);
      bucket = turn.bucket;
      waits.push(turn.waitMs);
    }
    // Three from the burst, then one every 100 ms, queued in order.
    expect(waits).toEqual([0, 0, 0, 100, 200]);
  });

  test('Given a wait longer than allowed, then the send is refused and reserves nothing', () => {
    let bucket = fullBucket({ perSecond: 1, burst: 1 }, 0);
    bucket = reserve(bucket, { perSecond: 1, burst: 1 }, 0, 0).bucket;
    const refused = reserve(bucket, { perSecond: 1, burst: 1 }, 0, 500);
    expect(refused).toMatchObject({ granted: false, waitMs: 1_000 });
    expect(refused.bucket.tokens).toBe(0);
    expect(reserve(refused.bucket, { perSecond: 1, burst: 1 }, 1_000, 0)).toMatchObject({ granted: true, waitMs: 0 });
  });

  test('Refilling never goes past the burst, and time going backwards changes nothing', () => {
    const bucket = { tokens: 0, at: 1_000 };
    expect(refill(bucket, TEN_A_SECOND, 1_150).tokens).toBeCloseTo(1.5);
    expect(refill(bucket, TEN_A_SECOND, 60_000).tokens).toBe(3);
    expect(refill(bucket, TEN_A_SECOND, 500)).toBe(bucket);
  });
});

import { agingOf, bucketOf, rollRatesOf, type DueCohort } from './aging.ts';

describe('aging buckets', () => {
  test.each([
    ['2026-12-10', 'current'],
    ['2026-12-01', 'current'],
    ['2026-11-30', '1-30'],
    ['2026-11-01', '1-30'],
    ['2026-10-31', '31-60'],
    ['2026-10-02', '31-60'],
    ['2026-10-01', '61-90'],
    ['2026-09-02', '61-90'],
    ['2026-09-01', '91-180'],
    ['2026-06-04', '91-180'],
    ['2026-06-03', '180+'],
  ])('due %s is in bucket %s on 2026-12-01', (due, bucket) => {
    expect(bucketOf(due, '2026-12-01')).toBe(bucket);
  });

  test('the same cohorts move to older buckets as days pass, with no change to the counters', () => {
    const cohorts: DueCohort[] = [{ dueDate: '2026-11-01', openCount: 2, openCents: 300, placedCount: 3, placedCents: 500 }];
    expect(agingOf(cohorts, '2026-11-20').find((b) => b.bucket === '1-30')).toMatchObject({ openCount: 2, openCents: 300 });
    expect(agingOf(cohorts, '2026-12-20').find((b) => b.bucket === '31-60')).toMatchObject({ openCount: 2, openCents: 300 });
  });

  test('roll rate into a bucket is the share of its cohorts\' placed amount still open', () => {
    const cohorts: DueCohort[] = [
      { dueDate: '2026-11-20', openCount: 4, openCents: 400, placedCount: 5, placedCents: 500 },
      { dueDate: '2026-10-15', openCount: 1, openCents: 100, placedCount: 4, placedCents: 400 },
      { dueDate: '2026-10-10', openCount: 1, openCents: 50, placedCount: 1, placedCents: 100 },
    ];
    const rates = rollRatesOf(agingOf(cohorts, '2026-12-01'));
    expect(rates.map((r) => `${r.from}>${r.to}`)).toEqual(['1-30>31-60', '31-60>61-90', '61-90>91-180', '91-180>180+']);
    expect(rates[0]).toMatchObject({ openCents: 150, placedCents: 500, rate: 0.3 });
    expect(rates[1]!.rate).toBeNull();
  });
});

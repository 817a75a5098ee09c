import { BUCKET_MS, bucketName, bucketStart, dueBuckets, isClosedBucket } from './schedule-buckets.ts';

describe('schedule buckets', () => {
  test('a time falls into the ten-minute bucket that starts at or before it', () => {
    expect(bucketName(new Date('2026-11-24T13:57:59.999Z'))).toBe('schedule_202611241350');
    expect(bucketName(new Date('2026-11-24T14:00:00.000Z'))).toBe('schedule_202611241400');
    expect(bucketStart('schedule_202611241350')).toEqual(new Date('2026-11-24T13:50:00Z'));
  });

  test('bucket names sort like their times, across days and months', () => {
    const times = ['2026-12-01T00:00:00Z', '2026-11-30T23:50:00Z', '2026-11-24T13:50:00Z'].map((t) => new Date(t));
    const names = times.map(bucketName);
    expect([...names].sort()).toEqual([names[2], names[1], names[0]]);
  });

  test('only buckets that have started are due, oldest first; other collections are ignored', () => {
    const now = new Date('2026-11-24T14:05:00Z');
    const names = ['schedule_202611241410', 'cases', 'schedule_202611241400', 'schedule_202611231200', 'schedule_x'];
    expect(dueBuckets(names, now)).toEqual(['schedule_202611231200', 'schedule_202611241400']);
  });

  test('a bucket is closed for writes a grace minute after it ends', () => {
    const name = 'schedule_202611241350';
    const end = bucketStart(name).getTime() + BUCKET_MS;
    expect(isClosedBucket(name, new Date(end))).toBe(false);
    expect(isClosedBucket(name, new Date(end + 59_999))).toBe(false);
    expect(isClosedBucket(name, new Date(end + 60_000))).toBe(true);
  });
});

import { bucketName, dueBuckets, isClosedBucket } from './due-buckets.ts';

describe('due-step buckets', () => {
  test('one bucket per UTC day; a tick reads only the days that have started', () => {
    expect(bucketName(new Date('2026-03-13T03:00:00Z'))).toBe('legal_due_20260313');
    const names = ['legal_due_20260314', 'legal_due_20260312', 'legal_due_20260313', 'schedule_202603130000', 'legal_settings'];
    expect(dueBuckets(names, new Date('2026-03-13T10:00:00Z'))).toEqual(['legal_due_20260312', 'legal_due_20260313']);
  });

  test('a day is dropped only after it ended, with a minute of grace', () => {
    expect(isClosedBucket('legal_due_20260312', new Date('2026-03-13T00:00:30Z'))).toBe(false);
    expect(isClosedBucket('legal_due_20260312', new Date('2026-03-13T00:01:00Z'))).toBe(true);
  });
});

import { coPartitionedAssignment, type TopicPartition } from './co-partitioned-assigner.ts';

const partitionsOf = (topics: string[], count: number): TopicPartition[] => topics.flatMap((topic) => Array.from({ length: count }, (_, partition) => ({ topic, partition })));

describe('coPartitionedAssignment', () => {
  test('partition p of every topic goes to one member, and every partition to exactly one', () => {
    const assignment = coPartitionedAssignment(['member-b', 'member-a'], partitionsOf(['invoices', 'cases', 'payments'], 6));
    expect(Object.fromEntries(assignment)).toEqual({
      'member-a': { invoices: [0, 2, 4], cases: [0, 2, 4], payments: [0, 2, 4] },
      'member-b': { invoices: [1, 3, 5], cases: [1, 3, 5], payments: [1, 3, 5] },
    });
  });

  test('the same split whatever order the members are listed in', () => {
    const partitions = partitionsOf(['a', 'b'], 6);
    expect(coPartitionedAssignment(['m3', 'm1', 'm2'], partitions)).toEqual(coPartitionedAssignment(['m1', 'm2', 'm3'], partitions));
  });

  test('one member gets everything; members beyond the partition count get nothing', () => {
    expect(Object.fromEntries(coPartitionedAssignment(['only'], partitionsOf(['a'], 3)))).toEqual({ only: { a: [0, 1, 2] } });
    const many = coPartitionedAssignment(['m1', 'm2', 'm3', 'm4'], partitionsOf(['a', 'b'], 2));
    expect(Object.fromEntries(many)).toEqual({ m1: { a: [0], b: [0] }, m2: { a: [1], b: [1] }, m3: {}, m4: {} });
  });

  test('a topic goes only to the members subscribed to it, still by partition among them', () => {
    const subscribed = new Map([
      ['m1', ['a', 'b']],
      ['m2', ['a']],
      ['m3', ['a', 'b']],
    ]);
    const assignment = coPartitionedAssignment(['m1', 'm2', 'm3'], partitionsOf(['a', 'b'], 4), subscribed);
    expect(Object.fromEntries(assignment)).toEqual({ m1: { a: [0, 3], b: [0, 2] }, m2: { a: [1] }, m3: { a: [2], b: [1, 3] } });
  });

  test('no members, no assignment', () => {
    expect(coPartitionedAssignment([], partitionsOf(['a'], 3)).size).toBe(0);
  });
});

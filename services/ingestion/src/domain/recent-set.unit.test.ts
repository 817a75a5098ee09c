import { RecentSet } from './recent-set.ts';

describe('RecentSet', () => {
  test('keeps the most recently added entries up to its capacity, forgetting the oldest', () => {
    const set = new RecentSet(2);
    set.add('a');
    set.add('b');
    set.add('a'); // seen again: now the most recent
    set.add('c');
    expect(['a', 'b', 'c'].filter((x) => set.has(x))).toEqual(['a', 'c']);
  });
});

import { oneAtATime } from './one-at-a-time.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('oneAtATime', () => {
  test('Given calls for one key, then each starts after the one before has settled, failed or not, in call order', async () => {
    const serial = oneAtATime();
    const log: string[] = [];
    const step = (name: string, fail = false) => async () => {
      log.push(`${name} start`);
      await tick();
      log.push(`${name} end`);
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([serial('d1', step('a')), serial('d1', step('b', true)), serial('d1', step('c'))]);
    expect(log).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  test('Given calls for different keys, then they run at the same time', async () => {
    const serial = oneAtATime();
    const log: string[] = [];
    const step = (name: string) => async () => {
      log.push(`${name} start`);
      await tick();
      log.push(`${name} end`);
    };
    await Promise.all([serial('d1', step('a')), serial('d2', step('b'))]);
    expect(log.slice(0, 2)).toEqual(['a start', 'b start']);
  });
});

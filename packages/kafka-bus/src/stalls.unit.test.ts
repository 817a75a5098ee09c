import { createStallTracker } from './stalls.ts';

function tracker() {
  let clock = 0;
  const log: string[] = [];
  const stalls = createStallTracker({ started: (where, error) => log.push(`started ${where}: ${error}`), ended: (ms) => log.push(`ended after ${ms} ms`) }, () => new Date(clock));
  return { stalls, log, advance: (ms: number) => (clock += ms) };
}

describe('stall tracking', () => {
  test('Given two partitions stalling and recovering, then one start and one end are reported, and since() is the oldest stall', () => {
    const { stalls, log, advance } = tracker();
    expect(stalls.since()).toBeUndefined();
    stalls.enter('t[0]', 'mongo down');
    advance(1_000);
    stalls.enter('t[1]', 'mongo down');
    stalls.enter('t[0]', 'mongo still down');
    expect(stalls.since()).toEqual(new Date(0));
    advance(1_000);
    stalls.leave('t[0]');
    expect(stalls.since()).toEqual(new Date(1_000));
    advance(500);
    stalls.leave('t[1]');
    expect(stalls.since()).toBeUndefined();
    expect(log).toEqual(['started t[0]: mongo down', 'ended after 2500 ms']);
  });

  test('Given a partition that never stalled, then leaving it reports nothing', () => {
    const { stalls, log } = tracker();
    stalls.leave('t[0]');
    expect(log).toEqual([]);
  });
});

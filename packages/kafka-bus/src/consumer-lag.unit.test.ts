import { partitionLag } from './consumer-lag.ts';

describe('partitionLag', () => {
  test('Given a committed offset, then the lag is what lies between it and the end of the log', () => {
    expect(partitionLag({ partition: 0, low: '0', high: '120', committed: '100' })).toBe(20);
    expect(partitionLag({ partition: 0, low: '0', high: '120', committed: '120' })).toBe(0);
  });

  test('Given a group that has committed nothing, then everything still in the log is behind', () => {
    expect(partitionLag({ partition: 0, low: '40', high: '120', committed: '-1' })).toBe(80);
  });

  test('Given a committed offset retention has passed, then the lag counts from the start of the log', () => {
    expect(partitionLag({ partition: 0, low: '500', high: '520', committed: '10' })).toBe(20);
  });

  test('Given a committed offset ahead of the end seen (offsets read a moment apart), then the lag is zero, never negative', () => {
    expect(partitionLag({ partition: 0, low: '0', high: '100', committed: '101' })).toBe(0);
  });
});

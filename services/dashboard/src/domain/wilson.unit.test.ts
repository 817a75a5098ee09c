import { clearlyBetter, wilsonInterval } from './wilson.ts';

describe('wilsonInterval', () => {
  test('matches the published 95% interval for 81 of 263 (Wilson 1927, as in Newcombe 1998: 0.2553–0.3662)', () => {
    const { rate, low, high } = wilsonInterval(81, 263);
    expect(rate).toBeCloseTo(81 / 263, 10);
    expect(low).toBeCloseTo(0.2553, 4);
    expect(high).toBeCloseTo(0.3662, 4);
  });

  test('stays inside [0, 1] at the edges, where the normal approximation would leave it', () => {
    expect(wilsonInterval(0, 10)).toMatchObject({ rate: 0, low: 0 });
    expect(wilsonInterval(0, 10).high).toBeCloseTo(0.2775, 4);
    expect(wilsonInterval(10, 10)).toMatchObject({ rate: 1, high: 1 });
    expect(wilsonInterval(10, 10).low).toBeCloseTo(0.7225, 4);
  });

  test('no trials: no rate and no interval', () => {
    expect(wilsonInterval(0, 0)).toEqual({ rate: null, low: null, high: null });
  });

  test('narrows as trials grow at the same rate', () => {
    const small = wilsonInterval(5, 10);
    const large = wilsonInterval(500, 1000);
    expect(large.high! - large.low!).toBeLessThan(small.high! - small.low!);
  });

  test('refuses impossible proportions', () => {
    expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 2)).toThrow(RangeError);
  });

  test('an arm is clearly better only when its interval lies wholly above the other', () => {
    expect(clearlyBetter(wilsonInterval(600, 1000), wilsonInterval(400, 1000))).toBe(true);
    expect(clearlyBetter(wilsonInterval(6, 10), wilsonInterval(4, 10))).toBe(false);
  });
});

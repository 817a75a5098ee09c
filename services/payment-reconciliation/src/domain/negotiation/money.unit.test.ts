import { applyRates, decimalRatio, formatBrl, formatPercent, ratio, roundHalfUp } from './money.ts';

describe('money: exact products of centavos and decimal rates, rounded half-up', () => {
  test('Given rates as written, then they are read as their decimal digits', () => {
    expect(decimalRatio(0.0199)).toEqual({ num: 199n, den: 10000n });
    expect(decimalRatio(1e-7)).toEqual({ num: 1n, den: 10000000n });
    expect(decimalRatio(2)).toEqual({ num: 2n, den: 1n });
  });

  test('Given exact halves, then they round away from zero (half-up, not half-even)', () => {
    expect([roundHalfUp(ratio(1, 2)), roundHalfUp(ratio(5, 2)), roundHalfUp(ratio(-5, 2)), roundHalfUp(ratio(7, 3))]).toEqual([1, 3, -3, 2]);
  });

  test('Given 33.30 at 1% a month for 50 days, then 55.5 centavos exactly rounds to 56 (floating point gives 55.4999… → 55)', () => {
    // 3330 × 0.01 × 50 / 30 = 1665 / 30 = 55.5
    expect(Math.round((3330 * 0.01 * 50) / 30)).toBe(55);
    expect(applyRates(3330, decimalRatio(0.01), ratio(50, 30))).toBe(56);
  });

  test('Given amounts and rates, then they print in pt-BR', () => {
    expect([formatBrl(123456789), formatBrl(5), formatBrl(-100)]).toEqual(['R$ 1.234.567,89', 'R$ 0,05', '-R$ 1,00']);
    expect([formatPercent(0.02), formatPercent(0.0199), formatPercent(0.005), formatPercent(0.1)]).toEqual(['2%', '1,99%', '0,5%', '10%']);
  });
});

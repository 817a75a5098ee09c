import { ValidationError } from '@regua/errors';
import fc from 'fast-check';
import { priceInstallment, priceSchedule } from './price-table.ts';

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

describe('priceInstallment: PMT = P·i / (1 − (1 + i)^−n), rounded half-up to the centavo', () => {
  test('Given 5.000,00 at 2% a month in 10 installments, then each is 556,63 (the issue’s worked example)', () => {
    // (1.02)^−10 = 0.820348…; 1 − 0.820348 = 0.179652; 500000 × 0.02 / 0.179652 = 55663.26 → 55663
    expect(priceInstallment(500000, 0.02, 10)).toBe(55663);
  });

  test('Given one installment, then it is the principal plus one month of interest', () => {
    // 500000 × 0.02 / (1 − 1/1.02) = 500000 × 1.02 = 510000
    expect(priceInstallment(500000, 0.02, 1)).toBe(510000);
  });

  test.each([
    [{ principalCents: 0, rate: 0.02, n: 10 }, 'principalCents'],
    [{ principalCents: 1000, rate: -0.01, n: 10 }, 'monthlyRate'],
    [{ principalCents: 1000, rate: 0.02, n: 0 }, 'n'],
    [{ principalCents: 1000, rate: 0.02, n: 2.5 }, 'n'],
  ])('Given %j, then it is refused on %s', ({ principalCents, rate, n }, path) => {
    expect(() => priceInstallment(principalCents, rate, n)).toThrow(ValidationError);
    expect(() => priceInstallment(principalCents, rate, n)).toThrow(`${path}:`);
  });
});

describe('priceSchedule: monthly installments whose amortisations sum exactly to the principal', () => {
  /*
   * 5.000,00 at 2% in 10, first due 2027-01-31 (then Feb 28, Mar 31, Apr 30…):
   *   #1  interest 500000 × 0.02 = 10000,  amortisation 55663 − 10000 = 45663, balance 454337
   *   #2  interest 454337 × 0.02 = 9086.74 → 9087, amortisation 46576, balance 407761
   *   …
   *   #9  interest 108076 × 0.02 = 2161.52 → 2162, amortisation 53501, balance 54575
   *   #10 interest 54575 × 0.02 = 1091.5 → 1092, amortisation the whole 54575: 55667 (absorbs 4 centavos of rounding)
   * Paid in all: 9 × 55663 + 55667 = 556634.
   */
  const schedule = priceSchedule(500000, 0.02, 10, '2027-01-31');

  test('Given the worked example, then the first rows and the last are as computed by hand', () => {
    expect(schedule[0]).toEqual({ number: 1, dueDate: '2027-01-31', amountCents: 55663, interestCents: 10000, amortisationCents: 45663, balanceAfterCents: 454337 });
    expect(schedule[1]).toEqual({ number: 2, dueDate: '2027-02-28', amountCents: 55663, interestCents: 9087, amortisationCents: 46576, balanceAfterCents: 407761 });
    expect(schedule[8]).toEqual({ number: 9, dueDate: '2027-09-30', amountCents: 55663, interestCents: 2162, amortisationCents: 53501, balanceAfterCents: 54575 });
    expect(schedule[9]).toEqual({ number: 10, dueDate: '2027-10-31', amountCents: 55667, interestCents: 1092, amortisationCents: 54575, balanceAfterCents: 0 });
  });

  test('Given the worked example, then amortisations sum to the principal and every row adds up', () => {
    expect(sum(schedule.map((i) => i.amortisationCents))).toBe(500000);
    expect(sum(schedule.map((i) => i.amountCents))).toBe(556634);
    for (const row of schedule) expect(row.interestCents + row.amortisationCents).toBe(row.amountCents);
  });

  test('Given 0% a month, then an equal split with the remainder on the last installment', () => {
    // 100000 / 3 = 33333.33 → 33333, 33333, and the last takes the rest: 100000 − 66666 = 33334
    expect(priceSchedule(100000, 0, 3, '2027-05-10').map((i) => [i.amountCents, i.interestCents, i.balanceAfterCents])).toEqual([
      [33333, 0, 66667],
      [33333, 0, 33334],
      [33334, 0, 0],
    ]);
    // 200000 / 3 = 66666.67 → 66667 twice, and the last absorbs the centavo the other way: 66666
    expect(priceSchedule(200000, 0, 3, '2027-05-10').map((i) => i.amountCents)).toEqual([66667, 66667, 66666]);
  });

  test('Given a single installment, then it pays the principal and one month of interest on the first due date', () => {
    expect(priceSchedule(500000, 0.02, 1, '2027-03-15')).toEqual([{ number: 1, dueDate: '2027-03-15', amountCents: 510000, interestCents: 10000, amortisationCents: 500000, balanceAfterCents: 0 }]);
  });

  test('Given a first due date on Jan 31, then later ones fall on the last day of shorter months', () => {
    expect(priceSchedule(300000, 0.01, 3, '2027-01-31').map((i) => i.dueDate)).toEqual(['2027-01-31', '2027-02-28', '2027-03-31']);
    expect(priceSchedule(300000, 0.01, 3, '2028-01-31').map((i) => i.dueDate)).toEqual(['2028-01-31', '2028-02-29', '2028-03-31']);
  });

  test('Given a principal too small for the installments, then it is refused rather than scheduling zeros', () => {
    expect(() => priceSchedule(3, 0, 10, '2027-01-31')).toThrow(ValidationError);
  });

  test('Given tiny installments over a long term at a high rate, then it is refused rather than overpaying the balance', () => {
    // 66,60 in 60 at 7.68%: PMT 517.596 → 518; the extra 0.4 centavo compounds to more than the 466 left before #60
    expect(() => priceSchedule(6660, 0.0768, 60, '2027-01-31')).toThrow('principalCents: 6660 centavos cannot be paid in 60 installments at 0.0768 a month (installments of 518 centavos)');
  });

  test('Given a principal, rate (up to 3%) and term (up to 120) with installments of 10,00 or more, then the schedule pays the principal exactly and every row adds up', () => {
    // The rounding of PMT (≤ half a centavo) compounds into the last installment: ≤ 0.5 × ((1.03^120 − 1) / 0.03) ≈ 562
    // centavos here, well under the ≥ 3,495 centavos still owed before it.
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 120 }), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1000, max: 100_000_000 }), (n, basisPoints, perInstallment) => {
        const rate = basisPoints / 10000;
        const schedule = priceSchedule(perInstallment * n, rate, n, '2027-01-31');
        expect(schedule).toHaveLength(n);
        expect(sum(schedule.map((i) => i.amortisationCents))).toBe(perInstallment * n);
        expect(schedule.at(-1)?.balanceAfterCents).toBe(0);
        for (const row of schedule) {
          expect(row.interestCents + row.amortisationCents).toBe(row.amountCents);
          expect(row.amortisationCents).toBeGreaterThan(0);
        }
      }),
    );
  });
});

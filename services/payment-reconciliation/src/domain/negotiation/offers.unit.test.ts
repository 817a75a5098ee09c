import { ValidationError } from '@regua/errors';
import { updatedDebt } from './charges.ts';
import { DEFAULT_NEGOTIATION_PLANS, offersFor, type NegotiationPlansInput, type Offer } from './offers.ts';

type InstallmentOffer = Extract<Offer, { kind: 'installments' }>;
const installmentOffers = (offers: Offer[]): InstallmentOffer[] => offers.filter((o): o is InstallmentOffer => o.kind === 'installments');

// R$ 1.000,00 due 2026-01-10, 45 days overdue on 2026-02-24: multa 2000 + juros 1500 → 103500 (see charges.unit.test.ts).
const TODAY = '2026-02-24';
const OVERDUE = updatedDebt({ principalCents: 100000, dueDate: '2026-01-10', today: TODAY, rules: {} });

describe('offersFor: payment in full with a discount, or installments priced with the Price table', () => {
  /*
   * The issue's example as a plan: 5.000,00 not yet overdue, 2% a month, no down payment, installments of at least 520,00.
   *   full: discount 5% of the principal = 25000, capped at 4000 → 500000 − 4000 = 496000 today
   *   installments from 2 (a single one would be the full payment without its discount) while PMT ≥ 52000:
   *     n = 10 → 55663 (offered); n = 11 → 500000 × 0.02 / (1 − 1.02^−11) = 51089.6 → 51090 < 52000 (not offered)
   *   10x: first due a month after today (2027-01-31, then 2027-02-28), total 9 × 55663 + 55667 = 556634
   */
  const PLANS: NegotiationPlansInput = {
    plans: { A: { fullPaymentDiscount: { chargesRate: 0.5, principalRate: 0.05, maxCents: 4000 }, maxInstallments: 12, monthlyRate: 0.02, minInstallmentCents: 52000, minDownPaymentRate: 0 } },
    segments: { low_risk: 'A', medium_risk: 'A', high_risk: 'A' },
    firstPaymentInDays: 0,
  };
  const debt = updatedDebt({ principalCents: 500000, dueDate: '2026-12-31', today: '2026-12-31', rules: {} });
  const offers = offersFor({ debt, segment: 'medium_risk', plans: PLANS, today: '2026-12-31' });

  test('Given the worked example, then payment in full gets the capped discount', () => {
    expect(offers[0]).toMatchObject({ kind: 'full', plan: 'A', installments: 1, firstDueDate: '2026-12-31', amountCents: 496000, totalCents: 496000, discountCents: 4000 });
  });

  test('Given a minimum installment of 520,00, then 2 to 10 installments are offered and 11 (510,90) is not', () => {
    expect(installmentOffers(offers).map((o) => o.installments)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const tenTimes = installmentOffers(offers).at(-1);
    expect(tenTimes).toMatchObject({ installments: 10, installmentCents: 55663, downPaymentCents: 0, monthlyRate: 0.02, firstDueDate: '2027-01-31', totalCents: 556634, discountCents: 0 });
    expect(tenTimes?.schedule.slice(0, 2).map((i) => i.dueDate)).toEqual(['2027-01-31', '2027-02-28']);
  });

  describe('the default plans: likelier payers get fewer installments and smaller discounts', () => {
    const bySegment = (segment: 'low_risk' | 'medium_risk' | 'high_risk'): Offer[] => offersFor({ debt: OVERDUE, segment, plans: DEFAULT_NEGOTIATION_PLANS, today: TODAY });

    test('Given low risk (plan A), then 30% of the charges off in full and up to 6 installments after a 20% down payment', () => {
      // full: round(3500 × 0.3) = 1050 off → 102450, due today + 3 days
      // down payment: 103500 × 0.2 = 20700 on 2026-02-27; financed 82800 at 1.99% a month from 2026-03-27:
      //   2x: 82800 × 0.0199 / (1 − 1.0199^−2) = 42639.9 → 42640
      //   #1 interest 82800 × 0.0199 = 1647.72 → 1648, amortisation 40992, balance 41808
      //   #2 interest 41808 × 0.0199 = 831.98 → 832, amortisation 41808 → 42640
      //   total 20700 + 42640 + 42640 = 105980
      const offers = bySegment('low_risk');
      expect(offers[0]).toMatchObject({ kind: 'full', plan: 'A', firstDueDate: '2026-02-27', amountCents: 102450, discountCents: 1050 });
      expect(installmentOffers(offers).map((o) => o.installments)).toEqual([1, 2, 3, 4, 5, 6]);
      const twice = installmentOffers(offers)[1];
      expect(twice).toMatchObject({ installments: 2, downPaymentCents: 20700, installmentCents: 42640, firstDueDate: '2026-02-27', totalCents: 105980 });
      expect(twice?.schedule).toEqual([
        { number: 0, dueDate: '2026-02-27', amountCents: 20700, interestCents: 0, amortisationCents: 20700, balanceAfterCents: 82800 },
        { number: 1, dueDate: '2026-03-27', amountCents: 42640, interestCents: 1648, amortisationCents: 40992, balanceAfterCents: 41808 },
        { number: 2, dueDate: '2026-04-27', amountCents: 42640, interestCents: 832, amortisationCents: 41808, balanceAfterCents: 0 },
      ]);
    });

    test('Given medium and high risk (plans B and C), then larger discounts and more installments', () => {
      // B: round(3500 × 0.6) = 2100 off → 101400; down 10% = 10350; up to 12
      // C: round(3500 × 0.9) = 3150 + round(100000 × 0.1) = 10000 → 13150 off → 90350; down 5% = 5175; up to 24
      const medium = bySegment('medium_risk');
      const high = bySegment('high_risk');
      expect(medium[0]).toMatchObject({ plan: 'B', amountCents: 101400, discountCents: 2100 });
      expect(high[0]).toMatchObject({ plan: 'C', amountCents: 90350, discountCents: 13150 });
      expect(installmentOffers(medium).map((o) => o.installments).at(-1)).toBe(12);
      expect(installmentOffers(high).map((o) => o.installments).at(-1)).toBe(24);
      expect([installmentOffers(medium)[0]?.downPaymentCents, installmentOffers(high)[0]?.downPaymentCents]).toEqual([10350, 5175]);
    });
  });

  test('Given a partial payment, then the discount applies to the charges still owed', () => {
    // 2500 paid: juros 1500 and 1000 of the multa covered; 1000 of multa left; B takes 60% of it: 600 off 101000 → 100400
    const debt = updatedDebt({ principalCents: 100000, dueDate: '2026-01-10', today: TODAY, paidCents: 2500, rules: {} });
    expect(offersFor({ debt, segment: 'medium_risk', plans: DEFAULT_NEGOTIATION_PLANS, today: TODAY })[0]).toMatchObject({ amountCents: 100400, discountCents: 600 });
  });

  test('Given a small proportional down payment, then it is raised to the minimum installment', () => {
    // 103500 × 0.01 = 1035 < 5000 → 5000
    const plans: NegotiationPlansInput = { plans: { D: { fullPaymentDiscount: { chargesRate: 0 }, maxInstallments: 3, monthlyRate: 0.01, minInstallmentCents: 5000, minDownPaymentRate: 0.01 } }, segments: { low_risk: 'D', medium_risk: 'D', high_risk: 'D' } };
    const offers = installmentOffers(offersFor({ debt: OVERDUE, segment: 'low_risk', plans, today: TODAY }));
    expect(offers.map((o) => o.downPaymentCents)).toEqual([5000, 5000, 5000]);
  });

  test('Given a term whose tiny installments cannot be priced, then that term is left out, not the whole list', () => {
    // 66,60 in 60 at 7.68% overpays before the end (see price-table.unit.test.ts); shorter terms price fine
    const plans: NegotiationPlansInput = { plans: { E: { fullPaymentDiscount: { chargesRate: 0 }, maxInstallments: 60, monthlyRate: 0.0768, minInstallmentCents: 1, minDownPaymentRate: 0 } }, segments: { low_risk: 'E', medium_risk: 'E', high_risk: 'E' } };
    const debt = updatedDebt({ principalCents: 6660, dueDate: '2026-03-01', today: '2026-03-01', rules: {} });
    const terms = installmentOffers(offersFor({ debt, segment: 'low_risk', plans, today: '2026-03-01' })).map((o) => o.installments);
    expect(terms).toContain(12);
    expect(terms).not.toContain(60);
  });

  test('Given the same debt and plan, then offer ids are the same on every call, distinct, and change with the figures', () => {
    const first = offersFor({ debt: OVERDUE, segment: 'high_risk', plans: DEFAULT_NEGOTIATION_PLANS, today: TODAY });
    const again = offersFor({ debt: OVERDUE, segment: 'high_risk', plans: DEFAULT_NEGOTIATION_PLANS, today: TODAY });
    expect(again.map((o) => o.id)).toEqual(first.map((o) => o.id));
    expect(new Set(first.map((o) => o.id)).size).toBe(first.length);
    expect(first[0]?.id).toMatch(/^C-full-[0-9a-f]{16}$/);
    const tomorrow = updatedDebt({ principalCents: 100000, dueDate: '2026-01-10', today: '2026-02-25', rules: {} });
    expect(offersFor({ debt: tomorrow, segment: 'high_risk', plans: DEFAULT_NEGOTIATION_PLANS, today: '2026-02-25' })[0]?.id).not.toBe(first[0]?.id);
  });

  test('Given a debt already paid, then there is nothing to offer', () => {
    const paid = updatedDebt({ principalCents: 100000, dueDate: '2026-01-10', today: TODAY, paidCents: 103500, rules: {} });
    expect(offersFor({ debt: paid, segment: 'low_risk', plans: DEFAULT_NEGOTIATION_PLANS, today: TODAY })).toEqual([]);
  });

  test('Given a debt updated for another day, then it is refused rather than priced on stale figures', () => {
    expect(() => offersFor({ debt: OVERDUE, segment: 'low_risk', plans: DEFAULT_NEGOTIATION_PLANS, today: '2026-02-25' })).toThrow('debt: updated for 2026-02-24, not for 2026-02-25; update it for today');
  });

  test('Given plans whose segment points at no plan, then the configuration is refused', () => {
    const plans = { ...DEFAULT_NEGOTIATION_PLANS, segments: { ...DEFAULT_NEGOTIATION_PLANS.segments, high_risk: 'Z' } };
    let error: unknown;
    try {
      offersFor({ debt: OVERDUE, segment: 'low_risk', plans, today: TODAY });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([{ path: 'plans.segments.high_risk', message: 'plan Z is not defined' }]);
  });
});

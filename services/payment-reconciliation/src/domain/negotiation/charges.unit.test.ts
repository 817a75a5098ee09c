import { ValidationError } from '@regua/errors';
import fc from 'fast-check';
import { addDays } from './calendar.ts';
import { TenantChargeRulesSchema, updatedDebt, type IndexTable } from './charges.ts';

function validationError(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

/*
 * The default rules (consumer, multa 2% on the corrected principal, juros 1% a month simple pro rata die, no correction):
 *   R$ 1.000,00 due 2026-01-10, today 2026-02-24: 21 days of January + 24 of February = 45 days overdue.
 *   multa  = 100000 × 0.02            = 2000
 *   juros  = 100000 × 0.01 × 45 / 30  = 1500
 *   total  = 100000 + 2000 + 1500     = 103500 (R$ 1.035,00)
 */
const OVERDUE = { principalCents: 100000, dueDate: '2026-01-10', today: '2026-02-24', rules: {} };

describe('updatedDebt: the debt updated to today from the rule and the dates', () => {
  test('Given the default rules and 45 days overdue, then multa 20,00 and juros 15,00 give 1.035,00', () => {
    const debt = updatedDebt(OVERDUE);
    expect(debt).toMatchObject({ daysOverdue: 45, principalCents: 100000, correctionCents: 0, fineCents: 2000, interestCents: 1500, grossCents: 103500, paidCents: 0, totalCents: 103500, creditCents: 0 });
    expect(debt.breakdown).toEqual([
      'Valor original: R$ 1.000,00, vencido em 10/01/2026, 45 dias em atraso em 24/02/2026.',
      'Multa de 2% sobre o valor original de R$ 1.000,00 (no máximo 2%, CDC art. 52 §1): R$ 20,00.',
      'Juros de mora de 1% ao mês, simples, pro rata die (45/30 de mês), sobre R$ 1.000,00: R$ 15,00.',
      'Total atualizado em 24/02/2026: R$ 1.035,00.',
    ]);
  });

  test('Given an exact half centavo, then it rounds up: 33,30 for 50 days is juros 0,56 and multa 0,67', () => {
    // juros = 3330 × 0.01 × 50 / 30 = 55.5 → 56; multa = 3330 × 0.02 = 66.6 → 67; total 3330 + 67 + 56 = 3453
    const debt = updatedDebt({ principalCents: 3330, dueDate: '2026-01-01', today: '2026-02-20', rules: {} });
    expect(debt).toMatchObject({ daysOverdue: 50, interestCents: 56, fineCents: 67, totalCents: 3453 });
  });

  test.each([['2026-01-10'], ['2025-12-20']])('Given today %s, on or before the due date, then nothing is added', (today) => {
    expect(updatedDebt({ ...OVERDUE, today })).toMatchObject({ daysOverdue: 0, fineCents: 0, interestCents: 0, correctionCents: 0, totalCents: 100000 });
  });

  test('Given the same inputs twice or a later date, then figures come from the due date and never accumulate', () => {
    expect(updatedDebt(OVERDUE)).toEqual(updatedDebt(OVERDUE));
    // 30 days: juros 100000 × 0.01 × 30/30 = 1000; 60 days: 100000 × 0.01 × 60/30 = 2000 (not 1000 + 1% of 103000);
    // the multa is charged once: 2000 on both dates.
    const day30 = updatedDebt({ ...OVERDUE, today: '2026-02-09' });
    const day60 = updatedDebt({ ...OVERDUE, today: '2026-03-11' });
    expect([day30.daysOverdue, day30.fineCents, day30.interestCents]).toEqual([30, 2000, 1000]);
    expect([day60.daysOverdue, day60.fineCents, day60.interestCents]).toEqual([60, 2000, 2000]);
  });

  test('Given compound-daily interest, then the equivalent daily rate compounds: 60 days 20,10, 45 days 15,04', () => {
    const rules = { interestConvention: 'compound-daily' as const };
    // 60 days: 100000 × (1.01^2 − 1) = 100000 × 0.0201 = 2010
    expect(updatedDebt({ ...OVERDUE, today: '2026-03-11', rules }).interestCents).toBe(2010);
    // 45 days: 100000 × (1.01^1.5 − 1) = 100000 × 0.0150374… = 1503.74 → 1504
    const debt = updatedDebt({ ...OVERDUE, rules });
    expect(debt.interestCents).toBe(1504);
    expect(debt.breakdown[2]).toBe('Juros de mora de 1% ao mês, compostos, taxa diária equivalente (45 dias), sobre R$ 1.000,00: R$ 15,04.');
  });

  describe('monetary correction', () => {
    /*
     * Fixed 0.5% a month, due 2026-01-31, today 2026-03-30 (58 days): the first anniversary is 2026-02-28 (clamped), the
     * second 2026-03-31 is after today, so 1 whole month.
     *   correction = 100000 × 0.005            = 500  → corrected 100500
     *   multa      = 100500 × 0.02             = 2010
     *   juros      = 100500 × 0.01 × 58 / 30   = 1943
     *   total      = 100500 + 2010 + 1943      = 104453
     */
    test('Given a fixed monthly rate, then it runs per whole month and both charges apply to the corrected principal', () => {
      const debt = updatedDebt({ principalCents: 100000, dueDate: '2026-01-31', today: '2026-03-30', rules: { correction: { index: 'fixed', monthlyRate: 0.005 } } });
      expect(debt).toMatchObject({ daysOverdue: 58, correctionCents: 500, fineCents: 2010, interestCents: 1943, totalCents: 104453 });
      expect(debt.breakdown[1]).toBe('Correção monetária (0,5% ao mês; 1 mês completo, fator 1,005000): R$ 5,00.');
      expect(debt.breakdown[2]).toBe('Multa de 2% sobre o valor corrigido de R$ 1.005,00 (no máximo 2%, CDC art. 52 §1): R$ 20,10.');
    });

    test('Given the multa on the principal, then correction does not raise it', () => {
      const debt = updatedDebt({ principalCents: 100000, dueDate: '2026-01-31', today: '2026-03-30', rules: { fineBase: 'principal', correction: { index: 'fixed', monthlyRate: 0.005 } } });
      expect([debt.fineCents, debt.interestCents]).toEqual([2000, 1943]);
    });

    /*
     * IPCA, due 2026-01-15, today 2026-04-20 (95 days): 3 whole months (Feb 15, Mar 15, Apr 15) starting in January,
     * February and March. Variations (illustrative) 0.16%, 0.56%, 0.38%:
     *   factor     = 1.0016 × 1.0056 × 1.0038 = 1.011036354048
     *   correction = 250000 × 0.011036354048 = 2759.09 → 2759; corrected 252759
     *   multa      = 252759 × 0.02           = 5055.18 → 5055
     *   juros      = 252759 × 0.01 × 95 / 30 = 8004.035 → 8004
     *   total      = 252759 + 5055 + 8004    = 265818
     */
    const IPCA: IndexTable = { index: 'ipca', variations: { '2026-01': 0.0016, '2026-02': 0.0056, '2026-03': 0.0038 } };
    const BY_IPCA = { principalCents: 250000, dueDate: '2026-01-15', today: '2026-04-20', rules: { correction: { index: 'ipca' as const } } };

    test('Given an IPCA table, then the monthly variations compound over the whole months', () => {
      const debt = updatedDebt({ ...BY_IPCA, indexTable: IPCA });
      expect(debt).toMatchObject({ daysOverdue: 95, correctionCents: 2759, fineCents: 5055, interestCents: 8004, totalCents: 265818 });
      expect(debt.breakdown[1]).toBe('Correção monetária (IPCA de 01/2026 a 03/2026; 3 meses completos, fator 1,011036): R$ 27,59.');
    });

    test('Given a table missing a month, or of another index, or none, then the correction is refused rather than guessed', () => {
      const missing = validationError(() => updatedDebt({ ...BY_IPCA, indexTable: { index: 'ipca', variations: { '2026-01': 0.0016 } } }));
      expect(missing.message).toBe('indexTable: no IPCA variation for 2026-02, 2026-03');
      expect(missing.issues.map((i) => i.path)).toEqual(['indexTable.variations.2026-02', 'indexTable.variations.2026-03']);
      expect(validationError(() => updatedDebt({ ...BY_IPCA, indexTable: { ...IPCA, index: 'igpm' } })).message).toBe('indexTable: the rules correct by IPCA, the table is IGPM');
      expect(validationError(() => updatedDebt(BY_IPCA)).issues[0]?.path).toBe('indexTable');
    });

    test('Given deflation over the period, then the correction is zero, never a reduction of the principal', () => {
      // factor 0.9962 × 1.0010 = 0.9971962 < 1 → correction 0; juros 100000 × 0.01 × 66/30 = 2200
      const debt = updatedDebt({ principalCents: 100000, dueDate: '2026-05-10', today: '2026-07-15', rules: { correction: { index: 'igpm' } }, indexTable: { index: 'igpm', variations: { '2026-05': -0.0038, '2026-06': 0.001 } } });
      expect([debt.correctionCents, debt.fineCents, debt.interestCents, debt.totalCents]).toEqual([0, 2000, 2200, 104200]);
    });
  });

  describe('the multa cap of CDC art. 52 §1', () => {
    test('Given a consumer debt with a 3% multa, then the rules are refused with the reason', () => {
      const error = validationError(() => updatedDebt({ ...OVERDUE, rules: { fineRate: 0.03 } }));
      expect(error.issues).toEqual([{ path: 'rules.fineRate', message: 'the multa of a consumer debt is at most 2% (0.02) of the overdue amount (CDC art. 52 §1)' }]);
      expect(TenantChargeRulesSchema.safeParse({ consumer: true, fineRate: 0.021 }).success).toBe(false);
    });

    test('Given a debt outside the CDC, then the contract’s multa applies', () => {
      expect(updatedDebt({ ...OVERDUE, rules: { consumer: false, fineRate: 0.1 } }).fineCents).toBe(10000);
    });

    test('Given no rules, then the defaults are 2% multa and 1% a month simple interest with no correction', () => {
      expect(TenantChargeRulesSchema.parse({})).toEqual({ consumer: true, fineRate: 0.02, fineBase: 'corrected-principal', interestMonthlyRate: 0.01, interestConvention: 'simple-pro-rata-die', correction: { index: 'none' } });
    });
  });

  describe('payments: interest first, then multa, correction and principal (CC art. 354)', () => {
    test('Given 25,00 paid, then juros 15,00 and 10,00 of the multa are covered and 1.010,00 remains', () => {
      // 2500 − 1500 (juros) = 1000 → multa 2000 − 1000 = 1000 left; 103500 − 2500 = 101000
      const debt = updatedDebt({ ...OVERDUE, paidCents: 2500 });
      expect(debt.allocated).toEqual({ interestCents: 1500, fineCents: 1000, correctionCents: 0, principalCents: 0 });
      expect(debt.outstanding).toEqual({ interestCents: 0, fineCents: 1000, correctionCents: 0, principalCents: 100000 });
      expect([debt.totalCents, debt.creditCents]).toEqual([101000, 0]);
    });

    test('Given 515,00 paid, then the charges are covered and 480,00 of principal, leaving 520,00', () => {
      // 51500 − 1500 − 2000 = 48000 of principal → 100000 − 48000 = 52000
      const debt = updatedDebt({ ...OVERDUE, paidCents: 51500 });
      expect(debt.outstanding).toEqual({ interestCents: 0, fineCents: 0, correctionCents: 0, principalCents: 52000 });
      expect(debt.totalCents).toBe(52000);
      expect(debt.breakdown).toContain('Pagamentos recebidos: R$ 515,00, abatidos primeiro dos juros, depois da multa, da correção e do valor original (CC art. 354).');
    });

    test('Given more paid than owed, then the total is zero and the excess is a credit', () => {
      // 104000 − 103500 = 500 credit
      const debt = updatedDebt({ ...OVERDUE, paidCents: 104000 });
      expect([debt.totalCents, debt.creditCents]).toEqual([0, 500]);
      expect(debt.outstanding).toEqual({ interestCents: 0, fineCents: 0, correctionCents: 0, principalCents: 0 });
      expect(debt.breakdown.slice(-2)).toEqual(['Total atualizado em 24/02/2026: R$ 0,00.', 'Crédito a seu favor: R$ 5,00.']);
    });
  });

  test('Given any payment, then each part is paid or owed, never both lost nor negative, and the total is never negative', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 12_000_000 }), (principalCents, days, paidCents) => {
        const debt = updatedDebt({ principalCents, dueDate: '2026-01-10', today: addDays('2026-01-10', days), paidCents, rules: { interestConvention: days % 2 ? 'compound-daily' : 'simple-pro-rata-die', correction: { index: 'fixed', monthlyRate: 0.004 } } });
        const parts = ['interestCents', 'fineCents', 'correctionCents', 'principalCents'] as const;
        for (const part of parts) {
          expect(debt.allocated[part] + debt.outstanding[part]).toBe(debt[part]);
          expect(Math.min(debt.allocated[part], debt.outstanding[part])).toBeGreaterThanOrEqual(0);
        }
        expect(debt.totalCents).toBe(parts.reduce((sum, part) => sum + debt.outstanding[part], 0));
        expect(debt.totalCents - debt.creditCents).toBe(debt.grossCents - paidCents);
        expect(Math.min(debt.totalCents, debt.creditCents)).toBe(0);
      }),
    );
  });

  test.each([
    [{ principalCents: 0 }, 'principalCents'],
    [{ principalCents: 100.5 }, 'principalCents'],
    [{ paidCents: -1 }, 'paidCents'],
    [{ today: '2026-02-30' }, 'today'],
  ])('Given %j, then it is refused on %s', (override, path) => {
    expect(validationError(() => updatedDebt({ ...OVERDUE, ...override })).issues[0]?.path).toBe(path);
  });
});

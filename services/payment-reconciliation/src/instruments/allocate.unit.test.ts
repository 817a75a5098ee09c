import fc from 'fast-check';
import { allocateCasePayment } from './allocate.ts';

const receivables = [
  { invoiceId: 'b', outstandingCents: 30_000, dueDate: '2026-11-20' },
  { invoiceId: 'a', outstandingCents: 50_000, dueDate: '2026-11-05' },
];

describe("a case payment spread over the case's invoices", () => {
  test('Given the exact total, then each invoice gets what it owes, oldest due first', () => {
    expect(allocateCasePayment(80_000, receivables)).toEqual({ allocations: [{ invoiceId: 'a', amountCents: 50_000 }, { invoiceId: 'b', amountCents: 30_000 }], surplusCents: 0 });
  });

  test('Given less than the total, then the oldest invoice is paid first and the next one in part', () => {
    expect(allocateCasePayment(60_000, receivables).allocations).toEqual([{ invoiceId: 'a', amountCents: 50_000 }, { invoiceId: 'b', amountCents: 10_000 }]);
    expect(allocateCasePayment(20_000, receivables).allocations).toEqual([{ invoiceId: 'a', amountCents: 20_000 }]);
  });

  test('Given more than the total, then the surplus goes on the newest invoice and is reported', () => {
    expect(allocateCasePayment(90_000, receivables)).toEqual({ allocations: [{ invoiceId: 'a', amountCents: 50_000 }, { invoiceId: 'b', amountCents: 40_000 }], surplusCents: 10_000 });
  });

  test('Given invoices already paid off, then they get nothing unless all are (the surplus then lands on the newest)', () => {
    expect(allocateCasePayment(5_000, [{ ...receivables[1]!, outstandingCents: 0 }, receivables[0]!]).allocations).toEqual([{ invoiceId: 'b', amountCents: 5_000 }]);
    expect(allocateCasePayment(5_000, receivables.map((r) => ({ ...r, outstandingCents: 0 })))).toEqual({ allocations: [{ invoiceId: 'b', amountCents: 5_000 }], surplusCents: 5_000 });
  });

  test('Given the same due date, then the invoice id breaks the tie, whatever the order read', () => {
    const same = [{ invoiceId: 'z', outstandingCents: 100, dueDate: '2026-11-05' }, { invoiceId: 'y', outstandingCents: 100, dueDate: '2026-11-05' }];
    expect(allocateCasePayment(150, same).allocations).toEqual([{ invoiceId: 'y', amountCents: 100 }, { invoiceId: 'z', amountCents: 50 }]);
  });

  test('Property: the allocations add up to the payment, no invoice gets more than it owes except the newest, none is negative', () => {
    const receivable = fc.record({ invoiceId: fc.uuid(), outstandingCents: fc.integer({ min: 0, max: 1_000_000 }), dueDate: fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)) });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5_000_000 }), fc.uniqueArray(receivable, { minLength: 1, maxLength: 6, selector: (r) => r.invoiceId }), (amount, list) => {
        const { allocations, surplusCents } = allocateCasePayment(amount, list);
        expect(allocations.reduce((sum, a) => sum + a.amountCents, 0)).toBe(amount);
        const owed = list.reduce((sum, r) => sum + r.outstandingCents, 0);
        expect(surplusCents).toBe(Math.max(0, amount - owed));
        for (const a of allocations) expect(a.amountCents).toBeGreaterThan(0);
      }),
    );
  });

  test('A payment of zero or a fraction of a centavo is refused', () => {
    expect(() => allocateCasePayment(0, receivables)).toThrow(RangeError);
    expect(() => allocateCasePayment(10.5, receivables)).toThrow(RangeError);
  });
});

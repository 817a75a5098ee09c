import { settle, type Receivable } from './reconcile.ts';

const receivable: Receivable = { invoiceId: 'banco:INV-1', debtorId: 'banco:CUST-42', amountCents: 123456 };

describe('settle', () => {
  test('Given no payments, then the whole amount is outstanding', () => {
    expect(settle(receivable, [])).toEqual({ paidTotalCents: 0, outstandingCents: 123456, settled: false });
  });

  test('Given partial payments, then the rest stays outstanding and the invoice is not settled', () => {
    // 50000 + 23456 = 73456; 123456 - 73456 = 50000
    expect(settle(receivable, [50000, 23456])).toEqual({ paidTotalCents: 73456, outstandingCents: 50000, settled: false });
  });

  test('Given payments adding up to the exact amount, then nothing is outstanding and the invoice is settled', () => {
    expect(settle(receivable, [100000, 23456])).toEqual({ paidTotalCents: 123456, outstandingCents: 0, settled: true });
  });

  test('Given an overpayment, then the paid total shows it, nothing is outstanding (never negative) and the invoice is settled', () => {
    expect(settle(receivable, [123456, 1000])).toEqual({ paidTotalCents: 124456, outstandingCents: 0, settled: true });
  });

  test('Given one centavo short, then the invoice is not settled', () => {
    expect(settle(receivable, [123455])).toEqual({ paidTotalCents: 123455, outstandingCents: 1, settled: false });
  });
});

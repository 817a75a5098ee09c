import { caseSettlement, documentHash, documentIndex, excessOf, isLatePayment, matchByDocument } from './matching.ts';

const candidate = (invoiceId: string, amountCents: number, dueDate: string, paidCents = 0) => ({ invoiceId, amountCents, dueDate, paidCents });

describe('documentHash', () => {
  test('Given the same CPF with and without punctuation, then the hash is the same, and it never contains the number', () => {
    const hash = documentHash('bank', '529.982.247-25');
    expect(hash).toBe(documentHash('bank', '52998224725'));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain('52998224725');
  });

  test('Given another tenant, then the same document hashes differently', () => {
    expect(documentHash('a', '52998224725')).not.toBe(documentHash('b', '52998224725'));
  });
});

describe('matchByDocument', () => {
  const payment = { amountCents: 10_000, paidOn: '2026-12-01' };

  test('Given exactly one open invoice with that outstanding amount due within the window, then it is the match', () => {
    const result = matchByDocument([candidate('i1', 10_000, '2026-11-20'), candidate('i2', 5_000, '2026-11-20')], payment, 60);
    expect(result).toMatchObject({ kind: 'one', candidate: { invoiceId: 'i1' } });
  });

  test('Given a partly paid invoice whose outstanding equals the payment, then it matches on the outstanding, not the face value', () => {
    expect(matchByDocument([candidate('i1', 15_000, '2026-12-10', 5_000)], payment, 60)).toMatchObject({ kind: 'one' });
  });

  test('Given two fitting invoices, then it is ambiguous, naming both', () => {
    const result = matchByDocument([candidate('i1', 10_000, '2026-11-20'), candidate('i2', 10_000, '2026-12-20')], payment, 60);
    expect(result.kind).toBe('ambiguous');
    expect(result.kind !== 'one' && result.reason).toMatch(/^ambiguous: 2 .*i1, i2/);
  });

  test('Given an invoice due outside the window, or a settled one, then there is none', () => {
    expect(matchByDocument([candidate('i1', 10_000, '2026-09-01'), candidate('i2', 10_000, '2026-12-01', 10_000)], payment, 60)).toMatchObject({ kind: 'none' });
    expect(matchByDocument([], payment, 60)).toMatchObject({ kind: 'none', reason: expect.stringMatching(/^none:/) });
  });

  test('Given a due date exactly at the window edge, then it still matches', () => {
    expect(matchByDocument([candidate('i1', 10_000, '2027-01-30')], payment, 60)).toMatchObject({ kind: 'one' });
    expect(matchByDocument([candidate('i1', 10_000, '2027-01-31')], payment, 60)).toMatchObject({ kind: 'none' });
  });
});

describe('late payments and overpayments', () => {
  test('Given an invoice paid in full before, then a new payment is late, but a repeat of a payment it holds is not', () => {
    const receivable = { amountCents: 10_000, payments: [{ paymentId: 'p1', amountCents: 10_000 }] };
    expect(isLatePayment(receivable, 'p2')).toBe(true);
    expect(isLatePayment(receivable, 'p1')).toBe(false);
    expect(isLatePayment({ amountCents: 10_000, payments: [{ paymentId: 'p1', amountCents: 4_000 }] }, 'p2')).toBe(false);
  });

  test('Given payments in the order they were matched, then each excess is what it paid beyond the debt left before it', () => {
    const payments = [
      { paymentId: 'p1', amountCents: 6_000 },
      { paymentId: 'p2', amountCents: 6_000 },
      { paymentId: 'p3', amountCents: 1_000 },
    ];
    // 10,000 owed: p1 leaves 4,000, p2 pays 2,000 over, p3 (matched concurrently after) is all excess.
    expect(excessOf(10_000, payments, 'p1')).toBe(0);
    expect(excessOf(10_000, payments, 'p2')).toBe(2_000);
    expect(excessOf(10_000, payments, 'p3')).toBe(1_000);
    expect(excessOf(10_000, payments, 'unknown')).toBe(0);
  });
});

describe('caseSettlement', () => {
  test('Given every invoice of the case paid in full, then the case is settled with the total paid', () => {
    expect(caseSettlement(['a', 'b'], [{ invoiceId: 'a', amountCents: 100, paidCents: 100 }, { invoiceId: 'b', amountCents: 50, paidCents: 70 }])).toEqual({ settled: true, paidCents: 170 });
  });

  test('Given an invoice still owing, unknown, or no invoices at all, then the case is not settled', () => {
    expect(caseSettlement(['a', 'b'], [{ invoiceId: 'a', amountCents: 100, paidCents: 100 }, { invoiceId: 'b', amountCents: 50, paidCents: 49 }])).toEqual({ settled: false });
    expect(caseSettlement(['a', 'b'], [{ invoiceId: 'a', amountCents: 100, paidCents: 100 }])).toEqual({ settled: false });
    expect(caseSettlement([], [])).toEqual({ settled: false });
  });
});

describe('documentIndex', () => {
  test('Given a run with two invoices of one debtor and one of another, then two entries keyed by tenant and hash', () => {
    const index = documentIndex([
      { tenant: 't', invoiceId: 't:1', taxId: '52998224725' },
      { tenant: 't', invoiceId: 't:2', taxId: '529.982.247-25' },
      { tenant: 't', invoiceId: 't:3', taxId: '11222333000181' },
    ]);
    expect(index.get(`t:${documentHash('t', '52998224725')}`)).toEqual({ tenant: 't', invoiceIds: ['t:1', 't:2'] });
    expect(index.size).toBe(2);
  });
});

import { decideParked, decidePayment, type ParkedPayment } from './parking.ts';

const NOW = new Date('2026-11-24T13:00:00Z');
const HOUR = 3_600_000;
const receivable = { _id: 'banco:INV-1' };

describe('decidePayment', () => {
  test('Given the invoice is known, then the payment is reconciled against it', () => {
    expect(decidePayment(receivable, { invoiceId: 'banco:INV-1' }, NOW, 72)).toEqual({ kind: 'reconcile', receivable });
  });

  test('Given no invoice matches, then the payment is parked from now until the end of the window', () => {
    expect(decidePayment(null, { invoiceId: 'banco:INV-1' }, NOW, 72)).toEqual({ kind: 'park', parkedAt: NOW, expiresAt: new Date('2026-11-27T13:00:00Z') });
  });

  test('Given a window in fractions of an hour, then it expires that many minutes later', () => {
    const decision = decidePayment(null, { pixTxid: 'TX1' }, NOW, 0.25);

    expect(decision.kind === 'park' && decision.expiresAt).toEqual(new Date(NOW.getTime() + 15 * 60_000));
  });

  test('Given a payment with no key to match on (a Pix without txid), then it is unmatchable at once, not parked', () => {
    expect(decidePayment(null, {}, NOW, 72)).toEqual({ kind: 'unmatchable', reason: 'the payment carries no invoice id, Pix txid or nosso número to match on' });
  });

  test('Given a boleto settlement known only by its nosso número, then it is parked like any other', () => {
    expect(decidePayment(null, { ourNumber: '12345670000000123' }, NOW, 72).kind).toBe('park');
  });
});

describe('decideParked', () => {
  const parked: ParkedPayment = { invoiceId: 'banco:INV-1', pixTxid: 'TX1', parkedAt: NOW, expiresAt: new Date(NOW.getTime() + 72 * HOUR) };

  test('Given its invoice has arrived inside the window, then the parked payment is reconciled', () => {
    expect(decideParked(parked, receivable, new Date(NOW.getTime() + HOUR))).toEqual({ kind: 'reconcile', receivable });
  });

  test('Given its invoice arrived only after the window but before the sweep, then it is still reconciled (a match beats an operator)', () => {
    expect(decideParked(parked, receivable, new Date(NOW.getTime() + 80 * HOUR))).toEqual({ kind: 'reconcile', receivable });
  });

  test('Given no match inside the window, then it keeps waiting, up to the last millisecond', () => {
    expect(decideParked(parked, null, new Date(NOW.getTime() + HOUR))).toEqual({ kind: 'wait' });
    expect(decideParked(parked, null, new Date(parked.expiresAt.getTime() - 1))).toEqual({ kind: 'wait' });
  });

  test('Given no match at the end of the window, then it expires with a reason naming its keys and its window', () => {
    expect(decideParked(parked, null, parked.expiresAt)).toEqual({
      kind: 'expire',
      reason: 'no invoice matched invoice banco:INV-1 or Pix txid TX1 between 2026-11-24T13:00:00.000Z and 2026-11-27T13:00:00.000Z',
    });
  });

  test('Given a payment carrying only a txid, then the reason names only the txid', () => {
    const decision = decideParked({ pixTxid: 'TX9', parkedAt: NOW, expiresAt: NOW }, null, NOW);

    expect(decision.kind === 'expire' && decision.reason).toMatch(/^no invoice matched Pix txid TX9 between/);
  });

  test('Given a settlement carrying only a nosso número, then the reason names it', () => {
    const decision = decideParked({ ourNumber: '123', parkedAt: NOW, expiresAt: NOW }, null, NOW);

    expect(decision.kind === 'expire' && decision.reason).toMatch(/^no invoice matched nosso número 123 between/);
  });
});

import { useScratchDatabase } from '@regua/mongo/testing';
import { createLedger, type ReceivableDoc } from '../src/store/ledger.ts';

const AT = new Date('2026-11-24T13:00:00Z');

describe('the ledger keeps the newest figures of an invoice, whatever order its events arrive in', () => {
  const db = useScratchDatabase('ledger');

  const figures = (amountCents: number, revision?: number): Omit<ReceivableDoc, 'payments'> => ({
    _id: 'bank:INV-1',
    tenant: 'bank',
    externalId: 'INV-1',
    debtorId: 'CUST-1',
    amountCents,
    registeredAt: AT,
    ...(revision === undefined ? {} : { revision }),
  });
  const stored = () => db().collection<ReceivableDoc>('receivables').findOne({ _id: 'bank:INV-1' });

  test('an update applies only over an older revision; an equal or older one is reported stale and changes nothing', async () => {
    const ledger = createLedger(db());
    await ledger.registerAll([{ ...figures(120_000, 1), payments: [] }]);
    await ledger.matchPayment('bank:INV-1', { paymentId: 'P1', amountCents: 1000 });

    expect(await ledger.update(figures(80_000, 3))).toBe(true);
    expect(await ledger.update(figures(100_000, 2))).toBe(false);
    expect(await ledger.update(figures(90_000, 3))).toBe(false);

    expect(await stored()).toMatchObject({ amountCents: 80_000, revision: 3, payments: [{ paymentId: 'P1', amountCents: 1000 }] });
  });

  test('an update that overtakes its registration is kept: the registration is inserted only if absent', async () => {
    const ledger = createLedger(db());

    expect(await ledger.update(figures(80_000, 2))).toBe(true);
    await ledger.registerAll([{ ...figures(120_000, 1), payments: [] }]);

    const receivable = await stored();
    expect(receivable).toMatchObject({ amountCents: 80_000, revision: 2 });
    // FerretDB 1.24 drops an empty array from `$setOnInsert`; `$addToSet` creates the field with the first payment.
    expect(receivable?.payments ?? []).toEqual([]);
  });

  test('figures stored before revisions are replaced by any known revision; an update without one applies only over figures without one', async () => {
    const ledger = createLedger(db());
    // As stored before revisions existed: no field at all.
    await db().collection('receivables').insertOne({ ...figures(120_000), payments: [] } as never);

    expect(await ledger.update(figures(110_000))).toBe(true);
    expect(await stored()).toMatchObject({ amountCents: 110_000, revision: 0 });
    expect(await ledger.update(figures(100_000, 2))).toBe(true);
    expect(await ledger.update(figures(90_000))).toBe(false);

    expect(await stored()).toMatchObject({ amountCents: 100_000, revision: 2 });
  });
  test("a case link that arrives before its invoice is no receivable until the registration fills it in, keeping the link; the last plan's case wins", async () => {
    const ledger = createLedger(db());

    // Given the case planned before payment-reconciliation saw the invoice
    await ledger.linkCase('case-1', ['bank:INV-1']);
    expect(await ledger.findReceivable('bank', { invoiceId: 'bank:INV-1' })).toBeNull();
    expect(await ledger.findReceivables(['bank:INV-1'])).toEqual([]);

    // When the registration arrives, then its figures are stored with the link
    await ledger.registerAll([{ ...figures(120_000, 1), payments: [] }]);
    expect(await ledger.findReceivable('bank', { invoiceId: 'bank:INV-1' })).toMatchObject({ amountCents: 120_000, revision: 1, caseId: 'case-1', payments: [] });

    // A redelivered registration changes nothing; a later plan moves the invoice to its new case
    await ledger.registerAll([{ ...figures(999_999, 1), payments: [] }]);
    await ledger.linkCase('case-2', ['bank:INV-1']);
    expect(await stored()).toMatchObject({ amountCents: 120_000, caseId: 'case-2' });
  });

  test('an invoice registered in no case says so (null), so a payment settling it reads no link; the link set later is kept by updates', async () => {
    const ledger = createLedger(db());
    await ledger.registerAll([{ ...figures(120_000, 1), payments: [] }]);
    expect((await stored())?.caseId).toBeNull();

    await ledger.linkCase('case-1', ['bank:INV-1']);
    expect(await ledger.update(figures(80_000, 2))).toBe(true);
    expect(await stored()).toMatchObject({ amountCents: 80_000, caseId: 'case-1' });
  });
  test("a payment is written first only to a registered receivable that owes something and has no payment yet; to any other it is left for the read-then-write path", async () => {
    const ledger = createLedger(db());
    await ledger.linkCase('case-1', ['bank:INV-2']);
    expect(await ledger.matchFirstPayment('bank:INV-2', { paymentId: 'P0', amountCents: 1 })).toBeNull();
    expect(await ledger.matchFirstPayment('bank:NOBODY', { paymentId: 'P0', amountCents: 1 })).toBeNull();

    await ledger.registerAll([{ ...figures(120_000, 1), payments: [] }]);
    expect(await ledger.matchFirstPayment('bank:INV-1', { paymentId: 'P1', amountCents: 120_000 })).toMatchObject({ _id: 'bank:INV-1', caseId: null, payments: [{ paymentId: 'P1', amountCents: 120_000 }] });
    // Paid already: a second one might be late, so it is not written blind.
    expect(await ledger.matchFirstPayment('bank:INV-1', { paymentId: 'P2', amountCents: 500 })).toBeNull();
    expect((await stored())?.payments).toEqual([{ paymentId: 'P1', amountCents: 120_000 }]);
  });
});

import { useScratchDatabase } from '@regua/mongo/testing';
import { createLedger, type ReceivableDoc } from '../src/store/ledger.ts';
import { createPaymentMatchingStore, debtorDocumentId } from '../src/store/payment-matching.ts';

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

    expect(await ledger.findReceivable('bank', { invoiceId: 'bank:INV-1' })).toMatchObject({ amountCents: 80_000, revision: 3, payments: [{ paymentId: 'P1', amountCents: 1000 }] });
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
    await ledger.linkCase({ caseId: 'case-1', debtorId: 'D1', openInvoiceIds: ['bank:INV-1'] }, ['bank:INV-1']);
    expect(await ledger.findReceivable('bank', { invoiceId: 'bank:INV-1' })).toBeNull();
    expect(await ledger.findReceivables(['bank:INV-1'])).toEqual([]);

    // When the registration arrives, then its figures are stored with the link
    await ledger.registerAll([{ ...figures(120_000, 1), payments: [] }]);
    expect(await ledger.findReceivable('bank', { invoiceId: 'bank:INV-1' })).toMatchObject({ amountCents: 120_000, revision: 1, caseId: 'case-1', casePlan: { debtorId: 'D1', openInvoiceIds: ['bank:INV-1'] }, payments: [] });

    // A redelivered registration changes nothing; a later plan moves the invoice to its new case
    await ledger.registerAll([{ ...figures(999_999, 1), payments: [] }]);
    await ledger.linkCase({ caseId: 'case-2', debtorId: 'D1', openInvoiceIds: ['bank:INV-1'] }, ['bank:INV-1']);
    expect(await stored()).toMatchObject({ amountCents: 120_000, caseId: 'case-2' });
  });

  test('an invoice registered in no case says so (null), so a payment settling it reads no link; the link set later is kept by updates', async () => {
    const ledger = createLedger(db());
    await ledger.registerAll([{ ...figures(120_000, 1), payments: [] }]);
    expect((await stored())?.caseId).toBeNull();

    await ledger.linkCase({ caseId: 'case-1', debtorId: 'D1', openInvoiceIds: ['bank:INV-1'] }, ['bank:INV-1']);
    expect(await ledger.update(figures(80_000, 2))).toBe(true);
    expect(await stored()).toMatchObject({ amountCents: 80_000, caseId: 'case-1' });
  });
  test('a payment is matched first, blind, only to a registered receivable that owes something and has no payment yet; any other is left for the read-then-write path', async () => {
    const ledger = createLedger(db());
    const first = (invoiceId: string, paymentId: string, amountCents = 1) => ({ invoiceId, payment: { paymentId, amountCents } });
    await ledger.linkCase({ caseId: 'case-1', debtorId: 'D1', openInvoiceIds: ['bank:INV-2'] }, ['bank:INV-2']);
    await ledger.registerAll([{ ...figures(120_000, 1), payments: [] }, { ...figures(0, 1), _id: 'bank:FREE', externalId: 'FREE', payments: [] }]);
    // As stored before first payments were kept apart: its payment in its own list.
    await db().collection('receivables').insertOne({ ...figures(50_000, 1), _id: 'bank:OLD', externalId: 'OLD', payments: [{ paymentId: 'P0', amountCents: 100 }] } as never);

    const matched = await ledger.matchFirstPayments([first('bank:INV-2', 'PA'), first('bank:NOBODY', 'PB'), first('bank:FREE', 'PC'), first('bank:OLD', 'PD'), first('bank:INV-1', 'P1', 120_000)]);

    expect([...matched.keys()]).toEqual(['bank:INV-1']);
    expect(matched.get('bank:INV-1')).toMatchObject({ _id: 'bank:INV-1', caseId: null, payments: [{ paymentId: 'P1', amountCents: 120_000 }] });
    expect(await ledger.findReceivable('bank', { invoiceId: 'bank:INV-1' })).toMatchObject({ payments: [{ paymentId: 'P1', amountCents: 120_000 }] });
    expect((await ledger.findReceivable('bank', { invoiceId: 'bank:OLD' }))?.payments).toEqual([{ paymentId: 'P0', amountCents: 100 }]);
    // Paid already: a second one might be late, so it is not matched blind.
    expect((await ledger.matchFirstPayments([first('bank:INV-1', 'P2', 500)])).size).toBe(0);
    expect((await ledger.findReceivable('bank', { invoiceId: 'bank:INV-1' }))?.payments).toEqual([{ paymentId: 'P1', amountCents: 120_000 }]);
  });

  test("the first payment is kept apart and read at the head of the receivable's payments; the later ones go into its own list, each payment once", async () => {
    const ledger = createLedger(db());
    await ledger.registerAll([{ ...figures(120_000, 1), payments: [] }]);

    expect((await ledger.matchPayment('bank:INV-1', { paymentId: 'P1', amountCents: 1000 }))?.payments).toEqual([{ paymentId: 'P1', amountCents: 1000 }]);
    expect((await stored())?.payments ?? []).toEqual([]);
    expect(await db().collection('first_payments').findOne({ _id: 'bank:INV-1' as never })).toEqual({ _id: 'bank:INV-1', paymentId: 'P1', amountCents: 1000 });

    expect((await ledger.matchPayment('bank:INV-1', { paymentId: 'P1', amountCents: 1000 }))?.payments).toEqual([{ paymentId: 'P1', amountCents: 1000 }]);
    expect((await ledger.matchPayment('bank:INV-1', { paymentId: 'P2', amountCents: 2000 }))?.payments).toEqual([{ paymentId: 'P1', amountCents: 1000 }, { paymentId: 'P2', amountCents: 2000 }]);
    expect((await ledger.matchPayment('bank:INV-1', { paymentId: 'P2', amountCents: 2000 }))?.payments).toHaveLength(2);
    expect((await ledger.findReceivables(['bank:INV-1']))[0]?.payments).toEqual([{ paymentId: 'P1', amountCents: 1000 }, { paymentId: 'P2', amountCents: 2000 }]);
    // An update of the invoice's figures keeps both.
    await ledger.update(figures(90_000, 2));
    expect(await ledger.findReceivable('bank', { invoiceId: 'bank:INV-1' })).toMatchObject({ amountCents: 90_000, payments: [{ paymentId: 'P1' }, { paymentId: 'P2' }] });
    // No receivable, nothing matched, and nothing left waiting for one.
    expect(await ledger.matchPayment('bank:NOBODY', { paymentId: 'P3', amountCents: 1 })).toBeNull();
    expect(await db().collection('first_payments').findOne({ _id: 'bank:NOBODY' as never })).toBeNull();
  });

  test('a Pix payment and a bank file paying one receivable at once are both kept, each once, whichever comes first', async () => {
    const ledger = createLedger(db());
    const ids = Array.from({ length: 20 }, (_, i) => `bank:INV-${i}`);
    await ledger.registerAll(ids.map((_id, i) => ({ ...figures(120_000, 1), _id, externalId: `INV-${i}`, payments: [] })));

    // As the CNAB batch does: one that could not be matched first blind goes the long way.
    const boleto = async (id: string) => {
      const payment = { paymentId: `${id}:boleto`, amountCents: 200 };
      if (!(await ledger.matchFirstPayments([{ invoiceId: id, payment }])).has(id)) await ledger.matchPayment(id, payment);
    };
    // Two at once per receivable: which is first is decided by the unique `_id` of its first payment, on MongoDB and
    // FerretDB alike. (Two updates of one document at once are not: FerretDB 1.x reads, then writes the document
    // whole, so one of two concurrent `$addToSet`s can be lost there, as before first payments were kept apart.)
    await Promise.all(ids.flatMap((id) => [ledger.matchPayment(id, { paymentId: `${id}:pix`, amountCents: 100 }), boleto(id)]));
    await Promise.all(ids.map((id) => ledger.matchPayment(id, { paymentId: `${id}:card`, amountCents: 300 })));

    const receivables = await ledger.findReceivables(ids);
    expect(receivables).toHaveLength(ids.length);
    for (const receivable of receivables) {
      expect(receivable.payments.map((p) => p.paymentId).sort()).toEqual([`${receivable._id}:boleto`, `${receivable._id}:card`, `${receivable._id}:pix`]);
    }
  });

  test("a debtor's document hash lists each of its invoices once, whether new, known, redelivered or indexed by two runs at once", async () => {
    const matching = createPaymentMatchingStore(db());
    const run = (entries: Record<string, string[]>) => new Map(Object.entries(entries).map(([hash, invoiceIds]) => [debtorDocumentId('bank', hash), { tenant: 'bank', invoiceIds }]));

    await matching.indexDocuments(run({ h1: ['bank:A'], h2: ['bank:B', 'bank:B'] }));
    // A known debtor's new invoice, a redelivered one, and a debtor seen for the first time, in one run.
    await matching.indexDocuments(run({ h1: ['bank:C'], h2: ['bank:B'], h3: ['bank:D'] }));
    // Two runs at once (two replicas) for a debtor new to both: the insert that loses adds its invoice.
    await Promise.all([matching.indexDocuments(run({ h4: ['bank:E'] })), matching.indexDocuments(run({ h4: ['bank:F'] }))]);

    expect(await matching.invoicesOfDocument('bank', 'h1')).toEqual(['bank:A', 'bank:C']);
    expect(await matching.invoicesOfDocument('bank', 'h2')).toEqual(['bank:B']);
    expect(await matching.invoicesOfDocument('bank', 'h3')).toEqual(['bank:D']);
    expect([...(await matching.invoicesOfDocument('bank', 'h4'))].sort()).toEqual(['bank:E', 'bank:F']);
    expect(await db().collection('debtor_documents').findOne({ _id: debtorDocumentId('bank', 'h3') as never })).toMatchObject({ tenant: 'bank' });
  });
});

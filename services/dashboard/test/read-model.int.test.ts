// The read model's writes on the real database: documents a run created go in by one insert, and a document another
// replica created since the run read it is still written (replaced), never lost or refused.
import { useScratchDatabase } from '@regua/mongo/testing';
import { newInvoice } from '../src/store/documents.ts';
import { createReadModelStore } from '../src/store/read-model.ts';

describe('the read model store', () => {
  const db = useScratchDatabase('dashrm');

  test('new documents are inserted, a new one another replica wrote meanwhile and the known ones are replaced', async () => {
    const store = createReadModelStore(db());
    const known = { ...newInvoice('t:known', 't'), amountCents: 100 };
    await store.saveInvoices([known]);
    // Written by another replica after this run read it as missing.
    await store.saveInvoices([{ ...newInvoice('t:raced', 't'), amountCents: 1 }]);

    const fresh = { ...newInvoice('t:fresh', 't'), amountCents: 300 };
    const raced = { ...newInvoice('t:raced', 't'), amountCents: 200 };
    await store.saveInvoices([fresh, raced, { ...known, amountCents: 150 }], new Set(['t:fresh', 't:raced']));

    expect((await store.invoice('t:fresh'))?.amountCents).toBe(300);
    expect((await store.invoice('t:raced'))?.amountCents).toBe(200);
    expect((await store.invoice('t:known'))?.amountCents).toBe(150);
    expect(await db().collection('invoices').countDocuments({})).toBe(3);
  });
});

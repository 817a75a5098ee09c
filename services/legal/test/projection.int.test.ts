// Legal's projection on the real database: which case an invoice is in.
import { useScratchDatabase } from '@regua/mongo/testing';
import { createProjection, type InvoiceDoc } from '../src/store/projection.ts';

describe("legal's invoice → case links", () => {
  const db = useScratchDatabase('legalproj');

  test('a run of links is one insert; a link already there stays; an invoice linked before links had documents keeps its own', async () => {
    const projection = createProjection(db());

    await projection.linkInvoices([
      { invoiceId: 'bank:INV-1', caseId: 'case-1' },
      { invoiceId: 'bank:INV-2', caseId: 'case-1' },
    ]);
    await projection.linkInvoices([{ invoiceId: 'bank:INV-1', caseId: 'case-9' }]);

    expect(await projection.caseOfInvoice('bank:INV-1')).toBe('case-1');
    expect(await projection.caseOfInvoice('bank:INV-2', null)).toBe('case-1');
    expect(await projection.caseOfInvoice('bank:INV-3')).toBeUndefined();
    const older: InvoiceDoc = { _id: 'bank:INV-3', version: 2, tenant: 'bank', debtorId: 'D-1', caseId: 'case-0' };
    expect(await projection.caseOfInvoice('bank:INV-3', older)).toBe('case-0');
  });
});

// Legal's projection on the real database: which case an invoice is in, and what plans make of cases.
import { randomUUID } from 'node:crypto';
import { buildEnvelope, CasePlannedV1, type EventOf } from '@regua/contracts';
import type { Delivery } from '@regua/kafka-bus';
import { useScratchDatabase } from '@regua/mongo/testing';
import { projectionSubscriptions } from '../src/handlers/kafka/projection.ts';
import type { Negativacao } from '../src/negativacao.ts';
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

  test("a run of plans: new cases inserted with all their plans' invoices, a held case takes its new invoices and keeps the rest", async () => {
    const projection = createProjection(db());
    // Plans touch no registration: nothing of negativação is reached from them.
    const planned = projectionSubscriptions({ projection, negativacao: {} as Negativacao }).find((s) => s.topic === CasePlannedV1.topic)!;
    const plan = (caseId: string, joined: string[], open = joined): Delivery<unknown> => ({
      value: buildEnvelope(CasePlannedV1, { id: randomUUID(), occurredAt: new Date('2026-11-27T12:00:00Z'), source: 'notification', tenant: 'bank', correlationId: randomUUID() }, { caseId, debtorId: `D-${caseId}`, joinedInvoiceIds: joined, openInvoiceIds: open, strategy: 'default', arm: 'champion', cadenceId: 'default', cadenceVersion: 1, nextContact: null }) as EventOf<typeof CasePlannedV1>,
      meta: { topic: CasePlannedV1.topic, partition: 0, offset: '0', key: `bank:D-${caseId}` },
    });
    await planned.handleBatch([plan('case-held', ['bank:INV-10'])]);
    await projection.updateCase('case-held', (doc) => ({ ...doc!, agreement: { agreementId: 'AG-1', active: true } }));

    // A first plan of a held case (as if its earlier invoices had closed), a new case's two plans, and a later plan
    // (an open invoice that joined before) of a case never seen here: each case ends with every plan's invoices.
    await planned.handleBatch([plan('case-new', ['bank:INV-20']), plan('case-held', ['bank:INV-11']), plan('case-new', ['bank:INV-21']), plan('case-unseen', ['bank:INV-31'], ['bank:INV-30', 'bank:INV-31'])]);
    await planned.handleBatch([plan('case-new', ['bank:INV-20']), plan('case-held', ['bank:INV-12'], ['bank:INV-10', 'bank:INV-11', 'bank:INV-12'])]);

    expect(await projection.case('case-new')).toEqual({ _id: 'case-new', version: 1, tenant: 'bank', debtorId: 'D-case-new', invoiceIds: ['bank:INV-20', 'bank:INV-21'] });
    expect(await projection.case('case-held')).toMatchObject({ version: 4, invoiceIds: ['bank:INV-10', 'bank:INV-11', 'bank:INV-12'], agreement: { agreementId: 'AG-1', active: true } });
    expect(await projection.case('case-unseen')).toMatchObject({ version: 1, invoiceIds: ['bank:INV-31'] });
    expect(await projection.caseOfInvoice('bank:INV-21')).toBe('case-new');
  });
});

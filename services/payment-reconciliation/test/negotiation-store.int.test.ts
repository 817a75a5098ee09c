import { useScratchDatabase } from '@regua/mongo/testing';
import { createNegotiationStore } from '../src/store/negotiation.ts';

const AT = new Date('2026-11-27T08:00:00Z');

describe('the negotiation store keeps each case as its last plan listed it', () => {
  const db = useScratchDatabase('negotiation-store');
  const plan = (caseId: string, openInvoiceIds: string[], segment?: string) => ({ _id: caseId, tenant: 'bank', debtorId: 'D1', openInvoiceIds, ...(segment ? { segment } : {}), updatedAt: AT });

  test('new cases are inserted; a case already held takes the new plan and keeps its agreement; a repeat changes nothing', async () => {
    const store = createNegotiationStore(db());
    await store.planCases([plan('case-1', ['bank:A'], 'A'), plan('case-2', ['bank:B'])]);
    expect(await store.claimCase('case-1', 'agreement-1')).toBe(true);

    // A run with a later plan of a held case, a repeat of another, and a case seen for the first time.
    await store.planCases([plan('case-1', ['bank:A', 'bank:C'], 'B'), plan('case-2', ['bank:B']), plan('case-3', ['bank:D'])]);

    expect(await store.findCase('case-1')).toEqual({ ...plan('case-1', ['bank:A', 'bank:C'], 'B'), agreementId: 'agreement-1' });
    expect(await store.findCase('case-2')).toEqual(plan('case-2', ['bank:B']));
    expect(await store.findCase('case-3')).toEqual(plan('case-3', ['bank:D']));
  });

  test('a case a later plan says is likely held is written by _id, not inserted: held, it keeps its agreement; not held after all, it is created', async () => {
    const store = createNegotiationStore(db());
    await store.planCases([plan('case-4', ['bank:E'])]);
    expect(await store.claimCase('case-4', 'agreement-4')).toBe(true);

    await store.planCases([plan('case-4', ['bank:E', 'bank:F']), plan('case-5', ['bank:G', 'bank:H'])], new Set(['case-4', 'case-5']));

    expect(await store.findCase('case-4')).toEqual({ ...plan('case-4', ['bank:E', 'bank:F']), agreementId: 'agreement-4' });
    expect(await store.findCase('case-5')).toEqual(plan('case-5', ['bank:G', 'bank:H']));
  });
});

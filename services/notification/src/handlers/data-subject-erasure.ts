import { DataSubjectErasureRequestedV1 } from '@regua/contracts';
import { on } from '@regua/kafka-bus';
import type { DataSubjectRequestLog } from '@regua/mongo';
import type { Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import type { CaseStore } from '../store/cases.ts';

/**
 * A data subject's erasure: the cases holding their invoices are closed and stripped of name, contacts and message
 * texts by `_id`, then the part is recorded as done. An invoice in no case yet is linked to none, so a later
 * `debtor.scored` for it opens nothing. Safe to repeat.
 */
export function onDataSubjectErasureRequested(deps: { store: CaseStore; stepCount: (cadenceId: string | null, tenant: string, version: number) => Promise<number>; requests: DataSubjectRequestLog; clock: Clock; logger: Logger }) {
  return on(DataSubjectErasureRequestedV1, async ({ tenant, data }) => {
    const now = deps.clock.now();
    const invoiceIds = data.invoices.map((i) => i.invoiceId);
    const caseIds = await deps.store.caseIdsOf(invoiceIds);
    await deps.store.linkInvoices(invoiceIds.filter((id) => !caseIds.has(id)).map((invoiceId) => ({ invoiceId, caseId: '', tenant })));
    const counts = new Map<string, number>();
    for (const doc of await deps.store.findMany([...new Set([...caseIds.values()].filter(Boolean))])) counts.set(doc._id, await deps.stepCount(doc.cadenceId, doc.tenant, doc.cadenceVersion));
    await deps.store.erase([...counts.keys()], now, data.requestId, (doc) => counts.get(doc._id) ?? 0);
    await deps.requests.partDone({ requestId: data.requestId, tenant, part: data.part, parts: data.parts, collections: ['cases', 'deliveries'], at: now });
    deps.logger.info({ requestId: data.requestId, tenant, part: data.part, parts: data.parts, invoices: data.invoices.length, cases: counts.size }, 'data-subject erasure: cases and deliveries anonymised');
  });
}

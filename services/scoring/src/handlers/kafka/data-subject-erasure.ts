import { DataSubjectErasureRequestedV1 } from '@regua/contracts';
import { on } from '@regua/kafka-bus';
import type { DataSubjectRequestLog } from '@regua/mongo';
import type { Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import type { HistoryStore } from '../../store/histories.ts';
import type { LabelStore } from '../../store/labels.ts';
import type { ScoreStore } from '../../store/scores.ts';

/**
 * A data subject's erasure: their scores stripped of factors, reasons and facts by `_id`, their labels deleted,
 * their invoices closed in their debtors' histories (never scored again), then the part recorded as done. Safe to repeat.
 */
export function onDataSubjectErasureRequested(deps: { store: ScoreStore; histories: HistoryStore; labels: LabelStore; requests: DataSubjectRequestLog; clock: Clock; logger: Logger }) {
  return on(DataSubjectErasureRequestedV1, async ({ tenant, data }) => {
    const now = deps.clock.now();
    const stored = await deps.store.findMany(data.invoices.map((i) => i.invoiceId));
    await deps.labels.remove(stored.filter((doc) => doc.labelMonth && doc.tenant === tenant).map((doc) => ({ month: doc.labelMonth!, invoiceId: doc._id })));
    await deps.store.erase(data.invoices, tenant, data.requestId, now);
    for (const [debtorId, invoices] of Map.groupBy(data.invoices, (i) => i.debtorId)) await deps.histories.closeInvoices(tenant, debtorId, invoices.map((i) => i.invoiceId));
    await deps.requests.partDone({ requestId: data.requestId, tenant, part: data.part, parts: data.parts, collections: ['scores', 'scoring_labels', 'debtor_histories'], at: now });
    deps.logger.info({ requestId: data.requestId, tenant, part: data.part, parts: data.parts, invoices: data.invoices.length }, 'data-subject erasure: scores anonymised');
  });
}

import { DataSubjectErasureRequestedV1 } from '@regua/contracts';
import { on } from '@regua/kafka-bus';
import type { DataSubjectRequestLog } from '@regua/mongo';
import type { Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import type { ScoreStore } from '../store/scores.ts';

/** A data subject's erasure: their scores stripped of the factors by `_id`, then the part recorded as done. Safe to repeat. */
export function onDataSubjectErasureRequested(deps: { store: ScoreStore; requests: DataSubjectRequestLog; clock: Clock; logger: Logger }) {
  return on(DataSubjectErasureRequestedV1, async ({ tenant, data }) => {
    const now = deps.clock.now();
    await deps.store.erase(data.invoices, tenant, data.requestId, now);
    await deps.requests.partDone({ requestId: data.requestId, tenant, part: data.part, parts: data.parts, collections: ['scores'], at: now });
    deps.logger.info({ requestId: data.requestId, tenant, part: data.part, parts: data.parts, invoices: data.invoices.length }, 'data-subject erasure: scores anonymised');
  });
}

import { buildEnvelope, causedBy, debtorKey, DebtorEnrichedV1, DebtorScoredV1 } from '@regua/contracts';
import { on, type EventPublisher } from '@regua/kafka-bus';
import { derivedEventId, type Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import { MODEL_VERSION, scoreDebtor } from '../domain/score.ts';
import type { ScoreStore } from '../store/scores.ts';

export function onDebtorEnriched(deps: { store: ScoreStore; publisher: EventPublisher; clock: Clock; logger: Logger; source: string }) {
  return on(DebtorEnrichedV1, async (event) => {
    const now = deps.clock.now();
    const profile = event.data;
    const { score, segment, factors } = scoreDebtor(profile, now);
    await deps.store.save({ _id: profile.invoiceId, tenant: event.tenant, debtorId: profile.debtorId, score, segment, factors, modelVersion: MODEL_VERSION, sourceEventId: event.id, scoredAt: now });
    const scored = buildEnvelope(DebtorScoredV1, causedBy(event, { id: derivedEventId(event.id, DebtorScoredV1.type), occurredAt: now, source: deps.source }), {
      invoiceId: profile.invoiceId,
      debtorId: profile.debtorId,
      score,
      segment,
      modelVersion: MODEL_VERSION,
      profile,
    });
    await deps.publisher.publish([{ topic: DebtorScoredV1.topic, key: debtorKey(event.tenant, profile.debtorId), envelope: scored }]);
    deps.logger.info({ invoiceId: profile.invoiceId, correlationId: event.correlationId, score, segment }, 'debtor scored');
  });
}

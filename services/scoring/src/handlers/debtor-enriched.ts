import { buildEnvelope, causedBy, debtorKey, DebtorEnrichedV1, DebtorScoredV1 } from '@regua/contracts';
import { onBatch, type EventPublisher, type OutgoingMessage } from '@regua/kafka-bus';
import { derivedEventId, type Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import { MODEL_VERSION, scoreDebtor } from '../domain/score.ts';
import type { ScoreDoc, ScoreStore } from '../store/scores.ts';

/** A run of enriched debtors: scores stored with one insert (first score of an invoice wins), then one publish. */
export function onDebtorEnriched(deps: { store: ScoreStore; publisher: EventPublisher; clock: Clock; logger: Logger; source: string }) {
  return onBatch(DebtorEnrichedV1, async (items) => {
    const now = deps.clock.now();
    const scored = items.map(({ value: event }) => ({ event, profile: event.data, ...scoreDebtor(event.data, now) }));
    const docs: ScoreDoc[] = scored.map(({ event, profile, score, segment, factors }) => ({ _id: profile.invoiceId, tenant: event.tenant, debtorId: profile.debtorId, score, segment, factors, modelVersion: MODEL_VERSION, sourceEventId: event.id, scoredAt: now }));
    await deps.store.saveAll(docs);
    const messages: OutgoingMessage[] = scored.map(({ event, profile, score, segment }) => ({
      topic: DebtorScoredV1.topic,
      key: debtorKey(event.tenant, profile.debtorId),
      envelope: buildEnvelope(DebtorScoredV1, causedBy(event, { id: derivedEventId(event.id, DebtorScoredV1.type), occurredAt: now, source: deps.source }), {
        invoiceId: profile.invoiceId,
        debtorId: profile.debtorId,
        score,
        segment,
        modelVersion: MODEL_VERSION,
        profile,
      }),
    }));
    await deps.publisher.publish(messages);
    for (const { event, profile, score, segment } of scored) deps.logger.info({ invoiceId: profile.invoiceId, correlationId: event.correlationId, score, segment }, 'debtor scored');
  });
}

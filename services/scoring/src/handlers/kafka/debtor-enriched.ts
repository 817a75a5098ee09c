import { buildEnvelope, causedBy, debtorKey, DebtorEnrichedV1, DebtorScoredV1 } from '@regua/contracts';
import { onBatch, type OutgoingMessage } from '@regua/kafka-bus';
import { derivedEventId } from '@regua/service-kit';
import { caseScoredMessage, scoreFieldsOf } from '../../case-scorer.ts';
import { invoiceFactsOf, type DebtorHistory } from '../../domain/features.ts';
import { labelMonthOf, type LabelDoc } from '../../store/labels.ts';
import type { ScoreDoc } from '../../store/scores.ts';
import type { ScoringHandlerDeps } from './deps.ts';

type Deps = ScoringHandlerDeps;

/**
 * A run of enriched debtors: each invoice scored with its debtor's history and its tenant's rules; scores and labels
 * stored with one insert each (the first score of an invoice wins), each debtor's history told of its invoices (one
 * upsert by `_id` per debtor), then one publish: `debtor.scored` (for notification) and `case.scored`.
 */
export function onDebtorEnriched(deps: Deps) {
  return onBatch(DebtorEnrichedV1, async (items) => {
    const now = deps.clock.now();
    const month = labelMonthOf(now);
    const context = await deps.scorer.context(items.map((i) => i.value.tenant));
    const histories = await deps.histories.getMany(items.map(({ value }) => ({ tenant: value.tenant, debtorId: value.data.debtorId })));
    // Invoices of one debtor earlier in this run count as previous invoices for the later ones.
    const seen = new Map<string, string[]>();
    const scored = items.map(({ value: event }) => {
      const key = debtorKey(event.tenant, event.data.debtorId);
      const earlier = seen.get(key) ?? [];
      const { known: _known, ...stored } = histories.get(key)!;
      const history: DebtorHistory = { ...stored, invoiceIds: [...new Set([...stored.invoiceIds, ...earlier])] };
      seen.set(key, [...earlier, event.data.invoiceId]);
      const facts = invoiceFactsOf(event.data);
      return { event, facts, result: context.score(event.tenant, facts, history, now) };
    });

    const docs: ScoreDoc[] = scored.map(({ event, facts, result }) => ({
      _id: facts.invoiceId,
      tenant: event.tenant,
      debtorId: facts.debtorId,
      ...scoreFieldsOf(result),
      sourceEventId: event.id,
      scoredAt: now,
      facts,
      labelMonth: month,
    }));
    const inserted = await deps.store.saveAll(docs);
    // Only invoices scored for the first time get a label: not a redelivery, nor an invoice erased before it came.
    const labels: LabelDoc[] = scored.filter(({ facts }) => inserted.has(facts.invoiceId)).map(({ event, facts, result }) => ({ _id: facts.invoiceId, tenant: event.tenant, features: result.features, modelVersion: result.modelVersion, probability: result.probability, scoredAt: now }));
    await deps.labels.insertAll(month, labels);
    await deps.histories.addInvoices(
      [...Map.groupBy(scored, ({ event }) => debtorKey(event.tenant, event.data.debtorId))].map(([key, group]) => ({ tenant: group[0]!.event.tenant, debtorId: group[0]!.facts.debtorId, invoiceIds: group.map((g) => g.facts.invoiceId), known: histories.get(key)!.known })),
    );

    const messages: OutgoingMessage[] = scored.flatMap(({ event, facts, result }) => [
      {
        topic: DebtorScoredV1.topic,
        key: debtorKey(event.tenant, facts.debtorId),
        envelope: buildEnvelope(DebtorScoredV1, causedBy(event, { id: derivedEventId(event.id, DebtorScoredV1.type), occurredAt: now, source: deps.source }), {
          invoiceId: facts.invoiceId,
          debtorId: facts.debtorId,
          score: result.score,
          segment: result.segment,
          strategy: result.strategy,
          modelVersion: result.modelVersion,
          profile: event.data,
        }),
      },
      caseScoredMessage(event, result, facts, 'debtor-enriched', now, deps.source),
    ]);
    await deps.publisher.publish(messages);
    for (const { event, facts, result } of scored) deps.logger.info({ invoiceId: facts.invoiceId, correlationId: event.correlationId, score: result.score, segment: result.segment, strategy: result.strategy, modelVersion: result.modelVersion }, 'debtor scored');
  });
}

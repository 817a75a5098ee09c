import type { EnvelopeHeader } from '@regua/contracts';
import type { EventPublisher } from '@regua/kafka-bus';
import { caseScoredMessage, scoreFieldsOf, type CaseScorer, type ScoreTrigger } from './case-scorer.ts';
import { openInvoiceIds, type DebtorHistory } from './domain/features.ts';
import type { Rescore, ScoreStore } from './store/scores.ts';

/** One debtor to score again after a new fact: the fact's event, and the history with the fact in it. */
export interface RescoreRequest<C extends EnvelopeHeader = EnvelopeHeader> {
  cause: C;
  history: DebtorHistory;
}

/**
 * Every invoice still open of each debtor (from the history's list, read by `_id`; erased ones and another tenant's
 * left alone) scored again with its stored facts, written by `_id`, and published as `case.scored` in one publish,
 * each event's id derived from its cause's and the invoice's: a redelivered fact re-publishes the same ids.
 */
export async function rescoreOpenInvoices<C extends EnvelopeHeader>(deps: { scorer: CaseScorer; store: ScoreStore; publisher: EventPublisher; source: string }, requests: ReadonlyArray<RescoreRequest<C>>, trigger: ScoreTrigger, now: Date) {
  const requestOf = new Map(requests.flatMap((request) => openInvoiceIds(request.history).map((invoiceId) => [invoiceId, request] as const)));
  const open = (await deps.store.findMany([...requestOf.keys()])).flatMap((doc) => {
    const request = requestOf.get(doc._id);
    return request && doc.tenant === request.cause.tenant && doc.facts && !doc.erasedAt ? [{ doc, facts: doc.facts, request }] : [];
  });
  if (open.length === 0) return [];
  const context = await deps.scorer.context(open.map(({ request }) => request.cause.tenant));
  const rescored = open.map(({ doc, facts, request }) => ({ doc, request, result: context.score(request.cause.tenant, facts, request.history, now) }));
  const updates: Rescore[] = rescored.map(({ doc, request, result }) => ({ _id: doc._id, ...scoreFieldsOf(result), rescoredAt: now, sourceEventId: request.cause.id }));
  await deps.store.rescore(updates);
  await deps.publisher.publish(rescored.map(({ doc, request, result }) => caseScoredMessage(request.cause, result, { invoiceId: doc._id, debtorId: doc.debtorId }, trigger, now, deps.source)));
  return rescored;
}

import { AgreementBrokenV1, AgreementCreatedV1, AgreementInstallmentPaidV1, AgreementSettledV1, debtorKey, type EnvelopeHeader, type EventOf } from '@regua/contracts';
import { onBatch, type Subscription } from '@regua/kafka-bus';
import type { AgreementFact, AgreementStatus } from '../../domain/agreements.ts';
import { rescoreOpenInvoices } from '../../rescore.ts';
import type { LabelDate } from '../../store/labels.ts';
import type { ScoringHandlerDeps } from './deps.ts';

type Deps = ScoringHandlerDeps;
type Envelope = EnvelopeHeader & { data: { debtorId: string } };

/**
 * Payment-reconciliation's agreement events become their debtors' agreements in the history (made, installments
 * paid, broken, kept: each agreement counted once per status however often its event comes), and outcomes on the
 * labels of the agreement's invoices: `agreementAt` when made, `brokenAt` when broken (a kept agreement's invoices
 * get `paidAt` from the payments reconciled when it settles). A broken agreement re-scores the debtor's open invoices,
 * as a payment does; the others wait for the debtor's next score.
 */
export function onAgreementEvents(deps: Deps): Subscription[] {
  return [
    onBatch(AgreementCreatedV1, async (items) => {
      const events = items.map((i) => i.value);
      await record(deps, 'created', events, (e) => ({ key: e.data.agreementId }));
      await markLabels(deps, 'agreementAt', events.map((e) => ({ tenant: e.tenant, invoiceIds: e.data.invoiceIds, at: new Date(e.data.acceptedAt) })));
    }),
    onBatch(AgreementInstallmentPaidV1, async (items) => {
      await record(deps, 'installmentPaid', items.map((i) => i.value), (e) => ({ key: `${e.data.agreementId}#${e.data.number}` }));
    }),
    onBatch(AgreementSettledV1, async (items) => {
      await record(deps, 'settled', items.map((i) => i.value), (e) => ({ key: e.data.agreementId }));
    }),
    onBatch(AgreementBrokenV1, async (items) => onBroken(deps, items.map((i) => i.value))),
  ];
}

/**
 * Broken agreements: counted, dated on their invoices' labels (the event's instant: it carries no date of its own),
 * then every debtor's open invoices scored again with the break in their history, caused by the debtor's latest
 * broken event of the run. A redelivery counts nothing again but re-scores, publishing the same event ids.
 */
async function onBroken(deps: Deps, events: Array<EventOf<typeof AgreementBrokenV1>>): Promise<void> {
  const now = deps.clock.now();
  await record(deps, 'broken', events, (e) => ({ key: e.data.agreementId, at: e.occurredAt }));
  await markLabels(deps, 'brokenAt', events.map((e) => ({ tenant: e.tenant, invoiceIds: e.data.invoiceIds, at: new Date(e.occurredAt) })));

  const latest = [...new Map(events.map((e) => [debtorKey(e.tenant, e.data.debtorId), e])).values()];
  const histories = await deps.histories.getMany(latest.map((e) => ({ tenant: e.tenant, debtorId: e.data.debtorId })));
  const requests = latest.map((cause) => ({ cause, history: histories.get(debtorKey(cause.tenant, cause.data.debtorId))! }));
  const rescored = await rescoreOpenInvoices(deps, requests, 'agreement-broken', now);
  for (const { doc, request, result } of rescored) {
    deps.logger.info({ invoiceId: doc._id, correlationId: request.cause.correlationId, agreementId: request.cause.data.agreementId, score: result.score, segment: result.segment }, 'case re-scored after a broken agreement');
  }
}

/** One run of one status into the histories: one guarded update by `_id` per debtor. */
async function record<E extends Envelope>(deps: Deps, status: AgreementStatus, events: readonly E[], factOf: (event: E) => AgreementFact): Promise<void> {
  const byDebtor = Map.groupBy(events, (e) => debtorKey(e.tenant, e.data.debtorId));
  const entries = [...byDebtor.values()].map((group) => ({ tenant: group[0]!.tenant, debtorId: group[0]!.data.debtorId, agreements: group.map(factOf) }));
  await deps.histories.recordAgreements(status, entries);
  deps.logger.debug({ status, events: events.length, debtors: entries.length }, 'agreements recorded');
}

/** A date on the labels of the invoices scoring has scored for the event's tenant (others have no label here). */
async function markLabels(deps: Deps, field: LabelDate, outcomes: ReadonlyArray<{ tenant: string; invoiceIds: readonly string[]; at: Date }>): Promise<void> {
  const wanted = outcomes.flatMap(({ tenant, invoiceIds, at }) => invoiceIds.map((invoiceId) => ({ tenant, invoiceId, at })));
  const scored = new Map((await deps.store.findMany([...new Set(wanted.map((w) => w.invoiceId))])).map((doc) => [doc._id, doc]));
  const entries = wanted.flatMap(({ tenant, invoiceId, at }) => {
    const doc = scored.get(invoiceId);
    return doc?.labelMonth && doc.tenant === tenant ? [{ month: doc.labelMonth, invoiceId, at }] : [];
  });
  await deps.labels.mark(field, entries);
}

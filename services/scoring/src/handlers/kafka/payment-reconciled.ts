import { PaymentReconciledV1 } from '@regua/contracts';
import { on } from '@regua/kafka-bus';
import { caseScoredMessage, scoreFieldsOf } from '../../case-scorer.ts';
import { openInvoiceIds } from '../../domain/features.ts';
import type { Rescore } from '../../store/scores.ts';
import type { ScoringHandlerDeps } from './deps.ts';

type Deps = ScoringHandlerDeps;

/**
 * A payment is a new fact about its debtor: it joins the debtor's history (its invoice closed when settled), the
 * paid invoice's label gets its payment date, and every invoice of the debtor still open is scored again, read and
 * written by `_id` from the history's list, and published as `case.scored` with ids derived from the payment's event.
 * Per message, one debtor's in order; every step is safe to repeat.
 */
export function onPaymentReconciled(deps: Deps) {
  return on(PaymentReconciledV1, async (event) => {
    const now = deps.clock.now();
    const { data, tenant } = event;
    const history = await deps.histories.recordPayment(tenant, data.debtorId, { paymentId: data.paymentId, invoiceId: data.invoiceId, amountCents: data.amountCents, paidAt: data.paidAt, settled: data.settled });

    const paid = await deps.store.find(data.invoiceId);
    if (paid?.labelMonth && paid.tenant === tenant) await deps.labels.markPaid([{ month: paid.labelMonth, invoiceId: data.invoiceId, paidAt: new Date(data.paidAt) }]);

    const open = (await deps.store.findMany(openInvoiceIds(history))).filter((doc) => doc.tenant === tenant && doc.facts && !doc.erasedAt);
    if (open.length === 0) return;
    const context = await deps.scorer.context([tenant]);
    const rescored = open.map((doc) => ({ doc, result: context.score(tenant, doc.facts!, history, now) }));
    const updates: Rescore[] = rescored.map(({ doc, result }) => ({
      _id: doc._id,
      ...scoreFieldsOf(result),
      rescoredAt: now,
      sourceEventId: event.id,
    }));
    await deps.store.rescore(updates);
    await deps.publisher.publish(rescored.map(({ doc, result }) => caseScoredMessage(event, result, { invoiceId: doc._id, debtorId: doc.debtorId }, 'payment-reconciled', now, deps.source)));
    for (const { doc, result } of rescored) deps.logger.info({ invoiceId: doc._id, correlationId: event.correlationId, paymentId: data.paymentId, score: result.score, segment: result.segment }, 'case re-scored after a payment');
  });
}

import { PaymentReconciledV1 } from '@regua/contracts';
import { on } from '@regua/kafka-bus';
import { rescoreOpenInvoices } from '../../rescore.ts';
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
    if (paid?.labelMonth && paid.tenant === tenant) await deps.labels.mark('paidAt', [{ month: paid.labelMonth, invoiceId: data.invoiceId, at: new Date(data.paidAt) }]);

    const rescored = await rescoreOpenInvoices(deps, [{ cause: event, history }], 'payment-reconciled', now);
    for (const { doc, result } of rescored) deps.logger.info({ invoiceId: doc._id, correlationId: event.correlationId, paymentId: data.paymentId, score: result.score, segment: result.segment }, 'case re-scored after a payment');
  });
}

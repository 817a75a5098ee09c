import { buildEnvelope, causedBy, debtorKey, InvoiceRegisteredV1, InvoiceUpdatedV1, PaymentReceivedV1, PaymentReconciledV1, type Invoice } from '@regua/contracts';
import { RetriableError } from '@regua/errors';
import { on, type EventPublisher } from '@regua/kafka-bus';
import { derivedEventId, type Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import { settle } from '../domain/reconcile.ts';
import type { Ledger } from '../store/ledger.ts';

interface Deps {
  ledger: Ledger;
  publisher: EventPublisher;
  clock: Clock;
  logger: Logger;
  source: string;
}

/** Keeps what each invoice is owed, to match payments against; updates change the amount owed. */
export function onInvoiceRegistered(deps: Deps) {
  return on(InvoiceRegisteredV1, async (event) => saveReceivable(deps, event.tenant, event.data.invoiceId, event.data.invoice));
}

export function onInvoiceUpdated(deps: Deps) {
  return on(InvoiceUpdatedV1, async (event) => saveReceivable(deps, event.tenant, event.data.invoiceId, event.data.invoice));
}

async function saveReceivable(deps: Deps, tenant: string, invoiceId: string, invoice: Invoice): Promise<void> {
  const pixTxid = invoice.paymentInstruments?.pix?.txid;
  await deps.ledger.upsertReceivable({
    _id: invoiceId,
    tenant,
    externalId: invoice.externalId,
    debtorId: invoice.debtor.externalId,
    amountCents: invoice.amountCents,
    ...(pixTxid ? { pixTxid } : {}),
    registeredAt: deps.clock.now(),
  });
}

/**
 * Matches a payment to its invoice and publishes the reconciliation. A payment for an invoice not yet
 * known is retried (the invoice event may still be on its way), then dead-lettered for an operator.
 */
export function onPaymentReceived(deps: Deps) {
  return on(PaymentReceivedV1, async (event) => {
    const payment = event.data;
    const receivable = await deps.ledger.findReceivable(event.tenant, { externalId: payment.invoiceExternalId, pixTxid: payment.pixTxid });
    if (!receivable) throw new RetriableError(`no invoice matches payment ${payment.paymentId} (externalId ${payment.invoiceExternalId ?? '-'}, txid ${payment.pixTxid ?? '-'})`);

    const now = deps.clock.now();
    await deps.ledger.recordPayment({ _id: `${event.tenant}:${payment.paymentId}`, tenant: event.tenant, paymentId: payment.paymentId, invoiceId: receivable._id, method: payment.method, amountCents: payment.amountCents, paidAt: new Date(payment.paidAt), receivedAt: now, sourceEventId: event.id });
    // Recomputed from the stored payments, so a redelivery after a crash reaches the same totals.
    const payments = await deps.ledger.paymentsFor(receivable._id);
    const settlement = settle({ invoiceId: receivable._id, debtorId: receivable.debtorId, amountCents: receivable.amountCents }, payments.map((p) => p.amountCents));

    const reconciled = buildEnvelope(PaymentReconciledV1, causedBy(event, { id: derivedEventId(`${event.tenant}:${payment.paymentId}`, PaymentReconciledV1.type), occurredAt: now, source: deps.source }), {
      paymentId: payment.paymentId,
      invoiceId: receivable._id,
      debtorId: receivable.debtorId,
      amountCents: payment.amountCents,
      paidTotalCents: settlement.paidTotalCents,
      outstandingCents: settlement.outstandingCents,
      settled: settlement.settled,
      paidAt: payment.paidAt,
    });
    await deps.publisher.publish([{ topic: PaymentReconciledV1.topic, key: debtorKey(event.tenant, receivable.debtorId), envelope: reconciled }]);
    deps.logger.info({ invoiceId: receivable._id, paymentId: payment.paymentId, settled: settlement.settled, outstandingCents: settlement.outstandingCents }, 'payment reconciled');
  });
}

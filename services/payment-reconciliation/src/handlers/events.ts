import { buildEnvelope, causedBy, debtorKey, invoiceId as toInvoiceId, InvoiceRegisteredV1, InvoiceUpdatedV1, PaymentReceivedV1, PaymentReconciledV1, type Invoice } from '@regua/contracts';
import { RetriableError } from '@regua/errors';
import { on, onBatch, type EventPublisher } from '@regua/kafka-bus';
import { derivedEventId, type Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import { settle } from '../domain/reconcile.ts';
import type { Ledger, ReceivableDoc } from '../store/ledger.ts';

interface Deps {
  ledger: Ledger;
  publisher: EventPublisher;
  clock: Clock;
  logger: Logger;
  source: string;
}

function receivable(tenant: string, invoiceId: string, invoice: Invoice, now: Date): Omit<ReceivableDoc, 'payments'> {
  const pixTxid = invoice.paymentInstruments?.pix?.txid;
  return { _id: invoiceId, tenant, externalId: invoice.externalId, debtorId: invoice.debtor.externalId, amountCents: invoice.amountCents, ...(pixTxid ? { pixTxid } : {}), registeredAt: now };
}

/** Keeps what each invoice is owed, to match payments against: a run of registrations is one insert. */
export function onInvoiceRegistered(deps: Deps) {
  return onBatch(InvoiceRegisteredV1, async (items) => {
    const now = deps.clock.now();
    await deps.ledger.registerAll(items.map(({ value: event }) => ({ ...receivable(event.tenant, event.data.invoiceId, event.data.invoice, now), payments: [] })));
  });
}

/** Updates change the amount owed (one invoice's updates share a partition, so they arrive in order). */
export function onInvoiceUpdated(deps: Deps) {
  return on(InvoiceUpdatedV1, async (event) => deps.ledger.update(receivable(event.tenant, event.data.invoiceId, event.data.invoice, deps.clock.now())));
}

/**
 * Matches a payment to its invoice and publishes the reconciliation. A payment for an invoice not yet
 * known is retried (the invoice event may still be on its way), then dead-lettered for an operator.
 */
export function onPaymentReceived(deps: Deps) {
  return on(PaymentReceivedV1, async (event) => {
    const payment = event.data;
    const invoiceId = payment.invoiceExternalId ? toInvoiceId(event.tenant, payment.invoiceExternalId) : undefined;
    const found = await deps.ledger.findReceivable(event.tenant, { invoiceId, pixTxid: payment.pixTxid });
    if (!found) throw new RetriableError(`no invoice matches payment ${payment.paymentId} (externalId ${payment.invoiceExternalId ?? '-'}, txid ${payment.pixTxid ?? '-'})`);

    const now = deps.clock.now();
    await deps.ledger.recordPayment({ _id: `${event.tenant}:${payment.paymentId}`, tenant: event.tenant, paymentId: payment.paymentId, invoiceId: found._id, method: payment.method, amountCents: payment.amountCents, paidAt: new Date(payment.paidAt), receivedAt: now, sourceEventId: event.id });
    // Totals come from the payments matched on the receivable, so a redelivery after a crash reaches the same figures.
    const matched = (await deps.ledger.matchPayment(found._id, { paymentId: payment.paymentId, amountCents: payment.amountCents })) ?? found;
    const settlement = settle({ invoiceId: matched._id, debtorId: matched.debtorId, amountCents: matched.amountCents }, matched.payments.map((p) => p.amountCents));

    const reconciled = buildEnvelope(PaymentReconciledV1, causedBy(event, { id: derivedEventId(`${event.tenant}:${payment.paymentId}`, PaymentReconciledV1.type), occurredAt: now, source: deps.source }), {
      paymentId: payment.paymentId,
      invoiceId: matched._id,
      debtorId: matched.debtorId,
      amountCents: payment.amountCents,
      paidTotalCents: settlement.paidTotalCents,
      outstandingCents: settlement.outstandingCents,
      settled: settlement.settled,
      paidAt: payment.paidAt,
    });
    await deps.publisher.publish([{ topic: PaymentReconciledV1.topic, key: debtorKey(event.tenant, matched.debtorId), envelope: reconciled }]);
    deps.logger.info({ invoiceId: matched._id, paymentId: payment.paymentId, settled: settlement.settled, outstandingCents: settlement.outstandingCents }, 'payment reconciled');
  });
}

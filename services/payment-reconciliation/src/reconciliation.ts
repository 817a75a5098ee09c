import { buildEnvelope, PaymentReceivedV1 } from '@regua/contracts';
import type { EventPublisher } from '@regua/kafka-bus';
import { forEachConcurrently } from '@regua/mongo';
import { derivedEventId, type Clock } from '@regua/service-kit';
import { decideParked } from './domain/parking.ts';
import { createOutbox, flushOutboxes } from './outbox.ts';
import { createReconcileStep, type PaymentHints, type PaymentReceived, type ReceiveResult, type ReconcileStepDeps } from './reconcile-step.ts';
import type { ReceivableDoc } from './store/ledger.ts';
import type { ParkedPaymentDoc } from './store/parked-payments.ts';

export type { AgreementPayments, CasePayments, PaymentReceived, ReceiveResult } from './reconcile-step.ts';

export interface ReconciliationDeps extends ReconcileStepDeps {
  publisher: EventPublisher;
  clock: Clock;
}

/**
 * A payment a door of this service took in (the Pix webhook, a CNAB file) as the event the Kafka doors carry. Its id
 * is derived from the payment, so taking the same payment in again builds the same event.
 */
export function receivedEvent(tenant: string, data: PaymentReceived['data'], context: { source: string; correlationId: string; occurredAt: Date }): PaymentReceived {
  return buildEnvelope(PaymentReceivedV1, { id: derivedEventId(`${tenant}:${data.paymentId}`, PaymentReceivedV1.type), tenant, ...context }, data);
}

/** Parked payments matched at once, each a read or two and a write or two by `_id`. */
const SWEEP_CONCURRENCY = 8;

/** A settlement parked on its nosso número alone names the invoice it matched, as the event's schema asks. */
function namingItsInvoice(event: PaymentReceived, receivable: ReceivableDoc): PaymentReceived {
  if (event.data.invoiceExternalId || event.data.pixTxid) return event;
  return { ...event, data: { ...event.data, invoiceExternalId: receivable.externalId } };
}

/**
 * Matches payments one at a time (`createReconcileStep`), publishing each one's events once it is done. A payment
 * whose invoice is not known yet is recorded and parked, never retried on the partition (which would hold back every
 * payment behind it); a sweep matches parked payments again, and the same code reconciles them as if they had
 * arrived then. What nobody's invoice claims within the window goes to `payment_exceptions`, for an operator.
 */
export function createReconciliation(deps: ReconciliationDeps) {
  const { ledger, parked, logger } = deps;
  const step = createReconcileStep(deps);

  async function sweepOne(doc: ParkedPaymentDoc, now: Date): Promise<void> {
    const receivable = await ledger.findReceivable(doc.tenant, { invoiceId: doc.invoiceId, pixTxid: doc.pixTxid, ourNumber: doc.ourNumber });
    const decision = decideParked(doc, receivable, now);
    if (decision.kind === 'reconcile') {
      await ledger.assignPayment(doc._id, decision.receivable._id);
      const out = createOutbox();
      await step.reconcile(PaymentReceivedV1.schema.parse(namingItsInvoice(JSON.parse(doc.event) as PaymentReceived, decision.receivable)), decision.receivable, now, out);
      await flushOutboxes(deps.publisher, [out]);
      await parked.remove(doc._id);
    } else if (decision.kind === 'expire') {
      if (await parked.expire(doc, decision.reason, now)) logger.warn({ paymentId: doc.paymentId, tenant: doc.tenant, amountCents: doc.amountCents, reason: decision.reason }, 'parked payment expired unmatched: moved to payment_exceptions');
    }
  }

  return {
    /**
     * A payment as it arrives, from any door (Kafka, the Pix webhook, the gateway webhook). Everything is keyed by
     * `tenant:paymentId`, so the same payment delivered again (a redelivery, a PSP's retry) is recorded once and
     * counts once; `repeated` says it had been recorded before. `ourNumber`: a boleto settlement's nosso número,
     * matched when the payment names no invoice.
     */
    async receive(arrived: PaymentReceived, hints: PaymentHints = {}): Promise<ReceiveResult> {
      const out = createOutbox();
      const { result } = await step.reconcileOne(arrived, hints, deps.clock.now(), out);
      await flushOutboxes(deps.publisher, [out]);
      return result;
    },

    /** Matches every parked payment again: reconciles those whose invoice arrived, expires those past their window. */
    async sweepParked(): Promise<void> {
      const now = deps.clock.now();
      await forEachConcurrently(await parked.all(), SWEEP_CONCURRENCY, (doc) => sweepOne(doc, now));
    },
  };
}

export type Reconciliation = ReturnType<typeof createReconciliation>;

import { buildEnvelope, causedBy, debtorKey, invoiceId as toInvoiceId, PaymentReceivedV1, PaymentReconciledV1, type EventOf } from '@regua/contracts';
import type { EventPublisher } from '@regua/kafka-bus';
import { forEachConcurrently } from '@regua/mongo';
import { derivedEventId, type Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import { decidePayment, decideParked, type MatchKeys } from './domain/parking.ts';
import { settle } from './domain/reconcile.ts';
import type { Ledger, ReceivableDoc } from './store/ledger.ts';
import type { ParkedPaymentDoc, ParkedPayments } from './store/parked-payments.ts';

export type PaymentReceived = EventOf<typeof PaymentReceivedV1>;

export interface ReconciliationDeps {
  ledger: Ledger;
  parked: ParkedPayments;
  publisher: EventPublisher;
  clock: Clock;
  logger: Logger;
  source: string;
  parkWindowHours: number;
}

/** Parked payments matched at once, each a read or two and a write or two by `_id`. */
const SWEEP_CONCURRENCY = 8;

const paymentDocId = (event: PaymentReceived) => `${event.tenant}:${event.data.paymentId}`;

function matchKeysOf(event: PaymentReceived): MatchKeys {
  const { invoiceExternalId, pixTxid } = event.data;
  return { invoiceId: invoiceExternalId ? toInvoiceId(event.tenant, invoiceExternalId) : undefined, pixTxid };
}

/**
 * Matches payments to invoices. A payment whose invoice is not known yet is recorded and parked, never retried on
 * the partition (which would hold back every payment behind it); a sweep matches parked payments again, and the
 * same code reconciles them as if they had arrived then. What nobody's invoice claims within the window goes to
 * `payment_exceptions`, for an operator.
 */
export function createReconciliation(deps: ReconciliationDeps) {
  const { ledger, parked, logger } = deps;

  /**
   * Matches the payment on its receivable and publishes the reconciliation. Everything is keyed by the payment, so a
   * second run (a redelivery, a crash, two sweeps at once) adds nothing and publishes the same event id again.
   */
  async function reconcile(event: PaymentReceived, receivable: ReceivableDoc, now: Date): Promise<void> {
    const payment = event.data;
    // Totals come from the payments matched on the receivable, so a redelivery after a crash reaches the same figures.
    const matched = (await ledger.matchPayment(receivable._id, { paymentId: payment.paymentId, amountCents: payment.amountCents })) ?? receivable;
    const settlement = settle({ invoiceId: matched._id, debtorId: matched.debtorId, amountCents: matched.amountCents }, matched.payments.map((p) => p.amountCents));

    const reconciled = buildEnvelope(PaymentReconciledV1, causedBy(event, { id: derivedEventId(paymentDocId(event), PaymentReconciledV1.type), occurredAt: now, source: deps.source }), {
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
    logger.info({ invoiceId: matched._id, paymentId: payment.paymentId, settled: settlement.settled, outstandingCents: settlement.outstandingCents }, 'payment reconciled');
  }

  async function sweepOne(doc: ParkedPaymentDoc, now: Date): Promise<void> {
    const receivable = await ledger.findReceivable(doc.tenant, { invoiceId: doc.invoiceId, pixTxid: doc.pixTxid });
    const decision = decideParked(doc, receivable, now);
    if (decision.kind === 'reconcile') {
      await ledger.assignPayment(doc._id, decision.receivable._id);
      await reconcile(PaymentReceivedV1.schema.parse(JSON.parse(doc.event)), decision.receivable, now);
      await parked.remove(doc._id);
    } else if (decision.kind === 'expire') {
      if (await parked.expire(doc, decision.reason, now)) logger.warn({ paymentId: doc.paymentId, tenant: doc.tenant, amountCents: doc.amountCents, reason: decision.reason }, 'parked payment expired unmatched: moved to payment_exceptions');
    }
  }

  return {
    /** A payment as it arrives. */
    async receive(event: PaymentReceived): Promise<void> {
      const payment = event.data;
      const now = deps.clock.now();
      const keys = matchKeysOf(event);
      const decision = decidePayment(await ledger.findReceivable(event.tenant, keys), now, deps.parkWindowHours);
      const id = paymentDocId(event);
      const invoiceId = decision.kind === 'reconcile' ? decision.receivable._id : null;
      const firstTime = await ledger.recordPayment({ _id: id, tenant: event.tenant, paymentId: payment.paymentId, invoiceId, method: payment.method, amountCents: payment.amountCents, paidAt: new Date(payment.paidAt), receivedAt: now, sourceEventId: event.id });

      if (decision.kind === 'reconcile') {
        await reconcile(event, decision.receivable, now);
        // Seen before: it may have been parked then, and is matched now.
        if (!firstTime) {
          await ledger.assignPayment(id, decision.receivable._id);
          await parked.remove(id);
        }
        return;
      }
      if (!firstTime && (await parked.isException(id))) {
        logger.warn({ paymentId: payment.paymentId, tenant: event.tenant }, 'payment delivered again after its parking expired: it stays in payment_exceptions');
        return;
      }
      const { parkedAt, expiresAt } = decision;
      const doc: ParkedPaymentDoc = { _id: id, tenant: event.tenant, paymentId: payment.paymentId, amountCents: payment.amountCents, ...(keys.invoiceId ? { invoiceId: keys.invoiceId } : {}), ...(keys.pixTxid ? { pixTxid: keys.pixTxid } : {}), parkedAt, expiresAt, event: JSON.stringify(event) };
      if (await parked.park(doc)) logger.info({ paymentId: payment.paymentId, invoiceId: keys.invoiceId, pixTxid: keys.pixTxid, expiresAt }, 'no invoice matches the payment yet: parked');
    },

    /** Matches every parked payment again: reconciles those whose invoice arrived, expires those past their window. */
    async sweepParked(): Promise<void> {
      const now = deps.clock.now();
      await forEachConcurrently(await parked.all(), SWEEP_CONCURRENCY, (doc) => sweepOne(doc, now));
    },
  };
}

export type Reconciliation = ReturnType<typeof createReconciliation>;

import { buildEnvelope, causedBy, debtorKey, invoiceId as toInvoiceId, PaymentReceivedV1, PaymentReconciledV1, type EventOf } from '@regua/contracts';
import type { EventPublisher } from '@regua/kafka-bus';
import { forEachConcurrently } from '@regua/mongo';
import { derivedEventId, type Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import { decidePayment, decideParked, type MatchKeys } from './domain/parking.ts';
import { isLatePayment, LATE_PAYMENT_REASON } from './domain/matching.ts';
import { settle } from './domain/reconcile.ts';
import type { PaymentFollowUp } from './payment-follow-up.ts';
import type { Ledger, ReceivableDoc } from './store/ledger.ts';
import type { ParkedPaymentDoc, ParkedPayments } from './store/parked-payments.ts';

export type PaymentReceived = EventOf<typeof PaymentReceivedV1>;

/**
 * What became of a payment: an installment of an agreement (matched on its txid), matched to an invoice, parked until
 * one arrives, or left for an operator.
 */
export type ReceiveResult =
  | { outcome: 'agreement'; agreementId: string; installment: number; repeated: boolean }
  | { outcome: 'reconciled'; invoiceId: string; repeated: boolean; caseId?: string | undefined; invoiceIds?: string[] | undefined }
  | { outcome: 'parked' | 'unmatched'; repeated: boolean; reason?: string };

/** Payments of a case's own instruments (its txid or nosso número), spread over its invoices: null when not a case's. */
export interface CasePayments {
  receivePayment(event: PaymentReceived, hints: { ourNumber?: string | undefined }): Promise<Extract<ReceiveResult, { outcome: 'reconciled' }> | null>;
}

/** Agreement installments, matched before invoices: null when the payment's txid is no installment's. */
export interface AgreementPayments {
  receivePayment(event: PaymentReceived): Promise<Extract<ReceiveResult, { outcome: 'agreement' }> | null>;
}

export interface ReconciliationDeps {
  ledger: Ledger;
  parked: ParkedPayments;
  publisher: EventPublisher;
  clock: Clock;
  logger: Logger;
  source: string;
  parkWindowHours: number;
  agreements?: AgreementPayments;
  cases?: CasePayments;
  /** Credit from overpayments and late payments, and CaseSettled; without it a late payment is reconciled like any other. */
  followUp?: PaymentFollowUp;
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

const paymentDocId = (event: PaymentReceived) => `${event.tenant}:${event.data.paymentId}`;

/** A settlement parked on its nosso número alone names the invoice it matched, as the event's schema asks. */
function namingItsInvoice(event: PaymentReceived, receivable: ReceivableDoc): PaymentReceived {
  if (event.data.invoiceExternalId || event.data.pixTxid) return event;
  return { ...event, data: { ...event.data, invoiceExternalId: receivable.externalId } };
}

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
   * False: the invoice was settled before this payment, which went to the operators' queue as credit instead.
   */
  async function reconcile(event: PaymentReceived, receivable: ReceivableDoc, now: Date): Promise<boolean> {
    const payment = event.data;
    if (deps.followUp && isLatePayment(receivable, payment.paymentId)) {
      await deps.followUp.latePayment(event, receivable, now);
      return false;
    }
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
    await deps.followUp?.reconciled(event, matched, now);
    return true;
  }

  /**
   * A payment id seen before counts with the amount it was first recorded with: a repeat carrying another amount (a
   * PSP's or a bank's mistake) must not add a second entry to the receivable's payments.
   */
  async function asFirstRecorded(event: PaymentReceived, id: string): Promise<PaymentReceived> {
    const recorded = await ledger.findPayment(id);
    if (!recorded || recorded.amountCents === event.data.amountCents) return event;
    logger.warn({ paymentId: event.data.paymentId, tenant: event.tenant, recordedCents: recorded.amountCents, repeatedCents: event.data.amountCents }, 'payment repeated with another amount: the amount first recorded counts');
    return { ...event, data: { ...event.data, amountCents: recorded.amountCents } };
  }

  async function sweepOne(doc: ParkedPaymentDoc, now: Date): Promise<void> {
    const receivable = await ledger.findReceivable(doc.tenant, { invoiceId: doc.invoiceId, pixTxid: doc.pixTxid, ourNumber: doc.ourNumber });
    const decision = decideParked(doc, receivable, now);
    if (decision.kind === 'reconcile') {
      await ledger.assignPayment(doc._id, decision.receivable._id);
      await reconcile(PaymentReceivedV1.schema.parse(namingItsInvoice(JSON.parse(doc.event) as PaymentReceived, decision.receivable)), decision.receivable, now);
      await parked.remove(doc._id);
    } else if (decision.kind === 'expire') {
      if (await parked.expire(doc, decision.reason, now)) logger.warn({ paymentId: doc.paymentId, tenant: doc.tenant, amountCents: doc.amountCents, reason: decision.reason }, 'parked payment expired unmatched: moved to payment_exceptions');
    }
  }

  return {
    /**
     * A payment as it arrives, from any door (Kafka, the Pix webhook, a CNAB file). Everything is keyed by
     * `tenant:paymentId`, so the same payment delivered again (a redelivery, a PSP's retry, a file sent twice) is
     * recorded once and counts once; `repeated` says it had been recorded before. `ourNumber`: a boleto settlement's
     * nosso número, matched when the payment names no invoice.
     */
    async receive(arrived: PaymentReceived, hints: { ourNumber?: string | undefined } = {}): Promise<ReceiveResult> {
      // An agreement installment's txid first: those txids are ours, never an invoice's.
      const installment = await deps.agreements?.receivePayment(arrived);
      if (installment) return installment;
      const forCase = await deps.cases?.receivePayment(arrived, hints);
      if (forCase) return forCase;
      const now = deps.clock.now();
      const keys = { ...matchKeysOf(arrived), ...(hints.ourNumber ? { ourNumber: hints.ourNumber } : {}) };
      const decision = decidePayment(await ledger.findReceivable(arrived.tenant, keys), keys, now, deps.parkWindowHours);
      const id = paymentDocId(arrived);
      const invoiceId = decision.kind === 'reconcile' ? decision.receivable._id : null;
      const firstTime = await ledger.recordPayment({ _id: id, tenant: arrived.tenant, paymentId: arrived.data.paymentId, invoiceId, method: arrived.data.method, amountCents: arrived.data.amountCents, paidAt: new Date(arrived.data.paidAt), receivedAt: now, sourceEventId: arrived.id });
      const event = firstTime ? arrived : await asFirstRecorded(arrived, id);
      const payment = event.data;
      const repeated = !firstTime;

      if (decision.kind === 'reconcile') {
        const reconciled = await reconcile(event, decision.receivable, now);
        // Seen before: it may have been parked then, and is matched now.
        if (repeated) {
          await ledger.assignPayment(id, decision.receivable._id);
          await parked.remove(id);
        }
        if (!reconciled) return { outcome: 'unmatched', repeated, reason: LATE_PAYMENT_REASON };
        return { outcome: 'reconciled', invoiceId: decision.receivable._id, repeated };
      }
      if (decision.kind === 'unmatchable') {
        const doc: ParkedPaymentDoc = { _id: id, tenant: event.tenant, paymentId: payment.paymentId, amountCents: payment.amountCents, parkedAt: now, expiresAt: now, event: JSON.stringify(event) };
        if (await parked.expire(doc, decision.reason, now)) logger.warn({ paymentId: payment.paymentId, tenant: event.tenant, amountCents: payment.amountCents }, 'payment with nothing to match on: moved to payment_exceptions');
        return { outcome: 'unmatched', repeated };
      }
      if (repeated && (await parked.isException(id))) {
        logger.warn({ paymentId: payment.paymentId, tenant: event.tenant }, 'payment delivered again after its parking expired: it stays in payment_exceptions');
        return { outcome: 'unmatched', repeated };
      }
      const { parkedAt, expiresAt } = decision;
      const doc: ParkedPaymentDoc = { _id: id, tenant: event.tenant, paymentId: payment.paymentId, amountCents: payment.amountCents, ...(keys.invoiceId ? { invoiceId: keys.invoiceId } : {}), ...(keys.pixTxid ? { pixTxid: keys.pixTxid } : {}), ...(keys.ourNumber ? { ourNumber: keys.ourNumber } : {}), parkedAt, expiresAt, event: JSON.stringify(event) };
      if (await parked.park(doc)) logger.info({ paymentId: payment.paymentId, invoiceId: keys.invoiceId, pixTxid: keys.pixTxid, ourNumber: keys.ourNumber, expiresAt }, 'no invoice matches the payment yet: parked');
      return { outcome: 'parked', repeated };
    },

    /** Matches every parked payment again: reconciles those whose invoice arrived, expires those past their window. */
    async sweepParked(): Promise<void> {
      const now = deps.clock.now();
      await forEachConcurrently(await parked.all(), SWEEP_CONCURRENCY, (doc) => sweepOne(doc, now));
    },
  };
}

export type Reconciliation = ReturnType<typeof createReconciliation>;

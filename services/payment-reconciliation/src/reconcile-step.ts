import { buildEnvelope, causedBy, debtorKey, invoiceId as toInvoiceId, PaymentReconciledV1, type EventOf, type PaymentReceivedV1 } from '@regua/contracts';
import { derivedEventId } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import { isLatePayment, LATE_PAYMENT_REASON } from './domain/matching.ts';
import { decidePayment, type MatchKeys } from './domain/parking.ts';
import { settle } from './domain/reconcile.ts';
import type { CasePayment } from './instruments/case-instruments.ts';
import type { Outbox } from './outbox.ts';
import type { CaseReads, PaymentFollowUp } from './payment-follow-up.ts';
import type { CaseKeyDoc } from './store/instruments.ts';
import type { Ledger, PaymentDoc, ReceivableDoc } from './store/ledger.ts';
import type { ParkedPaymentDoc, ParkedPayments } from './store/parked-payments.ts';

export type PaymentReceived = EventOf<typeof PaymentReceivedV1>;

/** `ourNumber`: a boleto settlement's nosso número, matched when the payment names no invoice. */
export interface PaymentHints {
  ourNumber?: string | undefined;
}

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
  /** The case instrument a txid (first) or a nosso número names, if any. */
  instrumentOf(tenant: string, keys: { txid?: string | undefined; ourNumber?: string | undefined }): Promise<CaseKeyDoc | null>;
  receivePayment(event: PaymentReceived, hints: PaymentHints, out: Outbox, known?: CaseKeyDoc | null): Promise<CasePayment | null>;
}

/** Agreement installments, matched before invoices: null when the payment's txid is no installment's. */
export interface AgreementPayments {
  receivePayment(event: PaymentReceived): Promise<Extract<ReceiveResult, { outcome: 'agreement' }> | null>;
}

export interface ReconcileStepDeps {
  ledger: Ledger;
  parked: ParkedPayments;
  logger: Logger;
  /** The source of the PaymentReconciled events. */
  source: string;
  parkWindowHours: number;
  agreements?: AgreementPayments | undefined;
  cases?: CasePayments | undefined;
  /** Credit from overpayments and late payments, and CaseSettled; without it a late payment is reconciled like any other. */
  followUp?: PaymentFollowUp | undefined;
}

/**
 * The reads and the write by which a payment's fate is decided: live at a door, answered from what was read and
 * inserted for the whole batch on the CNAB path.
 */
export interface PaymentReads {
  /** The case instrument the payment's keys name, looked up before; undefined: looked up now. */
  caseInstrument?: CaseKeyDoc | null;
  /** The receivable the keys name, as it stands now. */
  receivable(tenant: string, keys: MatchKeys): Promise<ReceivableDoc | null>;
  /** Records the payment by its id: true the first time. */
  record(doc: PaymentDoc): Promise<boolean>;
  /** The receivable read already holds this payment: the batch added it as the receivable's first (`matchFirstPayments`). */
  alreadyMatched?: boolean;
  /** How a settled invoice's case is looked at (the follow-up's live reads if not given). */
  caseReads?: CaseReads;
}

export const paymentDocId = (event: PaymentReceived) => `${event.tenant}:${event.data.paymentId}`;

export function matchKeysOf(event: PaymentReceived, hints: PaymentHints): MatchKeys {
  const { invoiceExternalId, pixTxid } = event.data;
  return { invoiceId: invoiceExternalId ? toInvoiceId(event.tenant, invoiceExternalId) : undefined, pixTxid, ...(hints.ourNumber ? { ourNumber: hints.ourNumber } : {}) };
}

/** The payment's own record; `invoiceId` the receivable it matched, null while it matches none. */
export function paymentDocOf(event: PaymentReceived, invoiceId: string | null, now: Date): PaymentDoc {
  const { data } = event;
  return { _id: paymentDocId(event), tenant: event.tenant, paymentId: data.paymentId, invoiceId, method: data.method, amountCents: data.amountCents, paidAt: new Date(data.paidAt), receivedAt: now, sourceEventId: event.id };
}

/**
 * One payment's reconciliation, the same from every door (Kafka, the Pix and gateway webhooks, a CNAB file): an
 * agreement installment's txid first, then Régua's case instruments (spread over the case's invoices), then the
 * invoice id, Pix txid or nosso número; a payment matching none is parked, one with nothing to match on goes to an
 * operator; a matched one is followed up (credit, late payment, case settled). Every event goes to the caller's
 * outbox. Keyed by `tenant:paymentId`, so the same payment again counts once and rebuilds the same event ids.
 */
export function createReconcileStep(deps: ReconcileStepDeps) {
  const { ledger, parked, logger } = deps;
  const live: PaymentReads = { receivable: (tenant, keys) => ledger.findReceivable(tenant, keys), record: (doc) => ledger.recordPayment(doc) };

  /**
   * Matches the payment on its receivable and puts its reconciliation in the outbox. False: the invoice was settled
   * before this payment, which went to the operators' queue as credit instead. With the receivable as it stands after.
   */
  async function reconcile(event: PaymentReceived, receivable: ReceivableDoc, now: Date, out: Outbox, alreadyMatched = false, caseReads?: CaseReads): Promise<{ reconciled: boolean; receivable: ReceivableDoc }> {
    const payment = event.data;
    if (deps.followUp && isLatePayment(receivable, payment.paymentId)) {
      await deps.followUp.latePayment(event, receivable, now, out);
      return { reconciled: false, receivable };
    }
    // Totals come from the payments matched on the receivable, so a redelivery after a crash reaches the same figures.
    const matched = alreadyMatched ? receivable : ((await ledger.matchPayment(receivable._id, { paymentId: payment.paymentId, amountCents: payment.amountCents })) ?? receivable);
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
    out.add({ topic: PaymentReconciledV1.topic, key: debtorKey(event.tenant, matched.debtorId), envelope: reconciled });
    logger.info({ invoiceId: matched._id, paymentId: payment.paymentId, settled: settlement.settled, outstandingCents: settlement.outstandingCents }, 'payment reconciled');
    await deps.followUp?.reconciled(event, matched, now, out, caseReads, alreadyMatched);
    return { reconciled: true, receivable: matched };
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

  /** The payment's fate, and the receivable it matched as it stands after (what the next payment of it sees). */
  async function reconcileOne(arrived: PaymentReceived, hints: PaymentHints, now: Date, out: Outbox, reads: PaymentReads = live): Promise<{ result: ReceiveResult; receivable?: ReceivableDoc }> {
    // An agreement installment's txid first: those txids are ours, never an invoice's.
    const installment = await deps.agreements?.receivePayment(arrived);
    if (installment) return { result: installment };
    const forCase = await deps.cases?.receivePayment(arrived, hints, out, reads.caseInstrument);
    if (forCase) {
      for (const matched of forCase.matched) await deps.followUp?.reconciled(arrived, matched, now, out);
      return { result: forCase.result };
    }

    const keys = matchKeysOf(arrived, hints);
    const decision = decidePayment(await reads.receivable(arrived.tenant, keys), keys, now, deps.parkWindowHours);
    const id = paymentDocId(arrived);
    const firstTime = await reads.record(paymentDocOf(arrived, decision.kind === 'reconcile' ? decision.receivable._id : null, now));
    const event = firstTime ? arrived : await asFirstRecorded(arrived, id);
    const payment = event.data;
    const repeated = !firstTime;

    if (decision.kind === 'reconcile') {
      const { reconciled, receivable } = await reconcile(event, decision.receivable, now, out, reads.alreadyMatched, reads.caseReads);
      // Seen before: it may have been parked then, and is matched now.
      if (repeated) {
        await ledger.assignPayment(id, decision.receivable._id);
        await parked.remove(id);
      }
      if (!reconciled) return { result: { outcome: 'unmatched', repeated, reason: LATE_PAYMENT_REASON }, receivable };
      return { result: { outcome: 'reconciled', invoiceId: decision.receivable._id, repeated }, receivable };
    }
    if (decision.kind === 'unmatchable') {
      const doc: ParkedPaymentDoc = { _id: id, tenant: event.tenant, paymentId: payment.paymentId, amountCents: payment.amountCents, parkedAt: now, expiresAt: now, event: JSON.stringify(event) };
      if (await parked.expire(doc, decision.reason, now)) logger.warn({ paymentId: payment.paymentId, tenant: event.tenant, amountCents: payment.amountCents }, 'payment with nothing to match on: moved to payment_exceptions');
      return { result: { outcome: 'unmatched', repeated } };
    }
    if (repeated && (await parked.isException(id))) {
      logger.warn({ paymentId: payment.paymentId, tenant: event.tenant }, 'payment delivered again after its parking expired: it stays in payment_exceptions');
      return { result: { outcome: 'unmatched', repeated } };
    }
    const { parkedAt, expiresAt } = decision;
    const doc: ParkedPaymentDoc = { _id: id, tenant: event.tenant, paymentId: payment.paymentId, amountCents: payment.amountCents, ...(keys.invoiceId ? { invoiceId: keys.invoiceId } : {}), ...(keys.pixTxid ? { pixTxid: keys.pixTxid } : {}), ...(keys.ourNumber ? { ourNumber: keys.ourNumber } : {}), parkedAt, expiresAt, event: JSON.stringify(event) };
    if (await parked.park(doc)) logger.info({ paymentId: payment.paymentId, invoiceId: keys.invoiceId, pixTxid: keys.pixTxid, ourNumber: keys.ourNumber, expiresAt }, 'no invoice matches the payment yet: parked');
    return { result: { outcome: 'parked', repeated } };
  }

  return { reconcile, reconcileOne, live };
}

export type ReconcileStep = ReturnType<typeof createReconcileStep>;

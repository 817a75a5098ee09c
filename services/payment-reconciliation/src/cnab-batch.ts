import { buildEnvelope, causedBy, debtorKey, invoiceId as toInvoiceId, PaymentReconciledV1 } from '@regua/contracts';
import type { EventPublisher, OutgoingMessage } from '@regua/kafka-bus';
import { forEachConcurrently } from '@regua/mongo';
import { derivedEventId, type Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import type { SettlementPayment } from './domain/cnab-settlement.ts';
import { decidePayment, type MatchKeys, type PaymentDecision } from './domain/parking.ts';
import { settle } from './domain/reconcile.ts';
import { receivedEvent, type PaymentReceived } from './reconciliation.ts';
import type { Ledger, PaymentDoc, ReceivableDoc } from './store/ledger.ts';
import type { ParkedPaymentDoc, ParkedPayments } from './store/parked-payments.ts';

/** Reads and writes by `_id` in flight at once for one batch (the connection pool is 32). */
const CONCURRENCY = 16;

export interface SettlementBatchDeps {
  ledger: Ledger;
  parked: ParkedPayments;
  publisher: EventPublisher;
  clock: Clock;
  logger: Logger;
  /** The source of the PaymentReconciled events (the reconciliation's, so both paths publish the same events). */
  source: string;
  parkWindowHours: number;
}

export interface SettlementOutcome {
  line: number;
  paymentId: string;
  outcome: 'reconciled' | 'parked' | 'unmatched';
  invoiceId?: string;
  repeated: boolean;
}

interface Pending {
  payment: SettlementPayment;
  event: PaymentReceived;
  id: string;
  keys: MatchKeys;
  decision: PaymentDecision<ReceivableDoc>;
  repeated: boolean;
}

/**
 * Many CNAB settlements applied at once, with the outcome `Reconciliation.receive` gives each one by one: the same
 * matching (invoice id from seu número, else the nosso número index; parked when no invoice matches), the same
 * payment records, receivable entries and PaymentReconciled events (same ids). In store operations: the
 * receivables read by `_id` concurrently, every payment inserted in one `insertMany` (idempotent by payment id),
 * each receivable updated by `_id` (one receivable's settlements in line order, receivables concurrently), and one
 * publish for the batch. Safe to repeat: a batch applied again records nothing new and publishes the same events.
 * Boleto settlements carry no Pix txid, so none can be an agreement's installment: no agreement lookup here.
 */
export function createSettlementBatches(deps: SettlementBatchDeps) {
  const { ledger, parked, logger } = deps;

  async function match(pending: Pending, receivable: ReceivableDoc, now: Date): Promise<OutgoingMessage> {
    const payment = pending.event.data;
    const matched = (await ledger.matchPayment(receivable._id, { paymentId: payment.paymentId, amountCents: payment.amountCents })) ?? receivable;
    const settlement = settle({ invoiceId: matched._id, debtorId: matched.debtorId, amountCents: matched.amountCents }, matched.payments.map((p) => p.amountCents));
    const envelope = buildEnvelope(PaymentReconciledV1, causedBy(pending.event, { id: derivedEventId(pending.id, PaymentReconciledV1.type), occurredAt: now, source: deps.source }), {
      paymentId: payment.paymentId,
      invoiceId: matched._id,
      debtorId: matched.debtorId,
      amountCents: payment.amountCents,
      paidTotalCents: settlement.paidTotalCents,
      outstandingCents: settlement.outstandingCents,
      settled: settlement.settled,
      paidAt: payment.paidAt,
    });
    if (pending.repeated) {
      // Seen before: it may have been parked then, and is matched now.
      await ledger.assignPayment(pending.id, receivable._id);
      await parked.remove(pending.id);
    }
    return { topic: PaymentReconciledV1.topic, key: debtorKey(pending.event.tenant, matched.debtorId), envelope };
  }

  async function parkOrGiveUp(pending: Pending, now: Date): Promise<SettlementOutcome['outcome']> {
    const { event, id, keys, decision } = pending;
    const base = { _id: id, tenant: event.tenant, paymentId: event.data.paymentId, amountCents: event.data.amountCents, event: JSON.stringify(event) };
    if (decision.kind === 'unmatchable') {
      if (await parked.expire({ ...base, parkedAt: now, expiresAt: now }, decision.reason, now)) logger.warn({ paymentId: event.data.paymentId, tenant: event.tenant }, 'payment with nothing to match on: moved to payment_exceptions');
      return 'unmatched';
    }
    if (decision.kind !== 'park') throw new Error('only unmatched payments are parked');
    if (pending.repeated && (await parked.isException(id))) return 'unmatched';
    const doc: ParkedPaymentDoc = { ...base, ...(keys.invoiceId ? { invoiceId: keys.invoiceId } : {}), ...(keys.ourNumber ? { ourNumber: keys.ourNumber } : {}), parkedAt: decision.parkedAt, expiresAt: decision.expiresAt };
    await parked.park(doc);
    return 'parked';
  }

  return {
    /** Applies a batch of one tenant's settlements; the outcomes in the batch's order. */
    async apply(tenant: string, payments: readonly SettlementPayment[], context: { source: string; correlationId: string; occurredAt: Date }): Promise<SettlementOutcome[]> {
      const now = deps.clock.now();
      const pending: Pending[] = payments.map((payment) => {
        const event = receivedEvent(tenant, payment.data, context);
        const externalId = payment.data.invoiceExternalId;
        const keys: MatchKeys = { invoiceId: externalId ? toInvoiceId(tenant, externalId) : undefined, ...(payment.ourNumber ? { ourNumber: payment.ourNumber } : {}) };
        return { payment, event, id: `${tenant}:${payment.data.paymentId}`, keys, decision: { kind: 'unmatchable', reason: '' }, repeated: false };
      });

      await forEachConcurrently(pending, CONCURRENCY, async (p) => {
        p.decision = decidePayment(await ledger.findReceivable(tenant, p.keys), p.keys, now, deps.parkWindowHours);
      });

      const docs: PaymentDoc[] = pending.map((p) => ({
        _id: p.id,
        tenant,
        paymentId: p.event.data.paymentId,
        invoiceId: p.decision.kind === 'reconcile' ? p.decision.receivable._id : null,
        method: p.event.data.method,
        amountCents: p.event.data.amountCents,
        paidAt: new Date(p.event.data.paidAt),
        receivedAt: now,
        sourceEventId: p.event.id,
      }));
      const recorded = await ledger.recordPayments(docs);
      // The same payment twice in one file: the second is a repeat of the first.
      const firstSeen = new Set<string>();
      for (const p of pending) {
        p.repeated = !recorded.has(p.id) || firstSeen.has(p.id);
        firstSeen.add(p.id);
      }
      // A payment id seen before counts with the amount it was first recorded with.
      await forEachConcurrently(
        pending.filter((p) => p.repeated),
        CONCURRENCY,
        async (p) => {
          const first = await ledger.findPayment(p.id);
          if (!first || first.amountCents === p.event.data.amountCents) return;
          logger.warn({ paymentId: p.event.data.paymentId, tenant, recordedCents: first.amountCents, repeatedCents: p.event.data.amountCents }, 'payment repeated with another amount: the amount first recorded counts');
          p.event = { ...p.event, data: { ...p.event.data, amountCents: first.amountCents } };
        },
      );

      const outcomes = new Map<Pending, SettlementOutcome>();
      const messages = new Map<Pending, OutgoingMessage>();
      const byReceivable = new Map<string, Pending[]>();
      for (const p of pending) {
        if (p.decision.kind === 'reconcile') byReceivable.set(p.decision.receivable._id, [...(byReceivable.get(p.decision.receivable._id) ?? []), p]);
      }
      await forEachConcurrently([...byReceivable.values()], CONCURRENCY, async (group) => {
        for (const p of group) {
          const receivable = (p.decision as Extract<PaymentDecision<ReceivableDoc>, { kind: 'reconcile' }>).receivable;
          messages.set(p, await match(p, receivable, now));
          outcomes.set(p, { line: p.payment.line, paymentId: p.event.data.paymentId, outcome: 'reconciled', invoiceId: receivable._id, repeated: p.repeated });
        }
      });
      await forEachConcurrently(
        pending.filter((p) => p.decision.kind !== 'reconcile'),
        CONCURRENCY,
        async (p) => {
          outcomes.set(p, { line: p.payment.line, paymentId: p.event.data.paymentId, outcome: await parkOrGiveUp(p, now), repeated: p.repeated });
        },
      );

      await deps.publisher.publish(pending.flatMap((p) => messages.get(p) ?? []));
      return pending.map((p) => outcomes.get(p)!);
    },
  };
}

export type SettlementBatches = ReturnType<typeof createSettlementBatches>;

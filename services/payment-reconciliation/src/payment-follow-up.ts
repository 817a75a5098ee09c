import { buildEnvelope, causedBy, CaseSettledV1, CreditRecordedV1, debtorKey } from '@regua/contracts';
import { forEachConcurrently } from '@regua/mongo';
import { derivedEventId } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import { caseSettlement, excessOf, LATE_PAYMENT_REASON, type CaseInvoice } from './domain/matching.ts';
import type { Outbox } from './outbox.ts';
import type { PaymentReceived } from './reconciliation.ts';
import type { Ledger, ReceivableDoc } from './store/ledger.ts';
import type { ParkedPayments } from './store/parked-payments.ts';
import type { PaymentMatchingStore } from './store/payment-matching.ts';

/** The one read of the negotiation store this needs: which invoices a case holds. */
export interface CaseLookup {
  findCase(caseId: string): Promise<{ tenant: string; debtorId: string; openInvoiceIds: string[] } | null>;
}

export interface PaymentFollowUpDeps {
  ledger: Pick<Ledger, 'findReceivable'>;
  parked: Pick<ParkedPayments, 'expire'>;
  store: PaymentMatchingStore;
  cases: CaseLookup;
  logger: Logger;
  source: string;
}

const CASE_READS = 8;

/**
 * The reads by which a settled invoice's case is found settled or not. Live at a door; on the CNAB path answered
 * for a whole batch (`batchCaseReads`): each case's settled mark and invoices read once, and the receivables the batch
 * matched taken as the batch left them, not read again.
 */
export interface CaseReads {
  isSettled(caseId: string): Promise<boolean>;
  findCase(caseId: string): Promise<{ tenant: string; debtorId: string; openInvoiceIds: string[] } | null>;
  receivable(tenant: string, invoiceId: string): Promise<ReceivableDoc | null>;
  /** A receivable as a payment just left it, before its case is looked at. */
  matched?(receivable: ReceivableDoc): void;
  /**
   * A case found settled, to be marked so once its event is published: a batch writes its marks together, after its
   * publish (`writeSettledMarks`). Without it, each is an after-publish action of the payment's outbox.
   */
  settledOncePublished?(caseId: string, settledAt: Date): void;
}

/** A batch's case reads, and its settled marks written in one insert once its events are published. */
export interface BatchCaseReads extends Required<CaseReads> {
  writeSettledMarks(): Promise<void>;
}

/**
 * What a matched payment leaves behind besides its reconciliation: an overpayment's excess and a settled invoice's
 * late payment become the debtor's credit (`credit_balances`, CreditRecorded), the late one also goes to the
 * operators' queue, and the payment that settles the last invoice of a case publishes CaseSettled, once. Each step
 * is keyed by the payment or the case, so a redelivery repeats nothing and republishes the same event ids. Events go
 * to the caller's outbox, published with the payment's reconciliation.
 */
export function createPaymentFollowUp(deps: PaymentFollowUpDeps) {
  const { store, logger } = deps;
  const live: CaseReads = {
    isSettled: (caseId) => store.isSettled(caseId),
    findCase: (caseId) => deps.cases.findCase(caseId),
    receivable: (tenant, invoiceId) => deps.ledger.findReceivable(tenant, { invoiceId }),
  };

  async function recordCredit(event: PaymentReceived, receivable: ReceivableDoc, reason: 'overpayment' | 'late-payment', creditCents: number, now: Date, out: Outbox): Promise<void> {
    const entry = `${event.tenant}:${event.data.paymentId}`;
    const balance = (await store.credit(event.tenant, receivable.debtorId, entry, creditCents)) ?? (await store.balance(event.tenant, receivable.debtorId))?.balanceCents ?? creditCents;
    const envelope = buildEnvelope(CreditRecordedV1, causedBy(event, { id: derivedEventId(entry, CreditRecordedV1.type), occurredAt: now, source: deps.source }), {
      paymentId: event.data.paymentId,
      invoiceId: receivable._id,
      debtorId: receivable.debtorId,
      reason,
      creditCents,
      balanceCents: balance,
      paidAt: event.data.paidAt,
    });
    out.add({ topic: CreditRecordedV1.topic, key: debtorKey(event.tenant, receivable.debtorId), envelope });
    logger.info({ paymentId: event.data.paymentId, invoiceId: receivable._id, reason, creditCents }, "credit recorded on the debtor's balance");
  }

  async function settleCase(event: PaymentReceived, receivable: ReceivableDoc, now: Date, out: Outbox, reads: CaseReads, unpaidBefore: boolean): Promise<void> {
    // The link kept on the receivable; one stored before links were kept there has it in `invoice_cases`.
    const caseId = receivable.caseId === undefined ? await store.caseOfInvoice(receivable._id) : receivable.caseId;
    // An invoice unpaid until now was open in no settled case, so its case's mark is not read. (One that joined its
    // case after the case was settled would publish CaseSettled again, under the same event id: consumers keep one.)
    if (!caseId || (!unpaidBefore && (await reads.isSettled(caseId)))) return;
    // The case as its last plan listed it, kept on the receivable; one linked before that was kept is read.
    const found = receivable.casePlan ? { tenant: receivable.tenant, ...receivable.casePlan } : await reads.findCase(caseId);
    if (!found || found.tenant !== event.tenant) return;
    const known: CaseInvoice[] = [];
    await forEachConcurrently(found.openInvoiceIds, CASE_READS, async (id) => {
      const r = id === receivable._id ? receivable : await reads.receivable(found.tenant, id);
      if (r) known.push({ invoiceId: r._id, amountCents: r.amountCents, paidCents: r.payments.reduce((sum, p) => sum + p.amountCents, 0) });
    });
    const outcome = caseSettlement(found.openInvoiceIds, known);
    if (!outcome.settled) return;
    const envelope = buildEnvelope(CaseSettledV1, causedBy(event, { id: derivedEventId(`${found.tenant}:${caseId}`, CaseSettledV1.type), occurredAt: now, source: deps.source }), {
      caseId,
      debtorId: found.debtorId,
      invoiceIds: found.openInvoiceIds,
      paidCents: outcome.paidCents,
      settledAt: event.data.paidAt,
    });
    // Marked once published: a crash in between publishes the same event id again.
    out.add({ topic: CaseSettledV1.topic, key: debtorKey(found.tenant, found.debtorId), envelope });
    logger.info({ caseId, invoices: found.openInvoiceIds.length, paidCents: outcome.paidCents }, 'case settled');
    if (reads.settledOncePublished) reads.settledOncePublished(caseId, now);
    else out.afterPublish(() => store.markSettled(caseId, now), `case-settled:${caseId}`);
  }

  return {
    /**
     * A payment of an invoice settled before it: never added to the invoice (which stays settled, counted once), it
     * goes to the operators' queue (refund or keep) and counts as the debtor's credit meanwhile.
     */
    async latePayment(event: PaymentReceived, receivable: ReceivableDoc, now: Date, out: Outbox): Promise<void> {
      const id = `${event.tenant}:${event.data.paymentId}`;
      const raised = await deps.parked.expire(
        { _id: id, tenant: event.tenant, paymentId: event.data.paymentId, amountCents: event.data.amountCents, invoiceId: receivable._id, parkedAt: now, expiresAt: now, event: JSON.stringify(event) },
        LATE_PAYMENT_REASON,
        now,
      );
      if (raised) logger.warn({ paymentId: event.data.paymentId, invoiceId: receivable._id, amountCents: event.data.amountCents }, 'payment of an invoice already settled: moved to payment_exceptions and credited');
      await recordCredit(event, receivable, 'late-payment', event.data.amountCents, now, out);
    },

    /**
     * After a payment was matched and its reconciliation published: the excess as credit, then the case. `unpaidBefore`:
     * the payment is the receivable's first, matched now for the first time (the CNAB batch's `matchFirstPayments`).
     */
    async reconciled(event: PaymentReceived, matched: ReceivableDoc, now: Date, out: Outbox, reads: CaseReads = live, unpaidBefore = false): Promise<void> {
      // Told before anything is awaited: of two invoices of a case matched at once, the second to look sees the first.
      reads.matched?.(matched);
      const excess = excessOf(matched.amountCents, matched.payments, event.data.paymentId);
      if (excess > 0) await recordCredit(event, matched, 'overpayment', excess, now, out);
      if (matched.payments.reduce((sum, p) => sum + p.amountCents, 0) >= matched.amountCents) await settleCase(event, matched, now, out, reads, unpaidBefore);
    },

    /**
     * Case reads for one batch of settlements: a case's settled mark and its invoices read once for the batch (a case
     * settled by the batch is marked once its events are published, after the batch), and the receivables the batch
     * has matched, given with `matched`, answered as the batch left them; any other read once.
     */
    batchCaseReads(): BatchCaseReads {
      const once = <T>(memo: Map<string, Promise<T>>, key: string, read: () => Promise<T>) => memo.get(key) ?? memo.set(key, read()).get(key)!;
      const settled = new Map<string, Promise<boolean>>();
      const cases = new Map<string, ReturnType<CaseReads['findCase']>>();
      const receivables = new Map<string, Promise<ReceivableDoc | null>>();
      // The first settlement to find a case settled marks it (two of the batch may both complete it).
      const marks = new Map<string, Date>();
      return {
        isSettled: (caseId) => once(settled, caseId, () => live.isSettled(caseId)),
        findCase: (caseId) => once(cases, caseId, () => live.findCase(caseId)),
        receivable: (tenant, invoiceId) => once(receivables, invoiceId, () => live.receivable(tenant, invoiceId)),
        matched: (receivable) => void receivables.set(receivable._id, Promise.resolve(receivable)),
        settledOncePublished: (caseId, settledAt) => void (marks.has(caseId) || marks.set(caseId, settledAt)),
        writeSettledMarks: () => store.markAllSettled([...marks].map(([caseId, settledAt]) => ({ caseId, settledAt }))),
      };
    },
  };
}

export type PaymentFollowUp = ReturnType<typeof createPaymentFollowUp>;

import type { Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import { matchByDocument } from './domain/matching.ts';
import { saoPauloDate } from './domain/negotiation/case-debt.ts';
import type { PaymentReceived, Reconciliation, ReceiveResult } from './reconciliation.ts';
import type { Ledger, ReceivableDoc } from './store/ledger.ts';
import type { ParkedPayments } from './store/parked-payments.ts';
import type { PaymentMatchingStore } from './store/payment-matching.ts';

export interface DocumentMatchingDeps {
  reconciliation: Pick<Reconciliation, 'receive'>;
  ledger: Pick<Ledger, 'findReceivable' | 'findPayment' | 'recordPayment'>;
  parked: Pick<ParkedPayments, 'expire' | 'isException'>;
  store: Pick<PaymentMatchingStore, 'invoicesOfDocument'>;
  clock: Clock;
  logger: Logger;
  /** How far (calendar days, either side) an invoice's due date may be from the payment's date. */
  windowDays: number;
}

const CANDIDATE_READS = 8;

const naming = (event: PaymentReceived, receivable: ReceivableDoc): PaymentReceived => ({ ...event, data: { ...event.data, invoiceExternalId: receivable.externalId } });

/**
 * Payments that name no invoice (no invoice id, Pix txid or nosso número) but carry the payer's document, hashed
 * (`documentHash`): matched to the one open invoice of that document whose outstanding amount is the payment's,
 * due within the window of the payment's date, and then reconciled by the same code as every other payment (named
 * with that invoice). Several candidates or none: recorded, and in the operators' queue with the reason. The
 * document never reaches an event or a stored document; only its hash is looked up, by `_id`.
 */
export function createDocumentMatching(deps: DocumentMatchingDeps) {
  const { ledger, logger } = deps;

  async function candidatesOf(tenant: string, hash: string): Promise<ReceivableDoc[]> {
    const ids = await deps.store.invoicesOfDocument(tenant, hash);
    const found: ReceivableDoc[] = [];
    for (let i = 0; i < ids.length; i += CANDIDATE_READS) {
      const batch = await Promise.all(ids.slice(i, i + CANDIDATE_READS).map((invoiceId) => ledger.findReceivable(tenant, { invoiceId })));
      for (const r of batch) if (r && r.tenant === tenant) found.push(r);
    }
    return found;
  }

  return {
    async receive(event: PaymentReceived, payerDocumentHash: string | undefined): Promise<ReceiveResult> {
      const { data, tenant } = event;
      if (!payerDocumentHash || data.invoiceExternalId || data.pixTxid) return deps.reconciliation.receive(event);
      const id = `${tenant}:${data.paymentId}`;
      // A repeat of a payment matched before: the invoice it was matched to then (it is no longer open, so would not match again).
      const recorded = await ledger.findPayment(id);
      if (recorded?.invoiceId) {
        const receivable = await ledger.findReceivable(tenant, { invoiceId: recorded.invoiceId });
        if (receivable) return deps.reconciliation.receive(naming(event, receivable));
      }
      if (recorded && (await deps.parked.isException(id))) return { outcome: 'unmatched', repeated: true };

      const candidates = await candidatesOf(tenant, payerDocumentHash);
      const decision = matchByDocument(
        candidates.map((r) => ({ receivable: r, invoiceId: r._id, amountCents: r.amountCents, dueDate: r.dueDate ?? saoPauloDate(r.registeredAt), paidCents: r.payments.reduce((sum, p) => sum + p.amountCents, 0) })),
        { amountCents: data.amountCents, paidOn: saoPauloDate(new Date(data.paidAt)) },
        deps.windowDays,
      );
      if (decision.kind === 'one') {
        logger.info({ paymentId: data.paymentId, invoiceId: decision.candidate.invoiceId }, "payment matched on the payer's document, amount and due date");
        return deps.reconciliation.receive(naming(event, decision.candidate.receivable));
      }
      const now = deps.clock.now();
      const firstTime = await ledger.recordPayment({ _id: id, tenant, paymentId: data.paymentId, invoiceId: null, method: data.method, amountCents: data.amountCents, paidAt: new Date(data.paidAt), receivedAt: now, sourceEventId: event.id });
      const raised = await deps.parked.expire({ _id: id, tenant, paymentId: data.paymentId, amountCents: data.amountCents, parkedAt: now, expiresAt: now, event: JSON.stringify(event) }, decision.reason, now);
      if (raised) logger.warn({ paymentId: data.paymentId, tenant, amountCents: data.amountCents, match: decision.kind }, "payment not matched on the payer's document: moved to payment_exceptions");
      return { outcome: 'unmatched', repeated: !firstTime, reason: decision.reason };
    },
  };
}

export type DocumentMatching = ReturnType<typeof createDocumentMatching>;

import { CasePlannedV1, InvoiceRegisteredV1, InvoiceUpdatedV1, isLaterPlan, PaymentReceivedV1, type Invoice } from '@regua/contracts';
import { ValidationError } from '@regua/errors';
import { on, onBatch, onMessage } from '@regua/kafka-bus';
import { forEachConcurrently } from '@regua/mongo';
import type { Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import type { Reconciliation } from '../reconciliation.ts';
import type { Ledger, ReceivableDoc } from '../store/ledger.ts';
import type { NegotiationCaseDoc, NegotiationStore } from '../store/negotiation.ts';
import { documentIndex } from '../domain/matching.ts';
import type { PaymentMatchingStore } from '../store/payment-matching.ts';

interface InvoiceDeps {
  ledger: Ledger;
  clock: Clock;
  logger: Logger;
  /** Indexes registrations under their debtors' document hashes, for payments matched on the payer's document. */
  matching?: Pick<PaymentMatchingStore, 'indexDocuments'>;
}

/** Events published before revisions carry none: revision 0, unknown. */
function receivable(tenant: string, invoiceId: string, invoice: Invoice, revision: number | undefined, now: Date): Omit<ReceivableDoc, 'payments'> {
  const pixTxid = invoice.paymentInstruments?.pix?.txid;
  const ourNumber = invoice.paymentInstruments?.boleto?.ourNumber;
  const creditor = { name: invoice.creditor.name, cnpj: invoice.creditor.cnpj };
  return { _id: invoiceId, tenant, externalId: invoice.externalId, debtorId: invoice.debtor.externalId, amountCents: invoice.amountCents, dueDate: invoice.dueDate, ...(pixTxid ? { pixTxid } : {}), ...(ourNumber ? { ourNumber } : {}), creditor, registeredAt: now, revision: revision ?? 0 };
}

/** Keeps what each invoice is owed, to match payments against: a run of registrations is one insert. */
export function onInvoiceRegistered(deps: InvoiceDeps) {
  return onBatch(InvoiceRegisteredV1, async (items) => {
    const now = deps.clock.now();
    await deps.ledger.registerAll(items.map(({ value: event }) => ({ ...receivable(event.tenant, event.data.invoiceId, event.data.invoice, event.data.revision, now), payments: [] })));
    await deps.matching?.indexDocuments(documentIndex(items.map(({ value: event }) => ({ tenant: event.tenant, invoiceId: event.data.invoiceId, taxId: event.data.invoice.debtor.taxId.number }))));
  });
}

/** Updates change the amount owed, unless a newer revision of the invoice arrived first. */
export function onInvoiceUpdated(deps: InvoiceDeps) {
  return on(InvoiceUpdatedV1, async (event) => {
    const applied = await deps.ledger.update(receivable(event.tenant, event.data.invoiceId, event.data.invoice, event.data.revision, deps.clock.now()));
    if (!applied) deps.logger.info({ invoiceId: event.data.invoiceId, revision: event.data.revision }, 'older invoice update ignored: a newer revision is stored');
  });
}

/** A payment is reconciled, or parked until its invoice arrives; either way the message is done. */
export function onPaymentReceived(deps: { reconciliation: Reconciliation }) {
  return on(PaymentReceivedV1, async (event) => {
    await deps.reconciliation.receive(event);
  });
}

/**
 * A bank's own payment door: the tenant is the topic's (only that bank's principal may write it), so a payment
 * naming another tenant is dead-lettered instead of settling someone else's invoice.
 */
export function onBankPayment(deps: { reconciliation: Reconciliation; tenant: string; topic: string }) {
  return onMessage(deps.topic, PaymentReceivedV1.schema, `${PaymentReceivedV1.type} v${PaymentReceivedV1.version}`, async (event) => {
    if (event.tenant !== deps.tenant) throw new ValidationError(`tenant: ${event.tenant} is not this topic's creditor (${deps.tenant})`, [{ path: 'tenant', message: `must be ${deps.tenant}` }]);
    await deps.reconciliation.receive(event);
  });
}

/** Cases of a run written at once (each case's link writes go concurrently too, `Ledger.linkCase`). */
const CASE_WRITES = 4;

/**
 * Which invoices each case holds, for the self-service page: the last plan of a case in a run wins (they come in
 * offset order on the debtor's partition): the run's new cases in one insert, one write by `_id` per case already held.
 * Repeats rewrite the same figures.
 */
export function onCasePlanned(deps: { store: NegotiationStore; clock: Clock; caseLinks?: Pick<Ledger, 'linkCase'> }) {
  return onBatch(CasePlannedV1, async (items) => {
    const now = deps.clock.now();
    const latest = new Map<string, Omit<NegotiationCaseDoc, 'agreementId'>>();
    // Each plan links the case's open invoices, and those that joined it, with its list of open invoices: a payment
    // settling one of them then knows the case's other invoices without reading the case. (A plan is published when
    // invoices join a case, so this is one write per open invoice of the case per joining, not per contact.)
    const joined = new Map<string, Set<string>>();
    // A later plan of a case (open invoices that joined before): the case is most likely held already.
    const later = new Set<string>();
    for (const { value: event } of items) {
      const { caseId, debtorId, openInvoiceIds, joinedInvoiceIds, segment } = event.data;
      latest.set(caseId, { _id: caseId, tenant: event.tenant, debtorId, openInvoiceIds, ...(segment ? { segment } : {}), updatedAt: now });
      for (const id of joinedInvoiceIds) (joined.get(caseId) ?? joined.set(caseId, new Set()).get(caseId)!).add(id);
      if (isLaterPlan(event.data)) later.add(caseId);
    }
    // The run's cases first, then their links, each case's concurrently.
    await deps.store.planCases([...latest.values()], later);
    await forEachConcurrently([...latest.values()], CASE_WRITES, async (doc) => {
      await deps.caseLinks?.linkCase({ caseId: doc._id, debtorId: doc.debtorId, openInvoiceIds: doc.openInvoiceIds }, [...new Set([...doc.openInvoiceIds, ...(joined.get(doc._id) ?? [])])]);
    });
  });
}

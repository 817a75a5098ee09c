import { AgreementBrokenV1, AgreementCreatedV1, AgreementSettledV1, CaseDisputedV1, CaseDisputeResolvedV1, CasePlannedV1, CaseSettledV1, InvoiceRegisteredV1, InvoiceSettledByCreditorV1, InvoiceUpdatedV1, isLaterPlan, PaymentReconciledV1, type EventOf } from '@regua/contracts';
import { forEachConcurrently } from '@regua/mongo';
import { on, onBatch, type Subscription } from '@regua/kafka-bus';
import type { Negativacao } from '../../negativacao.ts';
import type { CaseDoc, InvoiceDoc, Projection } from '../../store/projection.ts';

export interface ProjectionDeps {
  projection: Projection;
  negativacao: Negativacao;
}

type InvoiceEvent = EventOf<typeof InvoiceRegisteredV1> | EventOf<typeof InvoiceUpdatedV1>;

function invoiceFacts(event: InvoiceEvent): Omit<InvoiceDoc, '_id' | 'version' | 'caseId'> {
  const { invoice, revision } = event.data;
  const { debtor } = invoice;
  return {
    tenant: event.tenant,
    debtorId: debtor.externalId,
    ...(revision !== undefined ? { revision } : {}),
    amountCents: invoice.amountCents,
    dueDate: invoice.dueDate,
    status: invoice.status,
    creditor: { name: invoice.creditor.name, cnpj: invoice.creditor.cnpj },
    debtor: { name: debtor.name, taxId: debtor.taxId, ...(debtor.address ? { address: { ...debtor.address } } : {}) },
  };
}

/** Applies an invoice's figures over older ones only (ingestion numbers each invoice's events); keeps a case link kept there before. */
const applyInvoice = (event: InvoiceEvent) => (current: InvoiceDoc | null): InvoiceDoc | null => {
  const facts = invoiceFacts(event);
  if (current && current.amountCents !== undefined && (current.revision ?? 0) >= (facts.revision ?? 0)) return null;
  return { ...(current ?? { _id: event.data.invoiceId, version: 0 }), ...facts, ...(current?.caseId ? { caseId: current.caseId } : {}) };
};

/** Invoices, in bulk: new ones with one insert, known ones (a case link arrived first, or an update) one by one. */
function onInvoices<D extends typeof InvoiceRegisteredV1 | typeof InvoiceUpdatedV1>(definition: D, deps: ProjectionDeps): Subscription {
  return onBatch(definition, async (items) => {
    const events = items.map((item) => item.value as InvoiceEvent);
    const fresh = events.map((event) => ({ _id: event.data.invoiceId, version: 1, ...invoiceFacts(event) }));
    const known = new Set((await deps.projection.insertInvoices(fresh)).map((d) => d._id));
    // Within one run, one invoice's events in order.
    const byInvoice = [...Map.groupBy(events.filter((e) => known.has(e.data.invoiceId)), (e) => e.data.invoiceId).values()];
    await forEachConcurrently(byInvoice, 8, async (group) => {
      for (const event of group) await deps.projection.updateInvoice(event.data.invoiceId, applyInvoice(event));
    });
  });
}

const caseStub = (tenant: string, caseId: string, debtorId: string, invoiceIds: readonly string[]): CaseDoc => ({ _id: caseId, version: 0, tenant, debtorId, invoiceIds: [...invoiceIds] });

/** Adds what an event says to a case (creating it when the event comes before notification's plan). */
const withCase = (tenant: string, data: { caseId: string; debtorId: string; invoiceIds: readonly string[] }, change: (doc: CaseDoc) => CaseDoc | null) => (current: CaseDoc | null) => {
  const base = current ?? caseStub(tenant, data.caseId, data.debtorId, data.invoiceIds);
  const invoiceIds = [...new Set([...base.invoiceIds, ...data.invoiceIds])];
  const next = change({ ...base, invoiceIds });
  if (next === null && current && invoiceIds.length === current.invoiceIds.length) return null;
  return next ?? { ...base, invoiceIds };
};

export function projectionSubscriptions(deps: ProjectionDeps): Subscription[] {
  const { projection, negativacao } = deps;
  const setInvoiceStatus = (tenant: string, invoiceId: string, debtorId: string, status: InvoiceDoc['status']) =>
    projection.updateInvoice(invoiceId, (current) => (current?.status === status ? null : { ...(current ?? { _id: invoiceId, version: 0, tenant, debtorId }), status }));

  return [
    onInvoices(InvoiceRegisteredV1, deps),
    onInvoices(InvoiceUpdatedV1, deps),
    // Which case an invoice is in: notification's plan says so; the invoice keeps the link for payments.
    onBatch(CasePlannedV1, async (items) => {
      // A case's first plan (every open invoice just joined) goes in one insert with the run's other new cases (on
      // FerretDB a versioned write is a read and a write each). A later plan (open invoices that joined before), and a
      // first plan whose case is held after all, takes its invoices by a versioned update: not in the insert, since
      // FerretDB inserts a batch holding a duplicate one document at a time.
      const byCase = [...Map.groupBy(items, ({ value }) => value.data.caseId).values()];
      const plans = byCase.map((group) => {
        const { tenant, data } = group[0]!.value;
        return caseStub(tenant, data.caseId, data.debtorId, [...new Set(group.flatMap(({ value }) => value.data.joinedInvoiceIds))]);
      });
      const later = new Set(byCase.filter((group) => group.some(({ value }) => isLaterPlan(value.data))).map((group) => group[0]!.value.data.caseId));
      const held = new Set([...later, ...(await projection.insertCases(plans.filter((plan) => !later.has(plan._id))))]);
      await forEachConcurrently(
        plans.filter((plan) => held.has(plan._id)),
        8,
        async ({ _id, tenant, debtorId, invoiceIds }) => void (await projection.updateCase(_id, withCase(tenant, { caseId: _id, debtorId, invoiceIds }, () => null))),
      );
      // Each invoice's link is its own document: all of the run's in one insert.
      await projection.linkInvoices(items.flatMap(({ value: { data } }) => data.joinedInvoiceIds.map((invoiceId) => ({ invoiceId, caseId: data.caseId }))));
    }),
    on(InvoiceSettledByCreditorV1, async ({ tenant, data, occurredAt }) => {
      const { doc } = await setInvoiceStatus(tenant, data.invoiceId, data.debtorId, data.status);
      const caseId = await projection.caseOfInvoice(data.invoiceId, doc);
      if (caseId) await negativacao.caseChanged(tenant, caseId, data.status === 'paid' ? 'paid' : 'cancelled', new Date(occurredAt), `the creditor reported invoice ${data.invoiceId} ${data.status}`, [data.invoiceId]);
    }),
    on(PaymentReconciledV1, async ({ tenant, data }) => {
      if (!data.settled) return;
      const { doc } = await setInvoiceStatus(tenant, data.invoiceId, data.debtorId, 'paid');
      const caseId = await projection.caseOfInvoice(data.invoiceId, doc);
      if (caseId) await negativacao.caseChanged(tenant, caseId, 'paid', new Date(data.paidAt), `invoice ${data.invoiceId} paid in full`, [data.invoiceId]);
    }),
    on(CaseSettledV1, async ({ tenant, data }) => {
      for (const invoiceId of data.invoiceIds) await setInvoiceStatus(tenant, invoiceId, data.debtorId, 'paid');
      await negativacao.caseChanged(tenant, data.caseId, 'paid', new Date(data.settledAt), 'every invoice of the case paid');
    }),
    on(AgreementCreatedV1, async ({ tenant, data }) => {
      await projection.updateCase(data.caseId, withCase(tenant, data, (doc) => (doc.agreement?.agreementId === data.agreementId ? null : { ...doc, agreement: { agreementId: data.agreementId, active: true } })));
      await negativacao.caseChanged(tenant, data.caseId, 'agreement', new Date(data.acceptedAt), `agreement ${data.agreementId} accepted`, data.invoiceIds);
    }),
    on(AgreementBrokenV1, async ({ tenant, data }) => {
      await projection.updateCase(data.caseId, withCase(tenant, data, (doc) => (doc.agreement?.agreementId === data.agreementId && doc.agreement.active ? { ...doc, agreement: { agreementId: data.agreementId, active: false } } : null)));
    }),
    on(AgreementSettledV1, async ({ tenant, data }) => {
      await projection.updateCase(data.caseId, withCase(tenant, data, (doc) => (doc.agreement?.active ? { ...doc, agreement: { agreementId: data.agreementId, active: false } } : null)));
      for (const invoiceId of data.invoiceIds) await setInvoiceStatus(tenant, invoiceId, data.debtorId, 'paid');
    }),
    on(CaseDisputedV1, async ({ tenant, data, occurredAt }) => {
      await projection.updateCase(data.caseId, withCase(tenant, data, (doc) => (doc.dispute?.disputeId === data.disputeId ? null : { ...doc, dispute: { disputeId: data.disputeId } })));
      await negativacao.caseChanged(tenant, data.caseId, 'dispute', new Date(occurredAt), `the debtor contests the debt (${data.reason})`, data.invoiceIds);
    }),
    on(CaseDisputeResolvedV1, async ({ tenant, data }) => {
      await projection.updateCase(data.caseId, withCase(tenant, data, (doc) => (doc.dispute?.disputeId === data.disputeId ? { ...doc, dispute: null } : null)));
      if (data.outcome === 'upheld') for (const invoiceId of data.invoiceIds) await setInvoiceStatus(tenant, invoiceId, data.debtorId, 'cancelled');
    }),
  ];
}

import type { Connection } from 'mongoose';
import { forEachConcurrently, insertManyIfAbsent, readById } from '@regua/mongo';
import type { CaseFacts } from '../domain/negativacao.ts';
import { updateVersioned, type Mutation, type Versioned } from './versioned.ts';

export interface PartyAddress {
  street: string;
  number: string;
  complement?: string;
  district: string;
  city: string;
  uf: string;
  cep: string;
}

/** What legal knows of an invoice, from ingestion's, notification's and payment-reconciliation's events. */
export interface InvoiceDoc extends Versioned {
  tenant: string;
  debtorId: string;
  /** Kept on invoices linked before links had their own documents (`legal_invoice_cases`). */
  caseId?: string;
  revision?: number;
  amountCents?: number;
  dueDate?: string;
  status?: 'open' | 'paid' | 'cancelled' | 'renegotiated';
  creditor?: { name: string; cnpj: string };
  debtor?: { name: string; taxId: { type: 'cpf' | 'cnpj'; number: string }; address?: PartyAddress };
}

/** A case (one debtor and creditor, notification's id) as legal follows it. */
export interface CaseDoc extends Versioned {
  tenant: string;
  debtorId: string;
  invoiceIds: string[];
  agreement?: { agreementId: string; active: boolean } | null;
  dispute?: { disputeId: string } | null;
  settledInCourt?: boolean;
}

/** Which case an invoice is in: `_id` = invoice id. Notification puts an invoice in one case, once. */
interface InvoiceCaseDoc {
  _id: string;
  caseId: string;
}

/**
 * Legal's own projection of other services' facts (it never reads their databases): `legal_invoices`,
 * `legal_cases` and `legal_invoice_cases`, read and written by `_id` only; new documents in bulk.
 */
export function createProjection(db: Connection) {
  const invoices = db.collection<InvoiceDoc>('legal_invoices');
  const cases = db.collection<CaseDoc>('legal_cases');
  const links = db.collection<InvoiceCaseDoc>('legal_invoice_cases');

  return {
    /** New invoices in one insert; the ids that were there already are returned for an update each. */
    insertInvoices: async (docs: InvoiceDoc[]) => {
      const inserted = await insertManyIfAbsent({ collection: invoices }, docs);
      return docs.filter((d) => !inserted.has(d._id));
    },
    updateInvoice: (id: string, mutate: Mutation<InvoiceDoc>) => updateVersioned(invoices, id, mutate),
    /** A run's invoice → case links in one insert (a link already there stays: an invoice joins one case). */
    linkInvoices: async (entries: ReadonlyArray<{ invoiceId: string; caseId: string }>) => {
      await insertManyIfAbsent({ collection: links }, entries.map((e) => ({ _id: e.invoiceId, caseId: e.caseId })));
    },
    /** The case an invoice is in: on the invoice as read (links kept there before), else its link by `_id`. */
    caseOfInvoice: async (invoiceId: string, known?: InvoiceDoc | null) => known?.caseId ?? (await readById<InvoiceCaseDoc>({ collection: links }, invoiceId))?.caseId,
    updateCase: (id: string, mutate: Mutation<CaseDoc>) => updateVersioned(cases, id, mutate),
    /** New cases in one insert (at version 1, as a versioned write creates them); the ids held already are returned. */
    insertCases: async (docs: CaseDoc[]) => {
      const inserted = await insertManyIfAbsent({ collection: cases }, docs.map((d) => ({ ...d, version: 1 })));
      return docs.filter((d) => !inserted.has(d._id)).map((d) => d._id);
    },
    invoice: (id: string) => readById<InvoiceDoc>({ collection: invoices }, id),
    case: (id: string) => readById<CaseDoc>({ collection: cases }, id),

    /** A case and its invoices, read by `_id`. */
    async caseWithInvoices(id: string): Promise<{ doc: CaseDoc; invoices: InvoiceDoc[] } | null> {
      const doc = await readById<CaseDoc>({ collection: cases }, id);
      if (!doc) return null;
      const found: InvoiceDoc[] = [];
      await forEachConcurrently(doc.invoiceIds, 8, async (invoiceId) => {
        const invoice = await readById<InvoiceDoc>({ collection: invoices }, invoiceId);
        if (invoice) found.push(invoice);
      });
      return { doc, invoices: found.sort((a, b) => a._id.localeCompare(b._id)) };
    },
  };
}

export type Projection = ReturnType<typeof createProjection>;

/** The domain's view of a case: its debts (known ones only) and what blocks registration. */
export function caseFacts(doc: CaseDoc, invoices: InvoiceDoc[]): CaseFacts {
  return {
    debts: invoices.filter((i) => i.amountCents !== undefined && i.dueDate !== undefined && i.status !== undefined).map((i) => ({ invoiceId: i._id, amountCents: i.amountCents!, dueDate: i.dueDate!, status: i.status! })),
    disputed: Boolean(doc.dispute),
    inAgreement: Boolean(doc.agreement?.active),
    settledInCourt: Boolean(doc.settledInCourt),
    hasAddress: invoices.some((i) => i.status === 'open' && i.debtor?.address !== undefined),
  };
}

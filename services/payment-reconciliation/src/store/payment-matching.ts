import { Schema, type Connection } from 'mongoose';
import { forEachConcurrently, insertIfAbsent, insertManyIfAbsent, isDuplicateKeyError, readById } from '@regua/mongo';

/** A debtor's document (hashed, see `documentHash`) → the invoices registered for it: `_id` = `tenant:hash`. */
export interface DebtorDocumentDoc {
  _id: string;
  tenant: string;
  invoiceIds: string[];
}

/**
 * An invoice → the case notification last planned it in: `_id` = invoiceId. No longer written (the link is kept on
 * the receivable, `ReceivableDoc.caseId`); read for receivables stored before that.
 */
export interface InvoiceCaseDoc {
  _id: string;
  caseId: string;
}

/** A debtor's credit with one creditor: `_id` = `tenant:debtorId`; `entries` are the payment ids credited, each once. */
export interface CreditBalanceDoc {
  _id: string;
  tenant: string;
  debtorId: string;
  balanceCents: number;
  entries: string[];
}

/** A case whose CaseSettled was published: `_id` = caseId. */
export interface SettledCaseDoc {
  _id: string;
  settledAt: Date;
}

/** Debtor-document upserts in flight at once (distinct documents: one per debtor of the run). */
const DOCUMENT_WRITES = 8;

export const debtorDocumentId = (tenant: string, hash: string) => `${tenant}:${hash}`;
export const creditBalanceId = (tenant: string, debtorId: string) => `${tenant}:${debtorId}`;

/**
 * The collections behind matching on the payer's document, credit balances and settled cases. Every read and write
 * is by `_id`. `debtor_documents` holds hashes only, never a CPF/CNPJ. `credit_balances.entries` grows with the
 * debtor's overpayments, a handful at most.
 */
export function createPaymentMatchingStore(db: Connection) {
  const documents = db.model<DebtorDocumentDoc>('DebtorDocument', new Schema<DebtorDocumentDoc>({ _id: String, tenant: { type: String, required: true }, invoiceIds: [String] }, { collection: 'debtor_documents', versionKey: false }));
  const invoiceCases = db.model<InvoiceCaseDoc>('InvoiceCase', new Schema<InvoiceCaseDoc>({ _id: String, caseId: { type: String, required: true } }, { collection: 'invoice_cases', versionKey: false }));
  const credits = db.model<CreditBalanceDoc>(
    'CreditBalance',
    new Schema<CreditBalanceDoc>({ _id: String, tenant: { type: String, required: true }, debtorId: { type: String, required: true }, balanceCents: { type: Number, required: true }, entries: [String] }, { collection: 'credit_balances', versionKey: false }),
  );
  const settled = db.model<SettledCaseDoc>('SettledCase', new Schema<SettledCaseDoc>({ _id: String, settledAt: { type: Date, required: true } }, { collection: 'settled_cases', versionKey: false }));

  return {
    /**
     * A registration run's invoices under their debtors' document hashes: a document seen for the first time is
     * inserted with the run's other new ones in one `insertMany` (on FerretDB an upsert each is a read and a write);
     * one already indexed (a known debtor, or a redelivery) gets the run's invoices added by `_id`, concurrently.
     */
    async indexDocuments(tenantHashToInvoices: ReadonlyMap<string, { tenant: string; invoiceIds: string[] }>): Promise<void> {
      const entries = [...tenantHashToInvoices].map(([_id, { tenant, invoiceIds }]) => ({ _id, tenant, invoiceIds: [...new Set(invoiceIds)] }));
      const inserted = await insertManyIfAbsent(documents, entries);
      await forEachConcurrently(
        entries.filter((e) => !inserted.has(e._id)),
        DOCUMENT_WRITES,
        async ({ _id, invoiceIds }) => void (await documents.collection.updateOne({ _id: _id as never }, { $addToSet: { invoiceIds: { $each: invoiceIds } } })),
      );
    },

    async invoicesOfDocument(tenant: string, hash: string): Promise<string[]> {
      return (await documents.findById(debtorDocumentId(tenant, hash)).lean<DebtorDocumentDoc>().exec())?.invoiceIds ?? [];
    },

    async caseOfInvoice(invoiceId: string): Promise<string | null> {
      return (await readById<InvoiceCaseDoc>(invoiceCases, invoiceId))?.caseId ?? null;
    },

    /**
     * Adds a payment's credit to the debtor's balance once: the update matches only a balance without this entry,
     * and an upsert that finds the entry already there collides on `_id`. Returns the balance after, or null if the
     * entry had been credited before.
     */
    async credit(tenant: string, debtorId: string, entry: string, cents: number): Promise<number | null> {
      const _id = creditBalanceId(tenant, debtorId);
      try {
        const doc = await credits
          .findOneAndUpdate({ _id, entries: { $ne: entry } }, { $setOnInsert: { tenant, debtorId }, $inc: { balanceCents: cents }, $push: { entries: entry } }, { upsert: true, new: true })
          .lean<CreditBalanceDoc>()
          .exec();
        return doc?.balanceCents ?? null;
      } catch (error) {
        if (isDuplicateKeyError(error)) return null;
        throw error;
      }
    },

    async balance(tenant: string, debtorId: string): Promise<CreditBalanceDoc | null> {
      return credits.findById(creditBalanceId(tenant, debtorId)).lean<CreditBalanceDoc>().exec();
    },

    async isSettled(caseId: string): Promise<boolean> {
      return (await readById(settled, caseId)) !== null;
    },

    async markSettled(caseId: string, now: Date): Promise<void> {
      await insertIfAbsent(settled, { _id: caseId, settledAt: now });
    },

    /** `markSettled` for many in one insert (a CNAB batch's cases). */
    async markAllSettled(marks: ReadonlyArray<{ caseId: string; settledAt: Date }>): Promise<void> {
      await insertManyIfAbsent(settled, marks.map(({ caseId, settledAt }) => ({ _id: caseId, settledAt })));
    },
  };
}

export type PaymentMatchingStore = ReturnType<typeof createPaymentMatchingStore>;

import { Schema, type Connection } from 'mongoose';
import { debtorKey } from '@regua/contracts';
import { findByIds, forEachConcurrently, insertManyIfAbsent } from '@regua/mongo';
import { EMPTY_HISTORY, type DebtorHistory, type PaymentFact } from '../domain/features.ts';

interface HistoryDoc extends Partial<DebtorHistory> {
  _id: string;
  tenant: string;
  debtorId: string;
}

const complete = (doc: HistoryDoc | null | undefined): DebtorHistory => ({
  invoiceIds: doc?.invoiceIds ?? [],
  closedInvoiceIds: doc?.closedInvoiceIds ?? [],
  payments: doc?.payments ?? [],
  brokenAgreements: doc?.brokenAgreements ?? [],
});

/**
 * `debtor_histories`: one document per debtor of a creditor (`_id` = `tenant:debtorId`), grown only with
 * `$addToSet`, so a redelivered event changes nothing and events of different topics may arrive in any order.
 */
export function createHistoryStore(db: Connection) {
  const model = db.model<HistoryDoc>('DebtorHistory', new Schema<HistoryDoc>({ _id: String, tenant: String, debtorId: String }, { collection: 'debtor_histories', versionKey: false, strict: false }));
  const histories = model.collection;
  const upsert = (tenant: string, debtorId: string, update: Record<string, unknown>) =>
    histories.findOneAndUpdate({ _id: debtorKey(tenant, debtorId) as never }, { $setOnInsert: { tenant, debtorId }, ...update }, { upsert: true, returnDocument: 'after' }) as Promise<HistoryDoc | null>;
  return {
    /** Histories of many debtors by `_id`; a debtor without one gets the empty history and `known` false. */
    async getMany(keys: ReadonlyArray<{ tenant: string; debtorId: string }>): Promise<Map<string, DebtorHistory & { known: boolean }>> {
      const ids = keys.map((k) => debtorKey(k.tenant, k.debtorId));
      const found = await findByIds<HistoryDoc>(model, ids);
      const byId = new Map(found.map((doc) => [doc._id, complete(doc)]));
      return new Map(ids.map((id) => [id, { ...(byId.get(id) ?? EMPTY_HISTORY), known: byId.has(id) }]));
    },
    /**
     * Invoices scored for each debtor. Debtors the caller found without a history (`known` false: most of a first
     * portfolio load) get theirs with one `insertMany`; the others, and any another replica created meanwhile, one
     * `$addToSet` upsert by `_id` each. On FerretDB an update costs what a point read does, an insert far less.
     */
    async addInvoices(entries: ReadonlyArray<{ tenant: string; debtorId: string; invoiceIds: string[]; known: boolean }>): Promise<void> {
      const fresh = entries.filter((e) => !e.known);
      const inserted = await insertManyIfAbsent(model, fresh.map(({ tenant, debtorId, invoiceIds }) => ({ _id: debtorKey(tenant, debtorId), tenant, debtorId, invoiceIds })));
      const rest = entries.filter((e) => e.known || !inserted.has(debtorKey(e.tenant, e.debtorId)));
      await forEachConcurrently(rest, 8, async ({ tenant, debtorId, invoiceIds }) => {
        await upsert(tenant, debtorId, { $addToSet: { invoiceIds: { $each: invoiceIds } } });
      });
    },
    /** A payment: kept (the same fact twice is one), and its invoice closed when settled. Returns the history after it. */
    async recordPayment(tenant: string, debtorId: string, payment: PaymentFact): Promise<DebtorHistory> {
      const addToSet: Record<string, unknown> = { payments: payment };
      if (payment.settled) addToSet.closedInvoiceIds = payment.invoiceId;
      return complete(await upsert(tenant, debtorId, { $addToSet: addToSet }));
    },
    /**
     * The hook for agreements: no event reports a broken agreement yet. When one exists (an `agreement.broken`
     * event from the agreements owner), its handler calls this and, like a payment, re-scores the debtor's open invoices.
     */
    async recordBrokenAgreement(tenant: string, debtorId: string, agreementId: string): Promise<DebtorHistory> {
      return complete(await upsert(tenant, debtorId, { $addToSet: { brokenAgreements: agreementId } }));
    },
    /** Invoices no longer scored (erased). */
    async closeInvoices(tenant: string, debtorId: string, invoiceIds: string[]): Promise<void> {
      await upsert(tenant, debtorId, { $addToSet: { closedInvoiceIds: { $each: invoiceIds } } });
    },
  };
}

export type HistoryStore = ReturnType<typeof createHistoryStore>;

import { Schema, type Connection } from 'mongoose';
import { debtorKey } from '@regua/contracts';
import { findByIds, forEachConcurrently } from '@regua/mongo';
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
  reminders: doc?.reminders ?? [],
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
    /** Histories of many debtors by `_id`; a debtor without one gets the empty history. */
    async getMany(keys: ReadonlyArray<{ tenant: string; debtorId: string }>): Promise<Map<string, DebtorHistory>> {
      const ids = keys.map((k) => debtorKey(k.tenant, k.debtorId));
      const found = await findByIds<HistoryDoc>(model, ids);
      const byId = new Map(found.map((doc) => [doc._id, complete(doc)]));
      return new Map(ids.map((id) => [id, byId.get(id) ?? EMPTY_HISTORY]));
    },
    /** Invoices scored for each debtor: one upsert by `_id` per debtor. */
    async addInvoices(entries: ReadonlyArray<{ tenant: string; debtorId: string; invoiceIds: string[] }>): Promise<void> {
      await forEachConcurrently(entries, 8, async ({ tenant, debtorId, invoiceIds }) => {
        await upsert(tenant, debtorId, { $addToSet: { invoiceIds: { $each: invoiceIds } } });
      });
    },
    /** A payment: kept (the same fact twice is one), and its invoice closed when settled. Returns the history after it. */
    async recordPayment(tenant: string, debtorId: string, payment: PaymentFact): Promise<DebtorHistory> {
      const addToSet: Record<string, unknown> = { payments: payment };
      if (payment.settled) addToSet.closedInvoiceIds = payment.invoiceId;
      return complete(await upsert(tenant, debtorId, { $addToSet: addToSet }));
    },
    async recordReminders(entries: ReadonlyArray<{ tenant: string; debtorId: string; reminderIds: string[] }>): Promise<void> {
      await forEachConcurrently(entries, 8, async ({ tenant, debtorId, reminderIds }) => {
        await upsert(tenant, debtorId, { $addToSet: { reminders: { $each: reminderIds } } });
      });
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

import { Schema, type Connection } from 'mongoose';
import { debtorKey } from '@regua/contracts';
import { findByIds, forEachConcurrently, insertManyIfAbsent, isDuplicateKeyError } from '@regua/mongo';
import { NO_ENGAGEMENT, summariseOutcomes, type ContactOutcome, type MessageStatus } from '../domain/engagement.ts';
import { EMPTY_HISTORY, type DebtorHistory, type PaymentFact } from '../domain/features.ts';
import { oneAtATime } from './one-at-a-time.ts';

/**
 * Contact ids kept per status, newest last: an event of a contact among them is a redelivery and counts nothing.
 * One whose contact has dropped out (this many newer ones of its status since) would count again.
 */
const CONTACTS_SEEN_KEPT = 100;
/** Guarded writes of one debtor's outcomes before the batch fails (and is retried by the consumer). */
const OUTCOME_ATTEMPTS = 3;

interface HistoryDoc extends Partial<DebtorHistory> {
  _id: string;
  tenant: string;
  debtorId: string;
  /** The latest contact ids counted, per status: only for counting once, so never read for scoring. */
  contactsSeen?: Partial<Record<MessageStatus, string[]>>;
}

/** The seen ids left out of the reads for scoring (not of `findOneAndUpdate`'s: FerretDB 1 has no projection there). */
const WITHOUT_SEEN = { contactsSeen: 0 } as const;

const complete = (doc: HistoryDoc | null | undefined): DebtorHistory => ({
  invoiceIds: doc?.invoiceIds ?? [],
  closedInvoiceIds: doc?.closedInvoiceIds ?? [],
  payments: doc?.payments ?? [],
  brokenAgreements: doc?.brokenAgreements ?? [],
  engagement: { ...NO_ENGAGEMENT, ...doc?.engagement },
});

/**
 * `debtor_histories`: one document per debtor of a creditor (`_id` = `tenant:debtorId`), grown only with
 * `$addToSet`, so a redelivered event changes nothing and events of different topics may arrive in any order;
 * message engagement is counted, each contact once per status (`recordOutcomes`). Seven topics write here, so the
 * updates of one debtor's document are run one at a time (`oneAtATime`: FerretDB 1.x would lose one of two at once).
 */
export function createHistoryStore(db: Connection) {
  const model = db.model<HistoryDoc>('DebtorHistory', new Schema<HistoryDoc>({ _id: String, tenant: String, debtorId: String }, { collection: 'debtor_histories', versionKey: false, strict: false }));
  const histories = model.collection;
  const serially = oneAtATime();
  const upsert = (tenant: string, debtorId: string, update: Record<string, unknown>) => {
    const _id = debtorKey(tenant, debtorId);
    return serially(_id, () => histories.findOneAndUpdate({ _id } as never, { $setOnInsert: { tenant, debtorId }, ...update }, { upsert: true, returnDocument: 'after' }) as Promise<HistoryDoc | null>);
  };
  /**
   * One debtor's outcomes of one status, guarded by "none of these contacts seen yet": when the guard fails (a
   * redelivery: the upsert then collides on `_id`), the seen ids are read and only the contacts not among them counted.
   */
  async function recordOneDebtor(_id: string, tenant: string, debtorId: string, status: MessageStatus, outcomes: readonly ContactOutcome[]): Promise<void> {
    const { contactIds, latestAt, channels } = summariseOutcomes(outcomes);
    const seen = `contactsSeen.${status}`;
    const reads = status === 'read' && latestAt ? { $max: { 'engagement.lastReadAt': latestAt }, $addToSet: { 'engagement.channelsRead': { $each: channels } } } : {};
    let fresh = contactIds;
    for (let attempt = 1; fresh.length > 0; attempt++) {
      try {
        const update = { $setOnInsert: { tenant, debtorId }, $inc: { [`engagement.${status}`]: fresh.length }, $push: { [seen]: { $each: fresh, $slice: -CONTACTS_SEEN_KEPT } }, ...reads };
        await histories.updateOne({ _id, [seen]: { $nin: fresh } } as never, update as never, { upsert: true });
        return;
      } catch (error) {
        if (!isDuplicateKeyError(error) || attempt === OUTCOME_ATTEMPTS) throw error;
        const doc = (await histories.findOne({ _id } as never, { projection: { [seen]: 1 } })) as HistoryDoc | null;
        const counted = new Set(doc?.contactsSeen?.[status] ?? []);
        fresh = fresh.filter((id) => !counted.has(id));
      }
    }
  }

  return {
    /** Histories of many debtors by `_id`; a debtor without one gets the empty history and `known` false. */
    async getMany(keys: ReadonlyArray<{ tenant: string; debtorId: string }>): Promise<Map<string, DebtorHistory & { known: boolean }>> {
      const ids = keys.map((k) => debtorKey(k.tenant, k.debtorId));
      const found = await findByIds<HistoryDoc>(model, ids, { projection: WITHOUT_SEEN });
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
    /**
     * Notification's outcomes of one status for each debtor: every contact counted once, reads also moving the last
     * read and the channels read on. One guarded update by `_id` per debtor, debtors concurrently.
     */
    async recordOutcomes(status: MessageStatus, entries: ReadonlyArray<{ tenant: string; debtorId: string; outcomes: readonly ContactOutcome[] }>): Promise<void> {
      await forEachConcurrently(entries, 8, async ({ tenant, debtorId, outcomes }) => {
        const _id = debtorKey(tenant, debtorId);
        await serially(_id, () => recordOneDebtor(_id, tenant, debtorId, status, outcomes));
      });
    },
    /** Invoices no longer scored (erased). */
    async closeInvoices(tenant: string, debtorId: string, invoiceIds: string[]): Promise<void> {
      await upsert(tenant, debtorId, { $addToSet: { closedInvoiceIds: { $each: invoiceIds } } });
    },
  };
}

export type HistoryStore = ReturnType<typeof createHistoryStore>;
